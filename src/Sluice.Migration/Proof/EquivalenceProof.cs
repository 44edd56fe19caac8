using Sluice.Migration.Flink;
using Sluice.Migration.Legacy;
using Sluice.Migration.Report;
using Sluice.Migration.Samza;
using Sluice.Runtimes.Flink;
using Sluice.Runtimes.Samza;

namespace Sluice.Migration.Proof;

/// <summary>
/// The correctness criterion of a migration: the JobSpec, rendered by Sluice's own compilers, gives the same
/// framework-level config as the legacy file once both are normalized. Every remaining difference is listed.
/// </summary>
public static class EquivalenceProof
{
    public static IReadOnlyList<Difference> Samza(IReadOnlyList<ConfigEntry> legacy, SamzaJobConfig rendered, LegacyImport import, ReferenceData reference) =>
        Compare(
            SamzaNormalizer.Normalize(legacy.Select(entry => KeyValuePair.Create(entry.Key, import.ResolvedTemplates.GetValueOrDefault(entry.Key, entry.Value))),
                reference, import.SystemRenames),
            SamzaNormalizer.Normalize(rendered.Properties, reference));

    /// <param name="resource">false for a Flink configuration file: only Flink keys are compared, not resource fields.</param>
    public static IReadOnlyList<Difference> Flink(IReadOnlyList<ConfigEntry> legacy, FlinkDeploymentManifest rendered, LegacyImport import, bool resource, ReferenceData reference)
    {
        var resolved = legacy.Where(entry => !import.ResolvedTemplates.ContainsKey(entry.Key))
            .Concat(import.ResolvedTemplates.Select(pair => new ConfigEntry(pair.Key, pair.Value, 0)));
        var legacyForm = FlinkNormalizer.Normalize(resolved, reference);
        var renderedForm = FlinkNormalizer.Normalize(FlinkYaml.FlattenRendered(FlinkManifestWriter.ToJson(rendered)), reference);
        if (!resource)
        {
            foreach (var form in new[] { legacyForm, renderedForm })
            {
                foreach (var key in form.Keys.Where(IsResourceField).ToList())
                {
                    form.Remove(key);
                }
            }
        }
        return Compare(legacyForm, renderedForm);
    }

    private static bool IsResourceField(string key) =>
        key.StartsWith("spec.", StringComparison.Ordinal) || key.StartsWith("metadata.", StringComparison.Ordinal);

    public static IReadOnlyList<Difference> Compare(IReadOnlyDictionary<string, string> legacy, IReadOnlyDictionary<string, string> rendered) =>
        legacy.Keys.Union(rendered.Keys).Order(StringComparer.Ordinal)
            .Select(key => new Difference(key, legacy.GetValueOrDefault(key), rendered.GetValueOrDefault(key)))
            .Where(difference => difference.Legacy != difference.Sluice)
            .ToArray();
}
