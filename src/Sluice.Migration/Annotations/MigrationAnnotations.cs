namespace Sluice.Migration.Annotations;

/// <summary>
/// What the owner of a legacy job adds because the config cannot say it. Every field is optional; the mapping
/// report names the ones a given job needs.
/// </summary>
public sealed record MigrationAnnotations
{
    public static readonly MigrationAnnotations None = new();

    public string? Name { get; init; }
    public string? Namespace { get; init; }
    public string? Owner { get; init; }
    public ArtifactAnnotation? Artifact { get; init; }

    /// <summary>Per legacy Samza system name: the platform Kafka cluster behind it.</summary>
    public IReadOnlyDictionary<string, SystemAnnotation> Systems { get; init; } = new Dictionary<string, SystemAnnotation>();

    /// <summary>Null when not given; an empty list says "this job reads/writes none" explicitly.</summary>
    public IReadOnlyList<DatasetAnnotation>? Sources { get; init; }
    public IReadOnlyList<DatasetAnnotation>? Sinks { get; init; }

    /// <summary>Legacy keys to keep verbatim as overrides although Sluice would render them differently.</summary>
    public IReadOnlyList<string> Keep { get; init; } = [];
}

public sealed record ArtifactAnnotation(string? Uri, string? EntryClass, IReadOnlyList<string>? Args);

public sealed record SystemAnnotation(string? Cluster, string? BootstrapServers, string? ZookeeperConnect);

/// <summary>A dataset the job reads or writes; for Samza jobs `cluster` may name a legacy system.</summary>
public sealed record DatasetAnnotation(string System, string Cluster, string Name, string Format);
