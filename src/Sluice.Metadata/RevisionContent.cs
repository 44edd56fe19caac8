using Sluice.Spec;
using Sluice.Spec.V1;
using Sluice.Store;

namespace Sluice.Metadata;

/// <summary>What a revision stores for a spec: its canonical JSON and hash, and the rows that index it.</summary>
internal static class RevisionContent
{
    public static NewRevision Of(JobSpec spec, SourceKind sourceKind, string? sourceText)
    {
        var canonical = CanonicalSpec.ToCanonicalJson(spec);
        var datasets = spec.Sources.Select(d => Link(d, DatasetDirection.Read))
            .Concat(spec.Sinks.Select(d => Link(d, DatasetDirection.Write)))
            .DistinctBy(l => (l.Dataset.Uri, l.Direction))
            .ToList();
        return new NewRevision(
            CanonicalSpec.HashOf(canonical),
            canonical,
            sourceKind,
            sourceText,
            spec.Runtime,
            spec.State?.Stateful ?? false,
            spec.Labels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal),
            spec.Placement?.Fabrics.Distinct(StringComparer.Ordinal).ToList() ?? [],
            datasets);
    }

    private static DatasetLink Link(Dataset dataset, DatasetDirection direction) =>
        new(new DatasetRef(DatasetUri.Of(dataset), dataset.System.Trim().ToLowerInvariant(), dataset.Cluster.Trim(), dataset.Name.Trim()), direction);
}
