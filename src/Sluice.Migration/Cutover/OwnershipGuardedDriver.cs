using Sluice.Runtimes.Drivers;

namespace Sluice.Migration.Cutover;

/// <summary>
/// A deploy path's driver, checked against the ownership record: a side may start a job only while it owns it
/// (a cut-over holding the record at <paramref name="fence"/> may start it while the job is migrating). Stopping,
/// observing and savepoints are never refused, so an owner can always stop a stray copy.
/// </summary>
public sealed class OwnershipGuardedDriver(IRuntimeDriver inner, IOwnershipStore ownership, JobOwner side, long? fence = null) : IRuntimeDriver
{
    public string Name => inner.Name;

    /// <summary>This side's driver for a cut-over that holds the record at <paramref name="epoch"/>.</summary>
    public OwnershipGuardedDriver Fenced(long epoch) => new(inner, ownership, side, epoch);

    public async Task<RuntimeJobHandle> SubmitAsync(SubmitRequest request, CancellationToken cancellationToken = default)
    {
        var record = await ownership.GetAsync(request.Key.Job, cancellationToken);
        var allowed = record.Owner == side || (record.Owner == JobOwner.Migrating && fence == record.Epoch);
        if (!allowed)
        {
            throw new OwnershipConflictException(
                $"{request.Key.Job}: the {side.ToString().ToLowerInvariant()} side may not start it: it is owned by {record.Owner.ToString().ToLowerInvariant()} (epoch {record.Epoch})");
        }
        return await inner.SubmitAsync(request, cancellationToken);
    }

    public Task<JobObservation> ObserveAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default) => inner.ObserveAsync(job, cancellationToken);

    public Task SuspendAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default) => inner.SuspendAsync(job, cancellationToken);

    public Task<SavepointResult> SavepointAsync(RuntimeJobHandle job, string savepointId, CancellationToken cancellationToken = default) =>
        inner.SavepointAsync(job, savepointId, cancellationToken);

    public Task CancelAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default) => inner.CancelAsync(job, cancellationToken);
}
