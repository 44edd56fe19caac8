namespace Sluice.Runtimes.Tests.Compilers;

/// <summary>The repository root (the folder holding Sluice.slnx) and the shared reference data beside it.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Reference { get; } = Path.GetFullPath(Path.Combine(Root, "..", "shared", "reference"));

    public static string Examples { get; } = Path.Combine(Root, "examples");

    public static string FlinkDeploymentCrd { get; } =
        Path.Combine(Reference, "flink-operator", "flinkdeployments.flink.apache.org-v1.yml");

    private static string FindRoot()
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
