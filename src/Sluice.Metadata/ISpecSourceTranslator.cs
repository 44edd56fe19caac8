using Sluice.Spec;
using Sluice.Spec.V1;

namespace Sluice.Metadata;

/// <summary>
/// The hook for SQL sources (SOURCE_KIND_FLINK_SQL / SOURCE_KIND_BEAM_SQL): turns source text into a JobSpec.
/// Implemented over Sluice.Sql and passed in <see cref="MetadataOptions.SqlTranslator"/>; without one, applying
/// SQL text is refused with a validation error saying so. The translator reports SQL errors only; it answers the
/// spec even when name and namespace are empty (SQL has no place for them): the apply request's namespace/name fill
/// them, then the service validates the spec like any other.
/// </summary>
public interface ISpecSourceTranslator
{
    /// <summary>Translates <paramref name="text"/>; diagnostics carry line:column in the source.</summary>
    LoadResult<JobSpec> Translate(SourceKind kind, string text, string sourceName);
}
