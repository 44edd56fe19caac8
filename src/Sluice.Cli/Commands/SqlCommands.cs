using System.CommandLine;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Sluice.Spec;
using Sluice.Spec.V1;
using Sluice.Sql;
using Sluice.Sql.Analysis;

namespace Sluice.Cli.Commands;

/// <summary>`sluice sql transpile|lineage`: Flink SQL and Beam SQL scripts as JobSpecs, and what they read and write.</summary>
public static class SqlCommands
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithIndentation());

    public static Command Create() => new("sql", "Flink SQL and Beam SQL scripts: transpile to a JobSpec, show lineage.")
    {
        Transpile(),
        Lineage(),
    };

    private static Command Transpile()
    {
        var file = new Argument<string>("file") { Description = "a .sql script" };
        var dialect = DialectOption();
        var output = new Option<string>("--output", "-o") { Description = "yaml (default) or json", DefaultValueFactory = _ => "yaml" };
        output.AcceptOnlyFromAmong("yaml", "json");
        var name = new Option<string?>("--name") { Description = "the JobSpec name (default: the file name as a DNS-1123 label)" };
        var ns = new Option<string>("--namespace") { Description = "the JobSpec namespace", DefaultValueFactory = _ => "default" };
        var platform = PlatformOption();
        var command = new Command("transpile",
            "Parse and analyse a script and print its JobSpec (YAML with the analysis as a leading comment, or JSON); " +
            "errors go to stderr as file:line:column with a caret; exit 1 on any error.")
        {
            file, dialect, output, name, ns, platform,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            var error = parse.InvocationConfiguration.Error;
            if (!TryLoadPlatform(parse.GetValue(platform), error, out var platformConfig))
            {
                return 1;
            }
            var options = new TranspileOptions { Name = parse.GetValue(name), Namespace = parse.GetValue(ns)!, Platform = platformConfig };
            var result = Run(path, parse.GetValue(dialect), options, error);
            if (result?.Spec is null)
            {
                return 1;
            }
            var stdout = parse.InvocationConfiguration.Output;
            if (parse.GetValue(output) == "json")
            {
                stdout.WriteLine(Json.Format(result.Spec));
                parse.InvocationConfiguration.Error.Write(Summary(result, "", Path.GetFileName(path)));
            }
            else
            {
                stdout.Write(Summary(result, "# ", Path.GetFileName(path)));
                stdout.Write(SpecYaml.Write(result.Spec));
            }
            return SpecCommands.Report(result.Validation, path, parse.InvocationConfiguration.Error) ? 1 : 0;
        });
        return command;
    }

    private static Command Lineage()
    {
        var file = new Argument<string>("file") { Description = "a .sql script" };
        var dialect = DialectOption();
        var output = new Option<string>("--output", "-o") { Description = "text (default) or json", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var platform = PlatformOption();
        var command = new Command("lineage", "Print the datasets a script reads and writes (system://cluster/name) and the tables behind them.")
        {
            file, dialect, output, platform,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            if (!TryLoadPlatform(parse.GetValue(platform), parse.InvocationConfiguration.Error, out var platformConfig))
            {
                return 1;
            }
            var result = Run(path, parse.GetValue(dialect), new TranspileOptions { Platform = platformConfig }, parse.InvocationConfiguration.Error);
            if (result?.Spec is null)
            {
                return 1;
            }
            var stdout = parse.InvocationConfiguration.Output;
            if (parse.GetValue(output) == "json")
            {
                var rows = result.Analysis.Sources.Select(s => Row("source", s)).Concat(result.Analysis.Sinks.Select(s => Row("sink", s)));
                stdout.WriteLine(JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            WriteDatasets(stdout, "sources", result.Analysis.Sources);
            WriteDatasets(stdout, "sinks", result.Analysis.Sinks);
            if (result.Analysis.UnusedTables.Count > 0)
            {
                stdout.WriteLine("unused tables (no lineage): " + string.Join(", ", result.Analysis.UnusedTables.Select(u => $"{u.Table} ({u.DeclaredAt})")));
            }
            return 0;
        });
        return command;
    }

    private static Dictionary<string, object> Row(string direction, SqlDataset dataset) => new()
    {
        ["direction"] = direction,
        ["uri"] = dataset.Uri,
        ["table"] = dataset.Table,
        ["format"] = dataset.Dataset.Format,
        ["durable"] = dataset.Durable,
    };

    private static void WriteDatasets(TextWriter output, string title, IReadOnlyList<SqlDataset> datasets)
    {
        output.WriteLine($"{title}:");
        if (datasets.Count == 0)
        {
            output.WriteLine("  (none)");
        }
        var width = datasets.Count == 0 ? 0 : datasets.Max(d => d.Uri.Length);
        foreach (var dataset in datasets)
        {
            var note = dataset.Durable ? "" : "  (test connector: not a real dataset)";
            output.WriteLine($"  {dataset.Uri.PadRight(width)}  table {dataset.Table}{note}");
        }
    }

    private static Option<string?> PlatformOption() => new("--platform")
    {
        Description = $"the platform config, to name Kafka clusters as the platform does; default: ./{RenderCommand.DefaultPlatformPath} when it exists",
    };

    private static bool TryLoadPlatform(string? path, TextWriter error, out PlatformConfig? platform)
    {
        platform = null;
        path ??= File.Exists(RenderCommand.DefaultPlatformPath) ? RenderCommand.DefaultPlatformPath : null;
        if (path is null)
        {
            return true;
        }
        var loaded = SpecLoader.LoadPlatformFile(path);
        if (SpecCommands.Report(loaded.Diagnostics, path, error))
        {
            return false;
        }
        platform = loaded.Value;
        return true;
    }

    private static Option<string?> DialectOption()
    {
        var option = new Option<string?>("--dialect") { Description = "flink or beam (default: detected from the script)" };
        option.AcceptOnlyFromAmong("flink", "beam");
        return option;
    }

    /// <summary>Reads and transpiles; prints the script's diagnostics; null when the file cannot be read.</summary>
    private static TranspileResult? Run(string path, string? dialectName, TranspileOptions options, TextWriter error)
    {
        string script;
        try
        {
            script = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{path}: error: cannot read the script: {e.Message}");
            return null;
        }
        var dialect = dialectName switch
        {
            "flink" => SqlDialect.FlinkSql,
            "beam" => SqlDialect.BeamSql,
            _ => SqlDialectDetector.Detect(script),
        };
        var result = SqlTranspiler.Transpile(script, path, dialect, options);
        foreach (var diagnostic in result.Diagnostics)
        {
            error.WriteLine(diagnostic.Format(result.Source));
        }
        return result;
    }

    /// <summary>The analysis in a few lines: what is read and written, what keeps state, which UDFs and settings.</summary>
    private static string Summary(TranspileResult result, string prefix, string fileName)
    {
        var analysis = result.Analysis;
        var dialect = result.Spec!.Artifact.Sql.Dialect == SqlDialect.BeamSql ? "beam-sql" : "flink-sql";
        var text = new StringBuilder();
        void Line(string line) => text.Append(prefix).Append(line).Append('\n');
        Line($"Sluice analysis of {fileName} ({dialect}): {analysis.Statements} statements, {analysis.JobStatements} run as the job");
        foreach (var (title, datasets) in new[] { ("sources", analysis.Sources), ("sinks", analysis.Sinks) })
        {
            Line($"{title}:{(datasets.Count == 0 ? " none" : "")}");
            foreach (var dataset in datasets)
            {
                Line($"  {dataset.Uri}  (table {dataset.Table}, declared at {dataset.DeclaredAt}{(dataset.Durable ? "" : ", test connector")})");
            }
        }
        Line(analysis.Stateful ? "stateful: yes, because of" : "stateful: no (projection, filter and correlation only)");
        foreach (var op in analysis.StatefulOperators)
        {
            Line($"  {op.Kind} ({op.Detail}) at {op.Position}");
        }
        Line($"UDFs:{(analysis.Functions.Count == 0 ? " none" : "")}");
        foreach (var function in analysis.Functions)
        {
            var jars = function.Jars.Count == 0 ? "" : $" using {string.Join(", ", function.Jars)}";
            Line($"  {function.Name} = {function.ClassName} ({function.Language}{jars}){(function.Used ? "" : ", declared but not used")}");
        }
        Line($"unused tables:{(analysis.UnusedTables.Count == 0 ? " none" : "")}");
        foreach (var table in analysis.UnusedTables)
        {
            Line($"  {table.Table} (declared at {table.DeclaredAt})");
        }
        if (analysis.Settings.Count > 0)
        {
            Line("settings:");
            foreach (var setting in analysis.Settings)
            {
                Line($"  '{setting.Key}' = '{setting.Value}' -> {setting.Target}");
            }
        }
        return text.ToString();
    }
}
