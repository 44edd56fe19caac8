using System.CommandLine;

namespace Sluice.Bench;

public static class Program
{
    /// <summary>Each scenario (metadata, sql, deploy, ...) is a command in its own file under Scenarios/.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("sluice-bench: measures Sluice beside the raw limit of its database, in the same run.");
        foreach (var scenario in Scenarios())
        {
            root.Subcommands.Add(scenario);
        }
        return root.Parse(args).Invoke();
    }

    private static IEnumerable<Command> Scenarios()
    {
        yield return Sluice.Bench.Scenarios.MetadataScenario.Create();
        yield return Sluice.Bench.Scenarios.DeployScenario.Create();
        yield return EdgesScenario.Command();
        yield return SqlScenario.Create();
    }
}
