using Sluice.Spec.V1;

namespace Sluice.Store;

// Dapper materializes into these mutable rows (it converts provider types per property: SQLite answers every
// integer as Int64, MySQL booleans as SByte); the public records are built from them.

internal sealed class JobRow
{
    public long Id { get; set; }
    public string Namespace { get; set; } = "";
    public string Name { get; set; } = "";
    public long Revision { get; set; }
    public DesiredState DesiredState { get; set; }
    public string SpecHash { get; set; } = "";
    public SourceKind SourceKind { get; set; }
    public string? CanonicalSpec { get; set; }
    public long CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public long UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";

    public JobRecord ToRecord() => new(Id, Namespace, Name, Revision, DesiredState, SpecHash, SourceKind, CanonicalSpec,
        Micros.ToTime(CreatedAt), CreatedBy, Micros.ToTime(UpdatedAt), UpdatedBy);

    public const string Columns =
        "j.id AS Id, j.namespace AS Namespace, j.name AS Name, j.revision AS Revision, j.desired_state AS DesiredState, " +
        "r.spec_hash AS SpecHash, r.source_kind AS SourceKind, j.created_at AS CreatedAt, j.created_by AS CreatedBy, " +
        "j.updated_at AS UpdatedAt, j.updated_by AS UpdatedBy";

    public const string From = " FROM jobs j JOIN job_revisions r ON r.id = j.current_revision_id";
}

internal sealed class RevisionRow
{
    public long Id { get; set; }
    public long JobId { get; set; }
    public long Revision { get; set; }
    public string SpecHash { get; set; } = "";
    public string? CanonicalSpec { get; set; }
    public SourceKind SourceKind { get; set; }
    public string? SourceText { get; set; }
    public string Author { get; set; } = "";
    public long CreatedAt { get; set; }
    public string? RequestId { get; set; }

    public RevisionRecord ToRecord() =>
        new(Id, JobId, Revision, SpecHash, CanonicalSpec, SourceKind, SourceText, Author, Micros.ToTime(CreatedAt), RequestId);

    public static string Columns(bool includeSpec) =>
        "id AS Id, job_id AS JobId, revision AS Revision, spec_hash AS SpecHash, source_kind AS SourceKind, author AS Author, " +
        "created_at AS CreatedAt, request_id AS RequestId" +
        (includeSpec ? ", canonical_spec AS CanonicalSpec, source_text AS SourceText" : "");
}

internal sealed class AuditRow
{
    public long Id { get; set; }
    public long At { get; set; }
    public string Actor { get; set; } = "";
    public AuditAction Action { get; set; }
    public string Target { get; set; } = "";
    public long? JobId { get; set; }
    public string? RequestId { get; set; }
    public long? BeforeRevision { get; set; }
    public long? AfterRevision { get; set; }
    public string? BeforeHash { get; set; }
    public string? AfterHash { get; set; }
    public string Client { get; set; } = "";
    public string? Reason { get; set; }

    public AuditRecord ToRecord() => new(Id, Micros.ToTime(At), Actor, Action, Target, JobId, RequestId, BeforeRevision,
        AfterRevision, BeforeHash, AfterHash, Client, Reason);

    public const string Columns =
        "id AS Id, at AS At, actor AS Actor, action AS Action, target AS Target, job_id AS JobId, request_id AS RequestId, " +
        "before_revision AS BeforeRevision, after_revision AS AfterRevision, before_hash AS BeforeHash, " +
        "after_hash AS AfterHash, client AS Client, reason AS Reason";
}

internal sealed class DatasetRow
{
    public long Id { get; set; }
    public string Uri { get; set; } = "";
    public string System { get; set; } = "";
    public string Cluster { get; set; } = "";
    public string Name { get; set; } = "";

    public DatasetRecord ToRecord() => new(Id, Uri, System, Cluster, Name);

    public const string Columns = "id AS Id, uri AS Uri, system_name AS System, cluster AS Cluster, name AS Name";
}

internal sealed class LinkRow
{
    public long JobId { get; set; }
    public string Namespace { get; set; } = "";
    public string Name { get; set; } = "";
    public long Revision { get; set; }
    public long DatasetId { get; set; }
    public string DatasetUri { get; set; } = "";
    public DatasetDirection Direction { get; set; }

    public LineageLink ToRecord() => new(JobId, Namespace, Name, Revision, DatasetId, DatasetUri, Direction);
}

internal sealed class FabricRow
{
    public string Name { get; set; } = "";
    public string Config { get; set; } = "";
    public long UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";

    public StoredFabric ToRecord() => new(Name, Config, Micros.ToTime(UpdatedAt), UpdatedBy);
}
