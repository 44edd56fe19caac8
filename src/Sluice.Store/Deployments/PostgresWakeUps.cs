using Npgsql;
using NpgsqlTypes;

namespace Sluice.Store.Deployments;

/// <summary>
/// Sends the "new deployment on shard N" notifications after the creating transaction committed, coalesced: one
/// statement at a time carries every shard asked for since the last one. A NOTIFY inside the create would make each
/// create hold PostgreSQL's database-wide notification lock through its commit, so creates would commit one at a
/// time. A notification is only a wake-up (workers also poll), so one lost to a crash costs a poll interval.
/// </summary>
internal sealed class PostgresWakeUps(Func<CancellationToken, Task<NpgsqlConnection>> open, string channel) : IAsyncDisposable
{
    private readonly HashSet<int> _pending = [];
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _disposed;

    public void Notify(int shard)
    {
        lock (_pending)
        {
            _pending.Add(shard);
            _loop ??= Task.Run(SendLoopAsync);
        }
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    private async Task SendLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            int[] shards;
            lock (_pending)
            {
                shards = [.. _pending];
                _pending.Clear();
            }
            if (shards.Length == 0) continue;
            try
            {
                await using var connection = await open(_stop.Token);
                await using var command = new NpgsqlCommand("SELECT pg_notify(@Channel, s::text) FROM unnest(@Shards) AS s", connection);
                command.Parameters.AddWithValue("Channel", NpgsqlDbType.Text, channel);
                command.Parameters.AddWithValue("Shards", NpgsqlDbType.Array | NpgsqlDbType.Integer, shards);
                await command.ExecuteNonQueryAsync(_stop.Token);
            }
            catch (Exception) when (!_stop.IsCancellationRequested)
            {
                // The workers' poll picks the deployments up; the next create notifies again.
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stop.CancelAsync();
        Task? loop;
        lock (_pending) loop = _loop;
        if (loop is not null) await loop;
        _stop.Dispose();
        _signal.Dispose();
    }
}
