namespace Sluice.Runtimes.Drivers.Kubernetes;

public sealed class KubernetesFlinkOptions
{
    /// <summary>The kubeconfig file; null uses <c>$KUBECONFIG</c> or <c>~/.kube/config</c>. Each fabric names its context.</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>Limit for one API request; a request that takes longer is retried.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after a 5xx, 429, connection failure or timeout.</summary>
    public int MaxRetries { get; init; } = 3;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Retries of a read-modify-write that lost a race (409 Conflict on a stale resourceVersion).</summary>
    public int MaxConflictRetries { get; init; } = 5;

    public TimeSpan SavepointTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan SavepointPollInterval { get; init; } = TimeSpan.FromSeconds(2);
}
