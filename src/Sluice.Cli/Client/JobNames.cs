using System.CommandLine;

namespace Sluice.Cli.Client;

/// <summary>
/// A job is named NAMESPACE/NAME, or NAME with -n NAMESPACE, or NAME alone in $SLUICE_NAMESPACE
/// (default "default").
/// </summary>
public static class JobNames
{
    public static readonly Option<string?> NamespaceOption = new("--namespace", "-n") { Description = "Namespace (team) of the job" };

    public static Argument<string> NameArgument() => new("NAME") { Description = "Job name, or NAMESPACE/NAME" };

    public static (string Namespace, string Name) Resolve(ParseResult parse, Argument<string> name)
    {
        var given = parse.GetRequiredValue(name);
        var slash = given.IndexOf('/');
        if (slash > 0)
        {
            return (given[..slash], given[(slash + 1)..]);
        }
        return (parse.GetValue(NamespaceOption) ?? DefaultNamespace, given);
    }

    public static string NamespaceOrDefault(ParseResult parse) => parse.GetValue(NamespaceOption) ?? DefaultNamespace;

    private static string DefaultNamespace => Environment.GetEnvironmentVariable("SLUICE_NAMESPACE") ?? "default";
}
