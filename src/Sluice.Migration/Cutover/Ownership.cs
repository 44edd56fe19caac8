using Sluice.Runtimes.Drivers;

namespace Sluice.Migration.Cutover;

/// <summary>Who may run a job: its legacy control plane, Sluice, or neither while a cut-over moves it.</summary>
public enum JobOwner
{
    Legacy,
    Migrating,
    Sluice,
}

/// <summary>
/// The fenced ownership record. Every change raises <see cref="Epoch"/>; a change made with an older epoch is
/// refused, so a stale cut-over (or a second one) cannot flip a job it no longer holds. <see cref="Savepoint"/> is
/// where a cut-over in progress took the job's state, so a crashed cut-over can be rolled back from it.
/// </summary>
public sealed record OwnershipRecord(JobRef Job, JobOwner Owner, long Epoch, string? Savepoint, JobOwner? From);

/// <summary>The record says someone else holds the job, or the caller's epoch is stale.</summary>
public sealed class OwnershipConflictException(string message) : Exception(message);

public interface IOwnershipStore
{
    /// <summary>The job's record; a job never seen is owned by its legacy control plane (epoch 0).</summary>
    Task<OwnershipRecord> GetAsync(JobRef job, CancellationToken cancellationToken = default);

    /// <summary>Moves the job from <paramref name="expected"/> at <paramref name="epoch"/> to <paramref name="owner"/>; returns the new record.</summary>
    Task<OwnershipRecord> TransitionAsync(JobRef job, JobOwner expected, long epoch, JobOwner owner, string? savepoint, CancellationToken cancellationToken = default);
}
