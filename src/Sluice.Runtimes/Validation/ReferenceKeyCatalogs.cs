using Sluice.Runtimes.Flink;

namespace Sluice.Runtimes.Validation;

/// <summary>
/// The key catalogs of the reference data folder (shared/reference): flink-config/, flink-operator/, samza/.
/// </summary>
public static class ReferenceKeyCatalogs
{
    /// <summary>
    /// Keys valid in a FlinkDeployment's flinkConfiguration for one Flink version: Flink's job keys plus the
    /// operator's keys; on Flink 1.x the keys Flink 2.0 renamed carry their 1.x names instead.
    /// </summary>
    public static KeyCatalog Flink(string referenceDirectory, FlinkVersion version)
    {
        var flink = KeyCatalog.FromTsv(Path.Combine(referenceDirectory, "flink-config", "flink-job-config-keys.tsv"), "key");
        var operatorKeys = KeyCatalog.FromTsv(Path.Combine(referenceDirectory, "flink-operator", "operator-config-keys.tsv"), "key");
        if (version.Major < 2)
        {
            flink = flink.Renamed(Flink1Renames(referenceDirectory));
        }
        return flink.Union(operatorKeys);
    }

    /// <summary>Flink 2.x name → Flink 1.x name, from flink-1x-key-names.tsv.</summary>
    public static IReadOnlyDictionary<string, string> Flink1Renames(string referenceDirectory)
    {
        var path = Path.Combine(referenceDirectory, "flink-config", "flink-1x-key-names.tsv");
        return KeyCatalog.ReadColumn(path, "flink_2x_key")
            .Zip(KeyCatalog.ReadColumn(path, "flink_1x_key"))
            .ToDictionary(pair => pair.First, pair => pair.Second, StringComparer.Ordinal);
    }

    public static KeyCatalog Samza(string referenceDirectory) =>
        KeyCatalog.FromTsv(Path.Combine(referenceDirectory, "samza", "samza-config-keys.tsv"), "key");
}
