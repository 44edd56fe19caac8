using System.CommandLine;

namespace Sluice.Cli.Tests;

/// <summary>Runs the real command tree in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    public static string WriteTemp(string name, string content)
    {
        var directory = Directory.CreateTempSubdirectory("sluice-cli-");
        var path = Path.Combine(directory.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>The checkout's root: the folder holding Sluice.slnx above the test binaries.</summary>
    public static string RepoRoot()
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
