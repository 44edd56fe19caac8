using System.Diagnostics;

namespace Sluice.Bench.Measurement;

/// <summary>
/// Runs one operation from N concurrent clients for a fixed time and records every call's latency.
/// Each client loops on its own task; the clock stops all of them at once.
/// </summary>
public static class LoadRunner
{
    /// <param name="operation">Called with (client index, sequence number within that client); throws on failure.</param>
    public static async Task<LoadResult> RunAsync(
        string name, int clients, TimeSpan duration, Func<int, long, CancellationToken, Task> operation)
    {
        using var stop = new CancellationTokenSource(duration);
        var perClient = new List<long>[clients];
        var errors = new long[clients];
        string? firstError = null;
        var cpu = CpuMeter.Start();
        var clock = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var samples = perClient[client] = new List<long>(4096);
            for (long sequence = 0; !stop.IsCancellationRequested; sequence++)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await operation(client, sequence, CancellationToken.None);
                    samples.Add(Stopwatch.GetTimestamp() - started);
                }
                catch (Exception e)
                {
                    errors[client]++;
                    Interlocked.CompareExchange(ref firstError, $"{e.GetType().Name}: {e.Message}", null);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed;
        var all = perClient.SelectMany(samples => samples).ToArray();
        var (ownCpu, databaseCpu) = cpu.PerOperation(all.Length);
        return LoadResult.From(name, clients, elapsed, all, errors.Sum(), firstError) with { SluiceCpuMs = ownCpu, DatabaseCpuMs = databaseCpu };
    }
}

/// <summary>Throughput and latency percentiles of one measured operation.</summary>
public sealed record LoadResult(
    string Name, int Clients, double Seconds, long Operations, long Errors, double PerSecond,
    double P50Ms, double P90Ms, double P99Ms, double MaxMs, string? FirstError)
{
    /// <summary>CPU milliseconds per operation in the bench process (client and in-process server).</summary>
    public double? SluiceCpuMs { get; init; }

    /// <summary>CPU milliseconds per operation in the database server's processes on this machine.</summary>
    public double? DatabaseCpuMs { get; init; }

    public static LoadResult From(string name, int clients, TimeSpan elapsed, long[] ticks, long errors, string? firstError)
    {
        Array.Sort(ticks);
        double Percentile(double p) => ticks.Length == 0
            ? double.NaN
            : ticks[Math.Min(ticks.Length - 1, (int)Math.Ceiling(p * ticks.Length) - 1)] * 1000.0 / Stopwatch.Frequency;
        return new LoadResult(name, clients, elapsed.TotalSeconds, ticks.Length, errors,
            ticks.Length / elapsed.TotalSeconds, Percentile(0.50), Percentile(0.90), Percentile(0.99),
            ticks.Length == 0 ? double.NaN : ticks[^1] * 1000.0 / Stopwatch.Frequency, firstError);
    }
}
