using System.Collections.Concurrent;
using System.Diagnostics;

namespace Sluice.Deployment.Workflow;

/// <summary>
/// Where a finished deployment's time went: waiting in the database for a worker to pick it up, inside providers and
/// drivers ("external"), and in the engine itself (reading, deciding, persisting). A sample is kept per deployment
/// when it finishes.
/// </summary>
public sealed class EngineMetrics
{
    private readonly ConcurrentDictionary<long, Running> _running = new();
    private readonly ConcurrentQueue<DeploymentTimes> _finished = new();
    private long _steps;
    private long _commitTicks;

    public long Steps => Interlocked.Read(ref _steps);

    /// <summary>Time all steps spent persisting their transitions (waiting for the commit included).</summary>
    public TimeSpan CommitTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _commitTicks));

    /// <summary>Deployments finished since the start (or the last reset).</summary>
    public int Finished => _finished.Count;

    /// <summary>The times of every finished deployment.</summary>
    public IReadOnlyList<DeploymentTimes> Samples => _finished.ToArray();

    /// <param name="createdAt">When the deployment was requested (its row's creation time).</param>
    /// <param name="stepStartedAt">Wall-clock start of this step; the first step's start ends the pick-up wait.</param>
    /// <param name="stepEndedAt">Wall-clock end of this step (its transition committed).</param>
    internal void Record(long deploymentId, DateTimeOffset createdAt, DateTimeOffset stepStartedAt, DateTimeOffset stepEndedAt,
        long stepTicks, long externalTicks, long commitTicks, bool finished)
    {
        Interlocked.Increment(ref _steps);
        Interlocked.Add(ref _commitTicks, commitTicks);
        var total = _running.AddOrUpdate(deploymentId, _ => new Running(stepStartedAt - createdAt, stepTicks, externalTicks),
            (_, sum) => sum with { StepTicks = sum.StepTicks + stepTicks, ExternalTicks = sum.ExternalTicks + externalTicks });
        if (finished && _running.TryRemove(deploymentId, out total))
        {
            _finished.Enqueue(new DeploymentTimes(Stopwatch.GetElapsedTime(0, total.StepTicks - total.ExternalTicks),
                Stopwatch.GetElapsedTime(0, total.ExternalTicks), total.PickupWait, stepEndedAt - createdAt));
        }
    }

    public void Reset()
    {
        _running.Clear();
        _finished.Clear();
        Interlocked.Exchange(ref _steps, 0);
        Interlocked.Exchange(ref _commitTicks, 0);
    }

    private sealed record Running(TimeSpan PickupWait, long StepTicks, long ExternalTicks);
}

/// <param name="Overhead">The engine's own time: the deployment's step time minus time inside providers and drivers.</param>
/// <param name="External">Time inside providers and drivers.</param>
/// <param name="PickupWait">From the request to the first step's start: queued in the database, no worker slot free yet.</param>
/// <param name="EndToEnd">From the request to the final transition's commit.</param>
public sealed record DeploymentTimes(TimeSpan Overhead, TimeSpan External, TimeSpan PickupWait, TimeSpan EndToEnd);
