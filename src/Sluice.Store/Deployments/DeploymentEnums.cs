namespace Sluice.Store.Deployments;

// Persisted enums: the numbers are stored, so values are explicit and append-only (never renumber or reuse).

public enum DeploymentKind : short
{
    Create = 1,
    Update = 2,
    Suspend = 3,
    Resume = 4,
    Delete = 5,
    Scale = 6,
    Rollback = 7,
    /// <summary>The migrator's guarded cut-over: a legacy job moves onto Sluice.</summary>
    Migrate = 8,
    /// <summary>The reverse cut-over: a Sluice job moves back to its legacy control plane.</summary>
    Eject = 9,
}

/// <summary>The step a deployment runs next (or its terminal outcome).</summary>
public enum DeploymentState : short
{
    /// <summary>Waits for the (job, fabric) slot held by an earlier deployment.</summary>
    Queued = 1,
    Pending = 2,
    Admitted = 3,
    Provisioning = 4,
    Rendering = 5,
    Savepointing = 6,
    Stopping = 7,
    Submitting = 8,
    Observing = 9,
    Releasing = 10,
    /// <summary>A cut-over that failed before its flip puts the job back on the side it came from.</summary>
    Reverting = 11,
    Succeeded = 20,
    Failed = 21,
    Cancelled = 22,
    /// <summary>A newer request for the same (job, fabric) replaced it while it was still queued.</summary>
    Superseded = 23,
}

public enum ResourceKind : short
{
    StateStore = 1,
    Topic = 2,
    Dashboard = 3,
    AlertRule = 4,
    Savepoint = 5,
    CheckpointDir = 6,
}

public enum ResourceStatus : short
{
    Provisioned = 1,
    Released = 2,
}

/// <summary>Where a submission's state comes from; stored with the deployment once chosen.</summary>
public enum RestoreKind : short
{
    Stateless = 1,
    Savepoint = 2,
    LastState = 3,
}

public static class DeploymentStates
{
    public static bool IsTerminal(this DeploymentState state) =>
        state is DeploymentState.Succeeded or DeploymentState.Failed or DeploymentState.Cancelled or DeploymentState.Superseded;

    public static string ToKebab(this DeploymentState state) => state.ToString().ToLowerInvariant();

    public static string ToKebab(this ResourceKind kind) => kind switch
    {
        ResourceKind.StateStore => "state-store",
        ResourceKind.AlertRule => "alert-rule",
        ResourceKind.CheckpointDir => "checkpoint-dir",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
