using System.CommandLine;
using System.Text.Json;
using Sluice.Spec;
using Sluice.Spec.V1;

namespace Sluice.Cli.Commands;

/// <summary>Commands that work on JobSpec files alone: validate, hash, schema.</summary>
public static class SpecCommands
{
    public static IEnumerable<Command> Create() => [Validate(), Hash(), Schema()];

    private static Command Validate()
    {
        var files = new Argument<string[]>("files") { Arity = ArgumentArity.OneOrMore, Description = "JobSpec files (YAML or JSON)" };
        var platformOption = PlatformOption();
        var command = new Command("validate", "Check JobSpec files: every error and warning with its line:column; exit 1 on any error.")
        {
            files, platformOption,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var paths = parse.GetValue(files)!;
            var platformPath = parse.GetValue(platformOption);
            // Platform configs among the files are validated as such; with no --platform, a single one of them
            // is also what the JobSpecs' placement is checked against.
            var platforms = paths.Where(p => File.Exists(p) && DocumentKinds.Detect(File.ReadAllText(p)) == DocumentKind.PlatformConfig).ToList();
            platformPath ??= platforms.Count == 1 ? platforms[0] : null;
            var failed = 0;
            PlatformConfig? platform = null;
            foreach (var path in platforms.Append(platformPath).OfType<string>().Distinct())
            {
                var loaded = SpecLoader.LoadPlatformFile(path);
                if (Report(loaded.Diagnostics, path, error))
                {
                    failed++;
                }
                else
                {
                    output.WriteLine($"{path}: valid platform config ({loaded.Value!.Fabrics.Count} fabrics)");
                }
                platform = path == platformPath ? loaded.Value : platform;
            }
            foreach (var file in paths.Except(platforms))
            {
                var result = SpecLoader.LoadJobSpecFile(file, platform);
                var hasErrors = Report(result.Diagnostics, file, error);
                failed += hasErrors ? 1 : 0;
                if (!hasErrors)
                {
                    var warnings = result.Warnings.Count();
                    output.WriteLine($"{file}: valid ({result.Value!.Namespace}/{result.Value.Name}" +
                        (warnings > 0 ? $", {warnings} warning{(warnings == 1 ? "" : "s")})" : ")"));
                }
            }
            return failed > 0 ? 1 : 0;
        });
        return command;
    }

    private static Command Hash()
    {
        var file = new Argument<string>("file") { Description = "a JobSpec file (YAML or JSON)" };
        var command = new Command("hash", "Print the canonical content hash of a JobSpec (the same for any key order, whitespace, YAML or JSON).")
        {
            file,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var result = SpecLoader.LoadJobSpecFile(path);
            if (Report(result.Diagnostics.Where(d => d.IsError), path, parse.InvocationConfiguration.Error))
            {
                return 1;
            }
            parse.InvocationConfiguration.Output.WriteLine(CanonicalSpec.Hash(result.Value!));
            return 0;
        });
        return command;
    }

    private static Command Schema()
    {
        var command = new Command("schema", "Print the JSON Schema of the JobSpec, for editors to complete and check YAML.");
        command.SetAction(parse =>
        {
            var schema = JobSpecJsonSchema.Generate();
            parse.InvocationConfiguration.Output.WriteLine(schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        });
        return command;
    }

    public static Option<string?> PlatformOption() => new("--platform")
    {
        Description = "the platform config (fabrics, Kafka clusters); enables checks of placement against it",
    };

    /// <summary>Prints diagnostics compiler-style, with the offending line and a caret; true when any is an error.</summary>
    public static bool Report(IEnumerable<Diagnostic> diagnostics, string source, TextWriter error)
    {
        string[]? lines = null;
        var anyError = false;
        foreach (var diagnostic in diagnostics)
        {
            anyError |= diagnostic.IsError;
            error.WriteLine(diagnostic.Format(source));
            if (diagnostic.Line > 0 && File.Exists(source))
            {
                lines ??= File.ReadAllLines(source);
                if (diagnostic.Line <= lines.Length)
                {
                    error.WriteLine("  " + lines[diagnostic.Line - 1]);
                    error.WriteLine("  " + new string(' ', Math.Max(0, diagnostic.Column - 1)) + "^");
                }
            }
        }
        return anyError;
    }
}
