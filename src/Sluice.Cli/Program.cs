using System.CommandLine;
using Sluice.Cli.Commands;

namespace Sluice.Cli;

public static class Program
{
    public static int Main(string[] args) => BuildRoot().Parse(args).Invoke();

    /// <summary>The whole command tree; each command group lives in its own file under Commands/.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("Sluice: a control plane for stream processing jobs on Flink and Samza.");
        foreach (var command in SpecCommands.Create())
        {
            root.Subcommands.Add(command);
        }
        root.Subcommands.Add(SqlCommands.Create());
        root.Subcommands.Add(RenderCommand.Create());
        root.Subcommands.Add(MigrateCommands.Create());
        root.Subcommands.Add(ServerCommand.Create());
        root.Options.Add(Client.ServerConnection.ServerOption);
        foreach (var command in JobCommands.Create())
        {
            root.Subcommands.Add(command);
        }
        root.Subcommands.Add(LineageCommands.Create());
        root.Subcommands.Add(AuditCommands.Create());
        root.Subcommands.Add(UpCommand.Create());
        foreach (var command in RolloutCommands.Create())
        {
            root.Subcommands.Add(command);
        }
        return root;
    }
}
