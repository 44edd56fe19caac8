using System.Text.RegularExpressions;

namespace Sluice.Runtimes.Drivers;

/// <summary>A job's identity: its namespace (team) and name, both DNS-1123 labels.</summary>
public sealed record JobRef(string Namespace, string Name)
{
    public override string ToString() => $"{Namespace}/{Name}";
}

/// <summary>
/// What makes one submission: a job's revision on a fabric. <paramref name="Attempt"/> lets the workflow resubmit the
/// same revision on purpose (a retry after a failure, a rollback); a crash re-run uses the same attempt.
/// </summary>
public sealed record SubmissionKey(JobRef Job, long Revision, string Fabric, int Attempt = 1)
{
    public override string ToString() => $"{Job}@{Fabric} revision {Revision} attempt {Attempt}";
}

/// <summary>Where a submission's state comes from (the JobSpec's upgrade mode, resolved by the workflow).</summary>
public enum RestoreMode
{
    /// <summary>Start with empty state (<c>stateless</c>).</summary>
    Stateless,

    /// <summary>Restore from exactly <see cref="RestorePlan.SavepointPath"/> (<c>savepoint</c>).</summary>
    Savepoint,

    /// <summary>Restore from the latest retained checkpoint of the job's previous run (<c>last-state</c>).</summary>
    LastState,
}

public sealed record RestorePlan(RestoreMode Mode, string? SavepointPath = null)
{
    public static RestorePlan Stateless { get; } = new(RestoreMode.Stateless);

    public static RestorePlan LastState { get; } = new(RestoreMode.LastState);

    public static RestorePlan FromSavepoint(string path) =>
        string.IsNullOrWhiteSpace(path)
            ? throw new ArgumentException("restore.savepointPath: a savepoint location is required", nameof(path))
            : new RestorePlan(RestoreMode.Savepoint, path);
}

public sealed record SubmitRequest(SubmissionKey Key, RuntimeArtifact Artifact, RestorePlan? Restore = null)
{
    public RestorePlan RestoreOrDefault => Restore ?? RestorePlan.Stateless;
}

/// <summary>
/// What the workflow keeps to address a submission later. Plain strings and numbers so it can be persisted as is.
/// <paramref name="RuntimeId"/> is the runtime's own id: <c>namespace/name</c> of a FlinkDeployment, a YARN
/// application id, or a local run id.
/// </summary>
public sealed record RuntimeJobHandle(string Driver, SubmissionKey Key, string RuntimeId);

public enum RuntimeJobState
{
    /// <summary>The runtime has no trace of this submission (never created, deleted, or replaced by another revision).</summary>
    NotFound,
    Starting,
    Running,
    Stopping,
    Suspended,
    Cancelled,
    Finished,
    Failed,
}

/// <param name="NativeState">The runtime's own words, e.g. <c>lifecycleState=STABLE jobStatus=RUNNING</c> or <c>RUNNING/UNDEFINED</c>.</param>
/// <param name="Message">Why it failed or what it waits for, when the runtime says.</param>
public sealed record JobObservation(RuntimeJobState State, string NativeState, string? Message = null)
{
    public bool IsActive => State is RuntimeJobState.Starting or RuntimeJobState.Running or RuntimeJobState.Stopping;
}

/// <param name="Location">Where the savepoint lives; pass it to <see cref="RestorePlan.FromSavepoint"/>.</param>
/// <param name="Revision">The job revision the savepoint was taken from.</param>
public sealed record SavepointResult(string SavepointId, string Location, long Revision, DateTimeOffset TakenAt);

/// <summary>Savepoint ids name runtime objects and folders: DNS-1123 labels.</summary>
public static partial class SavepointIds
{
    public static string Validate(string? savepointId) =>
        savepointId is not null && Dns1123Label().IsMatch(savepointId)
            ? savepointId
            : throw new ArgumentException($"savepointId: expected at most 63 lower-case letters, digits and '-', got '{savepointId}'", nameof(savepointId));

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex Dns1123Label();
}
