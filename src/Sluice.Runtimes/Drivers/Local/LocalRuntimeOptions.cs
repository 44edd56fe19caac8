using Sluice.Runtimes.Faults;

namespace Sluice.Runtimes.Drivers.Local;

public sealed class LocalRuntimeOptions
{
    /// <summary>
    /// Root of the local fabrics' folders (e.g. <c>.sluice/local</c>); each fabric writes under <c>&lt;Folder&gt;/&lt;fabric&gt;/</c>.
    /// Null keeps everything in memory: nothing is written and the record lives as long as the driver.
    /// </summary>
    public string? Folder { get; init; }

    /// <summary>How long a submitted job takes from submission to running.</summary>
    public TimeSpan StartTime { get; init; }

    /// <summary>Probability in [0, 1] that a submission crashes while starting (it ends <c>Failed</c> instead of running).</summary>
    public double CrashDuringStartRate { get; init; }

    /// <summary>Probability in [0, 1] that a job that started fails after <see cref="FailAfter"/> of running.</summary>
    public double FailureRate { get; init; }

    public TimeSpan FailAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Seed for the jobs' fates (crash during start, failure after running).</summary>
    public int Seed { get; init; }

    /// <summary>Latency, failures and crashes injected into the driver's own calls.</summary>
    public FaultPlan Faults { get; init; } = FaultPlan.None;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
