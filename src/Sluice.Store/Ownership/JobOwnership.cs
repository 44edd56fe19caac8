namespace Sluice.Store.Ownership;

/// <summary>Who may run a job. Persisted: the numbers are stored, append-only.</summary>
public enum JobOwner : short
{
    Legacy = 1,
    /// <summary>A cut-over holds the job: only that cut-over's deployment may start it.</summary>
    Migrating = 2,
    Sluice = 3,
}

/// <summary>
/// The fenced ownership record of a job (<c>namespace/name</c>). Every change raises <see cref="Epoch"/>; a change
/// made with an older epoch is refused, so a stale or second cut-over cannot flip a job it no longer holds.
/// A job never seen by the migrator is Sluice's at epoch 0 (<see cref="Exists"/> false).
/// </summary>
public sealed record OwnershipRecord(string Job, JobOwner Owner, long Epoch, JobOwner? From, string? Savepoint, string? LegacyName,
    long? DeploymentId, bool Exists)
{
    public static OwnershipRecord SluiceByDefault(string job) => new(job, JobOwner.Sluice, 0, null, null, null, null, false);

    public string OwnerName => Owner.ToString().ToLowerInvariant();

    /// <summary>Whether the Sluice deployment <paramref name="deploymentId"/> may start the job now.</summary>
    public bool LetsSluiceStart(long deploymentId) => Owner == JobOwner.Sluice || (Owner == JobOwner.Migrating && DeploymentId == deploymentId);

    public string Describe() => Owner == JobOwner.Migrating
        ? $"migrating from {From?.ToString().ToLowerInvariant()} under deployment {DeploymentId} (epoch {Epoch})"
        : $"owned by {OwnerName} (epoch {Epoch})";
}

/// <summary>
/// One fenced change of an ownership record: from <see cref="Expected"/> at <see cref="Epoch"/> to <see cref="Owner"/>.
/// <see cref="DeploymentId"/> is the cut-over that holds the job while it is migrating (cleared otherwise).
/// </summary>
public sealed record OwnershipChange(string Job, JobOwner Expected, long Epoch, JobOwner Owner, string? Savepoint, long? DeploymentId = null);

/// <summary>The record says someone else holds the job, or the caller's epoch is stale.</summary>
public sealed class OwnershipConflictException(string message) : Exception(message);
