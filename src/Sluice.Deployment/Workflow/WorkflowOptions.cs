namespace Sluice.Deployment.Workflow;

public sealed class WorkflowOptions
{
    /// <summary>Tries of one step before the deployment fails with the step's last error.</summary>
    public int MaxAttempts { get; init; } = 5;

    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long Observing waits for the runtime to report running before the deployment fails.</summary>
    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often Observing asks the runtime while the job starts.</summary>
    public TimeSpan ObserveInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a queued deployment checks whether its (job, fabric) slot is free (it is also woken).</summary>
    public TimeSpan QueuedRecheck { get; init; } = TimeSpan.FromSeconds(5);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Exponential backoff with full jitter: a random delay in [base·2^(attempt-1)/2, base·2^(attempt-1)], capped.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(BackoffMax.TotalMilliseconds, BackoffBase.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }
}
