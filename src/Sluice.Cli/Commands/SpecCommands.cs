using System.CommandLine;

namespace Sluice.Cli.Commands;

/// <summary>Commands that work on JobSpec files alone: validate, hash, schema.</summary>
public static class SpecCommands
{
    public static IEnumerable<Command> Create()
    {
        yield break;
    }
}
