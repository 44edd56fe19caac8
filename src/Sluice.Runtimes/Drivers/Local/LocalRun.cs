namespace Sluice.Runtimes.Drivers.Local;

public enum LocalRuntimeKind
{
    Flink,
    Samza,
}

/// <summary>How a local run ended its life on purpose; null while nobody stopped it.</summary>
public enum LocalStopKind
{
    Suspended,
    Cancelled,
}

/// <summary>
/// One submission as the local simulator recorded it. Its state is a function of time and of its fate, decided at
/// submission from the driver's seed, so a replayed record behaves the same.
/// </summary>
public sealed record LocalRun(
    string RunId,
    SubmissionKey Key,
    LocalRuntimeKind Kind,
    DateTimeOffset SubmittedAt,
    RestoreMode RestoreMode,
    string? RestoredFrom,
    string? ArtifactPath,
    bool CrashesDuringStart,
    bool FailsAfterRunning,
    LocalStopKind? Stop = null,
    DateTimeOffset? StoppedAt = null)
{
    public JobObservation ObserveAt(DateTimeOffset now, TimeSpan startTime, TimeSpan failAfter)
    {
        var startedAt = SubmittedAt + startTime;
        var failedAt = CrashesDuringStart ? startedAt : FailsAfterRunning ? startedAt + failAfter : DateTimeOffset.MaxValue;
        var endOfLife = StoppedAt ?? DateTimeOffset.MaxValue;
        if (failedAt <= now && failedAt <= endOfLife)
        {
            return new JobObservation(RuntimeJobState.Failed, "FAILED", CrashesDuringStart ? "crashed during start (simulated)" : "failed after running (simulated)");
        }
        if (Stop is { } stop)
        {
            return stop == LocalStopKind.Suspended
                ? new JobObservation(RuntimeJobState.Suspended, "SUSPENDED")
                : new JobObservation(RuntimeJobState.Cancelled, "CANCELED");
        }
        return now < startedAt
            ? new JobObservation(RuntimeJobState.Starting, "INITIALIZING", $"starts at {startedAt:O}")
            : new JobObservation(RuntimeJobState.Running, "RUNNING");
    }
}

/// <summary>A savepoint the simulator took: its location and the run (and so the revision) it came from.</summary>
public sealed record LocalSavepoint(string SavepointId, string RunId, SubmissionKey Key, string Location, DateTimeOffset TakenAt);
