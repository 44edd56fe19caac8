namespace Sluice.Deployment.Workflow;

public sealed record WorkerOptions
{
    /// <summary>Unique per process: a restarted worker is a new owner, so its old leases' epochs never match it.</summary>
    public string WorkerId { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>How long a lease (and a heartbeat) lasts without renewal; a crashed worker's shards move after it.</summary>
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RenewInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The short poll where no notifications exist (SQLite, MySQL) and the safety net where they do.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Due deployments claimed per query.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>The fewest deployments this worker drives at once, however loaded the engine is.</summary>
    public int MinConcurrency { get; init; } = 8;

    /// <summary>The most deployments this worker drives at once (the adaptive limit never goes above).</summary>
    public int MaxConcurrency { get; init; } = 512;

    /// <summary>
    /// The engine's own time per step (not inside providers and drivers) the adaptive limit aims for: a deployment
    /// takes about six steps, so 8 ms keeps its overhead around 50 ms.
    /// </summary>
    public TimeSpan TargetStepOverhead { get; init; } = TimeSpan.FromMilliseconds(8);
}
