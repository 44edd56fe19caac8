using Sluice.Migration.Legacy;

namespace Sluice.Migration.Tests;

/// <summary>The shared corpus and reference folders, found beside the repo root as CI lays them out.</summary>
public static class Shared
{
    public static ReferenceData Reference => ReferenceData.Load();

    public static string Root => Path.GetFullPath(Path.Combine(ReferenceData.Locate(), ".."));

    public static string Corpus(string folder) => Path.Combine(Root, "corpus", folder);

    public static string TestFile(params string[] parts) => Path.Combine([AppContext.BaseDirectory, .. parts]);

    public static IEnumerable<object[]> CorpusFiles() =>
        new[] { "samza-configs", "flink-configs" }
            .SelectMany(folder => Directory.GetFiles(Corpus(folder)).Select(path => new object[] { folder, Path.GetFileName(path) }))
            .OrderBy(row => (string)row[1], StringComparer.Ordinal);
}
