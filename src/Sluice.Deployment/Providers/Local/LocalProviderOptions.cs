using Sluice.Runtimes.Faults;
using Sluice.Spec.V1;

namespace Sluice.Deployment.Providers.Local;

public sealed class LocalProviderOptions
{
    /// <summary>
    /// Root of the local fabrics' folders (e.g. <c>.sluice/local</c>); artifacts and resource records go under
    /// <c>&lt;Folder&gt;/&lt;fabric&gt;/</c>. Null keeps records in memory and writes nothing.
    /// </summary>
    public string? Folder { get; init; }

    public FaultPlan Faults { get; init; } = FaultPlan.None;

    /// <summary>The runtime of jobs whose spec says <c>any</c> (the platform config's default runtime).</summary>
    public Runtime DefaultRuntime { get; init; } = Runtime.Flink;

    public int DefaultReplicationFactor { get; init; } = 3;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
