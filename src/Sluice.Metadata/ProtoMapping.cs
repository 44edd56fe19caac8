using Google.Protobuf.WellKnownTypes;
using Sluice.Spec;
using Sluice.Spec.V1;
using Sluice.Store;

namespace Sluice.Metadata;

/// <summary>Store records → API messages.</summary>
internal static class ProtoMapping
{
    public static Job ToJob(this JobRecord job, JobSpec? spec = null) => new()
    {
        Namespace = job.Namespace,
        Name = job.Name,
        Revision = job.Revision,
        SpecHash = job.SpecHash,
        DesiredState = job.DesiredState,
        SourceKind = job.SourceKind,
        Spec = spec ?? (job.CanonicalSpec is { } json ? CanonicalSpec.FromCanonicalJson(json) : null),
        CreatedAt = Timestamp.FromDateTimeOffset(job.CreatedAt),
        CreatedBy = job.CreatedBy,
        UpdatedAt = Timestamp.FromDateTimeOffset(job.UpdatedAt),
        UpdatedBy = job.UpdatedBy,
    };

    public static JobRevision ToRevision(this RevisionRecord revision, string @namespace, string name) => new()
    {
        Namespace = @namespace,
        Name = name,
        Revision = revision.Revision,
        SpecHash = revision.SpecHash,
        Spec = revision.CanonicalSpec is { } json ? CanonicalSpec.FromCanonicalJson(json) : null,
        CanonicalJson = revision.CanonicalSpec ?? "",
        Author = revision.Author,
        CreatedAt = Timestamp.FromDateTimeOffset(revision.CreatedAt),
        SourceKind = revision.SourceKind,
        SourceText = revision.SourceText ?? "",
        RequestId = revision.RequestId ?? "",
    };

    public static AuditEvent ToEvent(this AuditRecord audit) => new()
    {
        Id = audit.Id,
        Time = Timestamp.FromDateTimeOffset(audit.At),
        Actor = audit.Actor,
        Action = audit.Action,
        Target = audit.Target,
        RequestId = audit.RequestId ?? "",
        BeforeRevision = audit.BeforeRevision ?? 0,
        AfterRevision = audit.AfterRevision ?? 0,
        BeforeHash = audit.BeforeHash ?? "",
        AfterHash = audit.AfterHash ?? "",
        Client = audit.Client,
        Reason = audit.Reason ?? "",
    };

    public static DatasetInfo ToInfo(this DatasetRecord dataset) => new()
    {
        Uri = dataset.Uri,
        System = dataset.System,
        Cluster = dataset.Cluster,
        Name = dataset.Name,
    };

    public static JobRef ToRef(this LineageLink link) => new() { Namespace = link.Namespace, Name = link.Name, Revision = link.Revision };

    public static SpecDiagnostic ToProto(this Diagnostic diagnostic) => new()
    {
        Severity = diagnostic.IsError ? "error" : "warning",
        Path = diagnostic.Path,
        Line = diagnostic.Line,
        Column = diagnostic.Column,
        Message = diagnostic.Message,
    };
}
