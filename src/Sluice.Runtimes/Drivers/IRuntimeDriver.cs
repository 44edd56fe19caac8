namespace Sluice.Runtimes.Drivers;

/// <summary>
/// Runs rendered jobs on one kind of runtime. Every call is safe to repeat after a crash:
/// <list type="bullet">
/// <item><see cref="SubmitAsync"/> is idempotent per <see cref="SubmissionKey"/>: a repeat returns the existing
/// submission's handle and never starts a second job. It refuses (<see cref="RuntimeConflictException"/>) while another
/// submission of the same (job, fabric) is still active, so a job never runs twice.</item>
/// <item><see cref="SuspendAsync"/> and <see cref="CancelAsync"/> are no-ops on a job already stopped or gone.</item>
/// <item><see cref="SavepointAsync"/> is idempotent per savepoint id: a repeat returns the same location.</item>
/// </list>
/// </summary>
public interface IRuntimeDriver
{
    /// <summary>Stable driver name recorded with handles: <c>local</c>, <c>flink-kubernetes</c>, <c>samza-yarn</c>.</summary>
    string Name { get; }

    Task<RuntimeJobHandle> SubmitAsync(SubmitRequest request, CancellationToken cancellationToken = default);

    /// <summary>One observation of the submission behind <paramref name="job"/>; callers poll (see <see cref="RuntimeDriverExtensions"/>).</summary>
    Task<JobObservation> ObserveAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default);

    /// <summary>Stops the job keeping its state for a later restore (Flink: <c>spec.job.state: suspended</c>).</summary>
    Task SuspendAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes a savepoint of the running job and waits for its location. <paramref name="savepointId"/> names it
    /// (DNS-1123 label characters) so a repeat after a crash finds it. Throws <see cref="NotSupportedException"/> on
    /// runtimes without savepoints (Samza keeps state in changelog topics).
    /// </summary>
    Task<SavepointResult> SavepointAsync(RuntimeJobHandle job, string savepointId, CancellationToken cancellationToken = default);

    /// <summary>Stops the job and removes it from the runtime.</summary>
    Task CancelAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default);
}
