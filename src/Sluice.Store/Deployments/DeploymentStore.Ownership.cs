using Sluice.Store.Ownership;

namespace Sluice.Store.Deployments;

/// <summary>The workflow's side of the jobs' ownership records (the migrator's guarded cut-over).</summary>
public sealed partial class DeploymentStore
{
    /// <summary>The job's ownership record; a job never seen by the migrator is Sluice's.</summary>
    public async Task<OwnershipRecord> OwnershipAsync(string job, CancellationToken ct = default)
    {
        await using var connection = await _sql.OpenAsync(ct);
        return await OwnershipSql.GetAsync(connection, null, job, ct);
    }

    /// <summary>
    /// <see cref="TransitionAsync(ShardFence, DeploymentRecord, DeploymentRecord, string?, DateTimeOffset, ResourceWrite?, NewDeployment?, CancellationToken)"/>
    /// that also changes the job's ownership record, in the same transaction: both happen or neither does. Throws
    /// <see cref="OwnershipConflictException"/> (and writes nothing) when the record is no longer what the change expects.
    /// </summary>
    public Task<DeploymentRecord> TransitionAsync(ShardFence fence, DeploymentRecord current, DeploymentRecord next, string? detail,
        DateTimeOffset now, OwnershipChange ownership, ResourceWrite? resource = null, CancellationToken ct = default) =>
        TransitionCoreAsync(fence, current, next, detail, now, resource, null, ownership, ct);

    /// <summary>
    /// Records a job the migrator imported as its legacy control plane's, unless it has a record already or Sluice has
    /// run it; answers the record as it now is.
    /// </summary>
    public Task<OwnershipRecord> RegisterLegacyAsync(string job, string legacyName, DateTimeOffset now, CancellationToken ct = default) =>
        WriteAsync((connection, transaction) => OwnershipSql.RegisterLegacyAsync(connection, transaction, _sql.Kind, job, legacyName, now, ct), ct);
}
