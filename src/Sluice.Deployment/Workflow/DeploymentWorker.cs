using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Sluice.Store.Deployments;

namespace Sluice.Deployment.Workflow;

/// <summary>
/// A stateless worker. It holds leases on its fair share of the shards (rebalancing as workers join and leave),
/// claims due deployments of those shards in batches, and drives each one step at a time through the
/// <see cref="DeploymentEngine"/>, every step a fenced transaction. How many it drives at once follows the engine's
/// own overhead (<see cref="ConcurrencyLimit"/>); the others wait in the database. Woken by PostgreSQL notifications
/// where available, by a short poll otherwise.
/// </summary>
public sealed class DeploymentWorker(DeploymentEngine engine, WorkerOptions? options = null, TimeProvider? time = null) : BackgroundService
{
    private readonly WorkerOptions _options = options ?? new WorkerOptions();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<int, ShardFence> _held = new();
    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    // Rows this worker just moved on: a batch read before the move still shows the old version, and must not run it again.
    private readonly ConcurrentDictionary<long, int> _movedOn = new();
    private readonly ConcurrencyLimit _limit = NewLimit(options ?? new WorkerOptions());
    private int _driving;
    private DeploymentStore Store => engine.Store;

    private static ConcurrencyLimit NewLimit(WorkerOptions options) =>
        new(Math.Min(options.MinConcurrency, options.MaxConcurrency), options.MaxConcurrency, options.TargetStepOverhead);

    private int ClaimThreshold => Math.Max(1, Math.Min(_options.BatchSize, _limit.Current) / 8);

    /// <summary>Deployments this worker drives at once now (its adaptive limit).</summary>
    public int Concurrency => _limit.Current;

    public string WorkerId => _options.WorkerId;

    /// <summary>The leases this worker believes it holds now.</summary>
    public IReadOnlyCollection<ShardFence> Leases => _held.Values.ToList();

    /// <summary>Errors of the infrastructure (database unreachable, ...) the loops survived; for logs and tests.</summary>
    public ConcurrentQueue<Exception> Faults { get; } = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Store.EnsureShardsAsync(stoppingToken);
        var leases = Task.Run(() => LeaseLoopAsync(stoppingToken), CancellationToken.None);
        var listen = Task.Run(() => ListenLoopAsync(stoppingToken), CancellationToken.None);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var claimed = 0;
                var free = _limit.Current - Volatile.Read(ref _driving);
                try
                {
                    if (free <= 0)
                    {
                        await _wake.WaitAsync(_options.PollInterval, stoppingToken);
                        continue;
                    }
                    // As many as there are free slots, leaving out those in flight: no running row is read again.
                    var limit = Math.Min(free, _options.BatchSize);
                    var due = await Store.DueAsync(_held.Keys.ToList(), _time.GetUtcNow(), limit, stoppingToken, _inFlight.Keys.ToList());
                    var dueIds = due.Select(d => d.Id).ToHashSet();
                    foreach (var id in _movedOn.Keys.Where(id => !dueIds.Contains(id) && !_inFlight.ContainsKey(id)))
                    {
                        _movedOn.TryRemove(id, out _);
                    }
                    foreach (var deployment in due)
                    {
                        if (_inFlight.ContainsKey(deployment.Id)) continue;
                        if (_movedOn.TryGetValue(deployment.Id, out var version) && version > deployment.Version) continue;
                        // The limit may have shrunk since the claim: the rest stay in the database for later.
                        if (Volatile.Read(ref _driving) >= _limit.Current) break;
                        var run = new TaskCompletionSource();
                        if (!_inFlight.TryAdd(deployment.Id, run.Task)) continue;
                        Interlocked.Increment(ref _driving);
                        claimed++;
                        _ = Task.Run(async () =>
                        {
                            try
                            {
                                await DriveAsync(deployment, stoppingToken);
                            }
                            finally
                            {
                                _inFlight.TryRemove(deployment.Id, out _);
                                // Claim again once a batch worth of slots is free, not after every deployment.
                                if (_limit.Current - Interlocked.Decrement(ref _driving) >= ClaimThreshold) Wake();
                                run.SetResult();
                            }
                        }, CancellationToken.None);
                    }
                    if (due.Count == limit && claimed > 0) continue;
                }
                catch (Exception error) when (!stoppingToken.IsCancellationRequested)
                {
                    Faults.Enqueue(error);
                }
                await _wake.WaitAsync(_options.PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            try
            {
                await Task.WhenAll(_inFlight.Values);
                await Task.WhenAll(leases, listen);
            }
            finally
            {
                // Hand every shard back at once, whatever the loops ended with, instead of leaving the others to
                // wait out the leases.
                await Store.LeaveAsync(WorkerId, CancellationToken.None);
                _held.Clear();
            }
        }
    }

    /// <summary>Runs the deployment's steps back to back while the next one is due now and the shard is still ours.</summary>
    private async Task DriveAsync(DeploymentRecord deployment, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested && _held.TryGetValue(deployment.Shard, out var fence))
            {
                (deployment, var overhead) = await engine.RunStepAsync(fence, deployment, ct);
                if (overhead is { } measured) _limit.OnStep(measured);
                _movedOn[deployment.Id] = deployment.Version;
                if (deployment.State.IsTerminal() || deployment.NextAttemptAt > _time.GetUtcNow()) return;
            }
        }
        catch (FencedOutException fenced)
        {
            // Another worker owns the shard now: forget it (the lease loop may win it back later with a new epoch).
            _held.TryRemove(new KeyValuePair<int, ShardFence>(fenced.Fence.Shard, fenced.Fence));
        }
        catch (DeploymentChangedException)
        {
            // A cancel request (or another write) moved the row; the next claim reads it fresh.
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            Faults.Enqueue(error);
        }
    }

    private async Task LeaseLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await MaintainLeasesAsync(ct);
            }
            catch (Exception error) when (!ct.IsCancellationRequested)
            {
                Faults.Enqueue(error);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                // Stopping: a driver may report the cancelled call as its own error rather than a cancellation.
                return;
            }
            try
            {
                await Task.Delay(_options.RenewInterval, _time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Heartbeat, renew what is held, then move toward the fair share: ceil(shards / live workers).</summary>
    public async Task MaintainLeasesAsync(CancellationToken ct = default)
    {
        var now = _time.GetUtcNow();
        var live = await Store.HeartbeatAsync(WorkerId, now, _options.LeaseTtl, ct);
        var kept = await Store.RenewAsync(_held.Values.ToList(), now, _options.LeaseTtl, ct);
        foreach (var lost in _held.Values.Except(kept).ToList())
        {
            _held.TryRemove(lost.Shard, out _);
        }
        var fairShare = (Store.ShardCount + live - 1) / Math.Max(1, live);
        if (_held.Count < fairShare)
        {
            var free = (await Store.LeasesAsync(ct)).Where(l => l.ExpiresAt <= now).Select(l => l.Shard)
                .OrderBy(shard => (shard * 7919 + WorkerId.GetHashCode()) & int.MaxValue).ToList();
            var gained = false;
            foreach (var shard in free)
            {
                if (_held.Count >= fairShare) break;
                if (await Store.TryAcquireAsync(shard, WorkerId, now, _options.LeaseTtl, ct) is { } fence)
                {
                    _held[shard] = fence;
                    gained = true;
                }
            }
            if (gained) Wake();
        }
        else if (_held.Count > fairShare)
        {
            foreach (var extra in _held.Values.OrderByDescending(f => f.Shard).Take(_held.Count - fairShare).ToList())
            {
                _held.TryRemove(extra.Shard, out _);
                await Store.ReleaseAsync(extra, ct);
            }
        }
    }

    private async Task ListenLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Store.ListenAsync(shard =>
                {
                    if (_held.ContainsKey(shard)) Wake();
                }, ct);
                return;
            }
            catch (Exception error) when (!ct.IsCancellationRequested)
            {
                Faults.Enqueue(error);
                try
                {
                    await Task.Delay(_options.PollInterval, _time, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                // Stopping: Npgsql may report the cancelled LISTEN wait as its own error rather than a cancellation.
                return;
            }
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
