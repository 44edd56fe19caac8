using Sluice.Spec.V1;
using Sluice.Store;

namespace Sluice.Metadata;

internal enum ApplyPlanKind
{
    /// <summary>The caller expected another revision than the head.</summary>
    Stale,

    /// <summary>The spec hashes as the head's: no revision, an audit row only.</summary>
    Unchanged,

    NewRevision,

    /// <summary>The request id was recorded before: the first answer is replayed (outside a shared transaction).</summary>
    Replay,
}

/// <summary>What an apply does to the job as it is now, read under its lock.</summary>
/// <param name="Job">The job row (deleted or not); null when it never existed.</param>
/// <param name="Current">The live head revision the caller is compared with; 0 for a missing or deleted job.</param>
internal readonly record struct ApplyPlan(ApplyPlanKind Kind, JobRecord? Job, bool Live, long Current)
{
    public static readonly ApplyPlan Replay = new(ApplyPlanKind.Replay, null, false, 0);

    public static ApplyPlan For(JobRecord? job, ApplyJobRequest request, string specHash)
    {
        var live = job is { DesiredState: not DesiredState.Deleted };
        var current = live ? job!.Revision : 0;
        var kind = request.HasExpectedRevision && request.ExpectedRevision != current ? ApplyPlanKind.Stale
            : live && job!.SpecHash == specHash ? ApplyPlanKind.Unchanged
            : ApplyPlanKind.NewRevision;
        return new ApplyPlan(kind, job, live, current);
    }

    /// <summary>The head the new revision replaces: revisions keep counting across a delete and re-create.</summary>
    public long From => Job?.Revision ?? 0;

    public long To => From + 1;

    /// <summary>An update keeps a suspended job suspended; a created or re-created job starts running.</summary>
    public DesiredState NextState => Live ? Job!.DesiredState : DesiredState.Running;
}
