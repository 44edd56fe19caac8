namespace Sluice.Sql.Tests;

/// <summary>
/// Where the test inputs are: this project's Scripts/ and Expected/ folders, and the shared corpus, which sits
/// beside the repository (`&lt;repo root&gt;/../shared/corpus`; the repo root holds Sluice.slnx).
/// </summary>
public static class TestFiles
{
    public static readonly string RepoRoot = FindRepoRoot();

    public static readonly string ProjectDirectory = Path.Combine(RepoRoot, "tests", "Sluice.Sql.Tests");

    public static readonly string Corpus = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "corpus"));

    public static readonly string[] CorpusFolders = ["flink-sql", "beam-sql"];

    /// <summary>Corpus scripts by their path under the corpus folder, e.g. `flink-sql/cookbook/04_over.sql`.</summary>
    public static IEnumerable<string> CorpusScripts() =>
        CorpusFolders
            .Select(folder => Path.Combine(Corpus, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.sql", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(Corpus, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    public static IEnumerable<string> OwnScripts() =>
        Directory.EnumerateFiles(Path.Combine(ProjectDirectory, "Scripts"), "*.sql")
            .Select(Path.GetFileName)
            .Select(name => name!)
            .Order(StringComparer.Ordinal);

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sluice.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"no Sluice.slnx above {AppContext.BaseDirectory}");
    }
}
