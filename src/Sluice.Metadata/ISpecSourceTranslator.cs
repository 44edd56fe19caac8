using Sluice.Spec.V1;

namespace Sluice.Metadata;

/// <summary>
/// The hook for SQL sources (SOURCE_KIND_FLINK_SQL / SOURCE_KIND_BEAM_SQL): turns source text into a JobSpec.
/// Implemented by Sluice.Sql and passed in <see cref="MetadataOptions.SqlTranslator"/>; without one, applying
/// SQL text is refused with a validation error saying so.
/// </summary>
public interface ISpecSourceTranslator
{
    /// <summary>Translates <paramref name="text"/>; errors carry line:column in the source.</summary>
    SpecTranslation Translate(SourceKind kind, string text, string sourceName);
}

/// <summary>The translated spec (null when there are errors) and every diagnostic found.</summary>
public sealed record SpecTranslation(JobSpec? Spec, IReadOnlyList<FieldViolation> Errors, IReadOnlyList<FieldViolation> Warnings);
