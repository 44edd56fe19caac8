using Sluice.Runtimes.Drivers;
using Sluice.Store.Ownership;

namespace Sluice.Migration.Cutover;

/// <summary>
/// The legacy control plane's driver, checked against the job's ownership record: the legacy side may start a job
/// only while it owns it (a job Sluice owns or a cut-over holds is refused, naming the owner). Stopping, observing and
/// savepoints are never refused, so a cut-over can always stop the legacy copy.
/// </summary>
public sealed class LegacyOwnershipGuard(IRuntimeDriver inner, OwnershipStore ownership) : IRuntimeDriver
{
    public string Name => inner.Name;

    public async Task<RuntimeJobHandle> SubmitAsync(SubmitRequest request, CancellationToken cancellationToken = default)
    {
        var job = $"{request.Key.Job.Namespace}/{request.Key.Job.Name}";
        var record = await ownership.GetAsync(job, cancellationToken);
        if (record.Owner != JobOwner.Legacy)
        {
            throw new OwnershipConflictException($"{job}: the legacy control plane may not start it: it is {record.Describe()}");
        }
        return await inner.SubmitAsync(request, cancellationToken);
    }

    public Task<JobObservation> ObserveAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default) => inner.ObserveAsync(job, cancellationToken);

    public Task SuspendAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default) => inner.SuspendAsync(job, cancellationToken);

    public Task<SavepointResult> SavepointAsync(RuntimeJobHandle job, string savepointId, CancellationToken cancellationToken = default) =>
        inner.SavepointAsync(job, savepointId, cancellationToken);

    public Task CancelAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default) => inner.CancelAsync(job, cancellationToken);
}
