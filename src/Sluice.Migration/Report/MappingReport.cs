namespace Sluice.Migration.Report;

/// <summary>What became of one legacy key.</summary>
public enum KeyDisposition
{
    /// <summary>Carried by a JobSpec field (Target names it).</summary>
    Mapped,
    /// <summary>Kept verbatim as a visible framework override (Target is the override key).</summary>
    Override,
    /// <summary>Rendered by the platform from its own settings (Target names the setting); not part of the JobSpec.</summary>
    Platform,
    /// <summary>Equal to the framework's default, or without effect; not kept.</summary>
    Default,
    /// <summary>Not a key the framework documents; kept as an override so the job still sees it (Target: nearest real key).</summary>
    Unknown,
    /// <summary>Describes something Sluice does not run; the migration cannot be proven.</summary>
    Refused,
}

public sealed record KeyMapping(string Key, string Value, int Line, KeyDisposition Disposition, string Target, string Note);

/// <summary>Something the JobSpec needs that the legacy config cannot say, and what to write in the annotations file.</summary>
public sealed record MissingInformation(string Field, string Why, string Annotation);

/// <summary>A framework key whose normalized value differs; null means the side does not set it.</summary>
public sealed record Difference(string Key, string? Legacy, string? Sluice);

public enum MigrationStatus
{
    Proven,
    Differences,
    MissingInformation,
    Refused,
}

/// <summary>The whole account of one import: every key, what is missing, and the outcome of the equivalence proof.</summary>
public sealed record MappingReport(
    string Source,
    string Runtime,
    IReadOnlyList<KeyMapping> Keys,
    IReadOnlyList<MissingInformation> Missing,
    IReadOnlyList<Difference> Differences,
    IReadOnlyList<string> Notes)
{
    /// <summary>Why the JobSpec could not be rendered back at all (compiler problems); such a migration is not proven.</summary>
    public IReadOnlyList<string> ProofProblems { get; init; } = [];

    public IEnumerable<KeyMapping> Refused => Keys.Where(key => key.Disposition == KeyDisposition.Refused);

    /// <summary>Refused before missing before differing: the first thing the owner must deal with.</summary>
    public MigrationStatus Status =>
        Refused.Any() ? MigrationStatus.Refused
        : Missing.Count > 0 ? MigrationStatus.MissingInformation
        : Differences.Count > 0 || ProofProblems.Count > 0 ? MigrationStatus.Differences
        : MigrationStatus.Proven;

    public static string StatusText(MigrationStatus status) => status switch
    {
        MigrationStatus.Proven => "proven",
        MigrationStatus.Differences => "differences",
        MigrationStatus.MissingInformation => "missing-information",
        _ => "refused",
    };
}
