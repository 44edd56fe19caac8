namespace Sluice.Metadata;

/// <summary>Base of the errors a command refuses with; the server maps each subclass to one status code.</summary>
public abstract class MetadataException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The request or its spec is invalid (gRPC INVALID_ARGUMENT / HTTP 400). Nothing was written.</summary>
public sealed class SpecValidationException(IReadOnlyList<FieldViolation> violations)
    : MetadataException(Describe(violations))
{
    public IReadOnlyList<FieldViolation> Violations { get; } = violations;

    public SpecValidationException(string path, string message) : this([new FieldViolation(path, 0, 0, message)])
    {
    }

    private static string Describe(IReadOnlyList<FieldViolation> violations) =>
        violations.Count == 1
            ? violations[0].ToString()
            : $"{violations.Count} errors:\n" + string.Join("\n", violations.Select(v => "  " + v));
}

/// <summary>One invalid field: its path in the spec or request, and where it is in the source text (0 when unknown).</summary>
public sealed record FieldViolation(string Path, int Line, int Column, string Message)
{
    public override string ToString() =>
        Line > 0 ? $"{Line}:{Column}: {Path}: {Message}" : $"{Path}: {Message}";
}

/// <summary>
/// The request conflicts with the stored state (gRPC ABORTED / HTTP 409): a stale expected revision,
/// an existing job where none was expected, or a request id reused for a different request.
/// </summary>
public sealed class ConflictException(string message, long? currentRevision = null) : MetadataException(message)
{
    /// <summary>The job's revision now, when the conflict is about revisions.</summary>
    public long? CurrentRevision { get; } = currentRevision;
}

/// <summary>The job, revision, dataset or fabric does not exist (gRPC NOT_FOUND / HTTP 404).</summary>
public sealed class NotFoundException(string message) : MetadataException(message);
