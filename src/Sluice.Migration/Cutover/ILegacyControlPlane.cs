using Sluice.Runtimes.Drivers;

namespace Sluice.Migration.Cutover;

/// <summary>The control plane a job runs under before Sluice: it knows the job's legacy config and starts and stops it.</summary>
public interface ILegacyControlPlane
{
    /// <summary>The job's legacy config, imported with its annotations.</summary>
    MigrationResult Import(string name);

    Task<bool> IsRunningAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The state of the job's latest legacy copy (not found when it never ran).</summary>
    Task<JobObservation> ObserveAsync(string name, CancellationToken cancellationToken = default);

    Task<RuntimeJobHandle> StartAsync(string name, RestorePlan restore, CancellationToken cancellationToken = default);

    /// <summary>A savepoint of the running copy: its location, or null for Samza (no savepoints; its changelogs keep the state).</summary>
    Task<string?> SavepointAsync(string name, string savepointId, CancellationToken cancellationToken = default);

    /// <summary>Stops the running copy keeping its state for a restore.</summary>
    Task SuspendAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Writes the job's legacy config (eject): the file the legacy control plane runs it from.</summary>
    Task WriteConfigAsync(string name, string extension, string text, CancellationToken cancellationToken = default);
}
