using System.Collections.Concurrent;
using System.Diagnostics;

namespace Sluice.Deployment.Workflow;

/// <summary>
/// Where a deployment's step time goes: inside providers and drivers ("external") or in the engine itself
/// (reading, deciding, persisting). Collected per deployment; a sample is kept when the deployment finishes.
/// </summary>
public sealed class EngineMetrics
{
    private readonly ConcurrentDictionary<long, (long StepTicks, long ExternalTicks)> _running = new();
    private readonly ConcurrentQueue<TimeSpan> _overheads = new();
    private long _steps;
    private long _commitTicks;

    public long Steps => Interlocked.Read(ref _steps);

    /// <summary>Time all steps spent persisting their transitions (waiting for the commit included).</summary>
    public TimeSpan CommitTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _commitTicks));

    /// <summary>Deployments finished since the start (or the last reset).</summary>
    public int Finished => _overheads.Count;

    /// <summary>Engine overhead (step time minus time inside providers/drivers) of every finished deployment.</summary>
    public IReadOnlyList<TimeSpan> Overheads => _overheads.ToArray();

    internal void Record(long deploymentId, long stepTicks, long externalTicks, long commitTicks, bool finished)
    {
        Interlocked.Increment(ref _steps);
        Interlocked.Add(ref _commitTicks, commitTicks);
        var total = _running.AddOrUpdate(deploymentId, (stepTicks, externalTicks),
            (_, sum) => (sum.StepTicks + stepTicks, sum.ExternalTicks + externalTicks));
        if (finished && _running.TryRemove(deploymentId, out total))
        {
            _overheads.Enqueue(Stopwatch.GetElapsedTime(0, total.StepTicks - total.ExternalTicks));
        }
    }

    public void Reset()
    {
        _running.Clear();
        _overheads.Clear();
        Interlocked.Exchange(ref _steps, 0);
        Interlocked.Exchange(ref _commitTicks, 0);
    }
}
