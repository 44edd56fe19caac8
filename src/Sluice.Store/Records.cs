using Sluice.Spec.V1;

namespace Sluice.Store;

/// <summary>A job with its head revision's hash (and canonical spec when asked for).</summary>
public sealed record JobRecord(
    long Id,
    string Namespace,
    string Name,
    long Revision,
    DesiredState DesiredState,
    string SpecHash,
    SourceKind SourceKind,
    string? CanonicalSpec,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt,
    string UpdatedBy);

/// <summary>One immutable revision. <see cref="CanonicalSpec"/> and <see cref="SourceText"/> are null when not asked for.</summary>
public sealed record RevisionRecord(
    long Id,
    long JobId,
    long Revision,
    string SpecHash,
    string? CanonicalSpec,
    SourceKind SourceKind,
    string? SourceText,
    string Author,
    DateTimeOffset CreatedAt,
    string? RequestId);

/// <summary>What a new revision stores: the canonical spec and the index rows derived from it.</summary>
public sealed record NewRevision(
    string SpecHash,
    string CanonicalSpec,
    SourceKind SourceKind,
    string? SourceText,
    Runtime Runtime,
    bool Stateful,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> Fabrics,
    IReadOnlyList<DatasetLink> Datasets);

/// <summary>A real dataset, identified by its URI (<c>kafka://cluster/topic</c>).</summary>
public sealed record DatasetRef(string Uri, string System, string Cluster, string Name);

public sealed record DatasetLink(DatasetRef Dataset, DatasetDirection Direction);

public sealed record DatasetRecord(long Id, string Uri, string System, string Cluster, string Name);

/// <summary>A live (not deleted) job's head revision reading or writing a dataset.</summary>
public sealed record LineageLink(long JobId, string Namespace, string Name, long Revision, long DatasetId, string DatasetUri, DatasetDirection Direction);

/// <summary>A job's head moving from one revision to a new one (refused if the head is no longer at <see cref="FromRevision"/>).</summary>
public sealed record HeadMove(long JobId, long FromRevision, long ToRevision, long RevisionId, DesiredState State, string Actor);

/// <summary>
/// What a batch of applies reads before it writes (<see cref="SluiceStore.ReadForAppliesAsync"/>): the jobs that exist,
/// with their heads, and which request ids were recorded already.
/// </summary>
public sealed record ApplyBatchSnapshot(IReadOnlyDictionary<(string Namespace, string Name), JobRecord> Jobs, IReadOnlySet<string> RecordedRequestIds);

/// <summary>What a batch of applies names: the jobs it writes and the request ids it carries.</summary>
public sealed record ApplyBatchKeys(IReadOnlyCollection<(string Namespace, string Name)> Jobs, IReadOnlyCollection<string> RequestIds);

/// <summary>
/// What <see cref="SluiceStore.WriteAppliesAsync"/> answers: the job id of every apply written, by index, and the
/// snapshot read after the write when it was asked for and could be read (null otherwise: read it with
/// <see cref="SluiceStore.ReadForAppliesAsync"/>).
/// </summary>
public sealed record AppliesWritten(IReadOnlyDictionary<int, long> JobIds, ApplyBatchSnapshot? Next);

/// <summary>
/// An apply's new revision for <see cref="SluiceStore.WriteAppliesAsync"/>, written only while its job is still as it was
/// read: at <paramref name="FromRevision"/> in <paramref name="ReadState"/>, or still missing when <paramref name="JobId"/> is
/// null. <see cref="Audit"/>'s job id is taken from the row written.
/// </summary>
public sealed record GuardedRevision(int Index, long? JobId, string Namespace, string Name, long FromRevision, DesiredState? ReadState,
    long ToRevision, DesiredState NextState, NewRevision Content, AuditEntry Audit);

/// <summary>An unchanged apply's audit row, written only while its job is live at <paramref name="Revision"/>.</summary>
public sealed record GuardedAudit(int Index, long JobId, long Revision, AuditEntry Audit);

/// <summary>The audit row a command writes in its own transaction.</summary>
public sealed record AuditEntry(
    DateTimeOffset At,
    string Actor,
    AuditAction Action,
    string Target,
    long? JobId,
    string? RequestId,
    long? BeforeRevision,
    long? AfterRevision,
    string? BeforeHash,
    string? AfterHash,
    string Client,
    string? Reason);

public sealed record AuditRecord(
    long Id,
    DateTimeOffset At,
    string Actor,
    AuditAction Action,
    string Target,
    long? JobId,
    string? RequestId,
    long? BeforeRevision,
    long? AfterRevision,
    string? BeforeHash,
    string? AfterHash,
    string Client,
    string? Reason);

public enum LabelOperator
{
    Equals,
    NotEquals,
    Exists,
    NotExists,
}

public sealed record LabelRequirement(string Key, LabelOperator Operator, string? Value = null);

/// <summary>A page of jobs ordered by (namespace, name), starting after <see cref="After"/>.</summary>
public sealed record JobQuery
{
    public string? Namespace { get; init; }
    public IReadOnlyList<LabelRequirement> Labels { get; init; } = [];
    public Runtime? Runtime { get; init; }
    public bool? Stateful { get; init; }
    public string? Fabric { get; init; }
    public string? ReadsDataset { get; init; }
    public string? WritesDataset { get; init; }
    public DesiredState? DesiredState { get; init; }
    public bool IncludeDeleted { get; init; }
    public bool IncludeSpec { get; init; }
    public (string Namespace, string Name)? After { get; init; }
    public int Limit { get; init; } = 100;
}

/// <summary>A page of audit rows, newest first, with ids below <see cref="BeforeId"/>.</summary>
public sealed record AuditQuery
{
    public long? JobId { get; init; }
    /// <summary>Rows whose target starts with this, e.g. "job/payments/".</summary>
    public string? TargetPrefix { get; init; }
    public string? Actor { get; init; }
    public AuditAction? Action { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    public long? BeforeId { get; init; }
    public int Limit { get; init; } = 100;
}

public sealed record StoredFabric(string Name, string Config, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>One job for <see cref="SluiceStore.SeedJobsAsync"/>: revision 1, running.</summary>
public sealed record SeedJob(string Namespace, string Name, NewRevision Revision, string? RequestId = null);
