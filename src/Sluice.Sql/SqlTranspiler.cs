using System.Text;
using Sluice.Spec;
using Sluice.Spec.V1;
using Sluice.Sql.Analysis;
using Sluice.Sql.Syntax;

namespace Sluice.Sql;

public sealed record TranspileOptions
{
    /// <summary>The JobSpec name; defaults to the source file's name made a DNS-1123 label.</summary>
    public string? Name { get; init; }

    public string Namespace { get; init; } = "default";

    public string? Owner { get; init; }

    /// <summary>When given, Kafka datasets name the platform's cluster whose brokers they use (its name, not host:port).</summary>
    public PlatformConfig? Platform { get; init; }
}

/// <summary>
/// A transpiled script: the JobSpec (null when the script has errors), what the analysis found, the script's
/// diagnostics, and what <see cref="SpecValidator"/> says about the JobSpec.
/// </summary>
public sealed record TranspileResult(
    JobSpec? Spec,
    SqlAnalysis Analysis,
    IReadOnlyList<SqlDiagnostic> Diagnostics,
    IReadOnlyList<Diagnostic> Validation,
    SourceText Source)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    public IEnumerable<SqlDiagnostic> Errors => Diagnostics.Where(d => d.IsError);

    public string FormatDiagnostics() => string.Join("\n", Diagnostics.Select(d => d.Format(Source)));
}

/// <summary>
/// The one entry point: a Flink SQL or Beam SQL script in, the canonical JobSpec out. The platform, not the user,
/// works out sources, sinks, state, UDFs and settings; the script itself is kept as the job's artifact.
/// </summary>
public static class SqlTranspiler
{
    public static TranspileResult Transpile(string script, string sourceName, SqlDialect dialect, TranspileOptions? options = null)
    {
        options ??= new TranspileOptions();
        if (dialect == SqlDialect.Unspecified)
        {
            dialect = SqlDialectDetector.Detect(script);
        }
        var source = new SourceText(script, sourceName);
        var parsed = Parser.Parse(source, dialect);
        var diagnostics = parsed.Diagnostics.ToList();
        if (FindLoneSurrogate(script) is { } bad)
        {
            diagnostics.Add(SqlDiagnostic.Error(source.PositionOf(bad), "the script is not valid Unicode text (a lone UTF-16 surrogate)"));
        }
        // Syntax errors come first: names a broken statement would have declared would only add follow-on errors.
        var analysisDiagnostics = new List<SqlDiagnostic>();
        var (analysis, settings) = SqlAnalyzer.Analyze(parsed.Script, analysisDiagnostics);
        if (!parsed.HasErrors)
        {
            diagnostics.AddRange(analysisDiagnostics);
        }
        if (analysis.JobStatements == 0 && !parsed.HasErrors)
        {
            var first = parsed.Script.Statements.Count > 0 ? parsed.Script.Statements[0].At : 0;
            diagnostics.Add(SqlDiagnostic.Warning(source.PositionOf(first),
                "the script has no INSERT, CREATE TABLE … AS or query: it declares objects but runs nothing"));
        }
        if (options.Platform is not null)
        {
            NamePlatformKafkaClusters(analysis, options.Platform, source, diagnostics);
        }
        var spec = BuildSpec(script, sourceName, dialect, options, analysis);
        FlinkSettings.Apply(settings, spec, analysis, source, dialect == SqlDialect.BeamSql, diagnostics);
        diagnostics.Sort((a, b) => a.Position.Offset.CompareTo(b.Position.Offset));
        if (diagnostics.Any(d => d.IsError))
        {
            return new TranspileResult(null, analysis, diagnostics, [], source);
        }
        return new TranspileResult(spec, analysis, diagnostics, SpecValidator.Validate(spec), source);
    }

    private static JobSpec BuildSpec(string script, string sourceName, SqlDialect dialect, TranspileOptions options, SqlAnalysis analysis)
    {
        var beam = dialect == SqlDialect.BeamSql;
        var spec = new JobSpec
        {
            Name = options.Name ?? ToDnsLabel(Path.GetFileNameWithoutExtension(sourceName)),
            Namespace = options.Namespace,
            Owner = options.Owner ?? "",
            Description = $"{(beam ? "Beam SQL" : "Flink SQL")} script {Path.GetFileName(sourceName)}",
            Runtime = beam ? Runtime.Any : Runtime.Flink,
            Artifact = new Artifact
            {
                Sql = new SqlArtifact { Dialect = dialect, Script = script },
            },
            State = new State { Stateful = analysis.Stateful },
            Upgrade = new UpgradePolicy { Mode = analysis.Stateful ? UpgradeMode.Savepoint : UpgradeMode.Stateless },
        };
        foreach (var function in analysis.Functions)
        {
            var sqlFunction = new SqlFunction { Name = function.Name, ClassName = function.ClassName, Language = function.Language };
            sqlFunction.Jars.AddRange(function.Jars);
            spec.Artifact.Sql.Functions.Add(sqlFunction);
        }
        spec.Artifact.Sql.StatefulOperators.AddRange(analysis.StatefulKinds);
        spec.Sources.AddRange(analysis.Sources.Select(s => s.Dataset));
        spec.Sinks.AddRange(analysis.Sinks.Select(s => s.Dataset));
        return spec;
    }

    /// <summary>Replaces each Kafka broker list by the name of the platform cluster that has those brokers.</summary>
    private static void NamePlatformKafkaClusters(SqlAnalysis analysis, PlatformConfig platform, SourceText source, List<SqlDiagnostic> diagnostics)
    {
        var clusters = platform.KafkaClusters
            .Select(c => (c.Name, Brokers: c.BootstrapServers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase)))
            .ToList();
        foreach (var dataset in analysis.Sources.Concat(analysis.Sinks).Where(d => d.Dataset.System == "kafka").Select(d => d).ToList())
        {
            var brokers = dataset.Dataset.Cluster.Split(',', StringSplitOptions.RemoveEmptyEntries);
            var match = clusters.FirstOrDefault(c => brokers.Any(c.Brokers.Contains));
            if (match.Name is not null)
            {
                dataset.Dataset.Cluster = match.Name;
            }
            else
            {
                diagnostics.Add(SqlDiagnostic.Warning(dataset.DeclaredAt,
                    $"table {dataset.Table}: Kafka brokers {dataset.Dataset.Cluster} are not a cluster of the platform config " +
                    $"(known: {string.Join(", ", clusters.Select(c => c.Name))}); the dataset keeps the broker list as its cluster"));
            }
        }
    }

    private static int? FindLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return i;
            }
        }
        return null;
    }

    /// <summary>`01_Create Table.sql` → `01-create-table`: lower case, runs of other characters become one '-', at most 63.</summary>
    public static string ToDnsLabel(string name)
    {
        var label = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                label.Append(c);
            }
            else if (label.Length > 0 && label[^1] != '-')
            {
                label.Append('-');
            }
        }
        var text = label.ToString().Trim('-');
        if (text.Length > 63)
        {
            text = text[..63].TrimEnd('-');
        }
        return text.Length == 0 ? "sql-job" : text;
    }
}
