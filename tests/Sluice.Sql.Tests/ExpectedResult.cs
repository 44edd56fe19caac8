using Sluice.Sql.Analysis;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Sluice.Sql.Tests;

/// <summary>A checked-in expected analysis, written by reading the script (Expected/**/&lt;name&gt;.yaml).</summary>
public sealed class ExpectedResult
{
    public List<string> Sources { get; set; } = [];

    public List<string> Sinks { get; set; } = [];

    public bool Stateful { get; set; }

    /// <summary>The distinct stateful operator kinds, in any order.</summary>
    public List<string> Operators { get; set; } = [];

    /// <summary>Declared functions as `name=class`.</summary>
    public List<string> Udfs { get; set; } = [];

    public List<string> Unused { get; set; } = [];

    public int? Parallelism { get; set; }

    public string? StateTtl { get; set; }

    public List<string>? Overrides { get; set; }

    private static readonly IDeserializer Reader = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    public static ExpectedResult Load(string path) => Reader.Deserialize<ExpectedResult>(File.ReadAllText(path)) ?? new ExpectedResult();

    /// <summary>Every difference between this and what the transpiler found; empty when they agree.</summary>
    public List<string> Differences(TranspileResult result)
    {
        var analysis = result.Analysis;
        var differences = new List<string>();
        CompareSets("sources", Sources, analysis.Sources.Select(s => s.Uri), differences);
        CompareSets("sinks", Sinks, analysis.Sinks.Select(s => s.Uri), differences);
        if (Stateful != analysis.Stateful)
        {
            differences.Add($"stateful: expected {Stateful}, found {analysis.Stateful}");
        }
        CompareSets("operators", Operators, analysis.StatefulKinds, differences);
        CompareSets("udfs", Udfs, analysis.Functions.Select(f => $"{f.Name}={f.ClassName}"), differences);
        CompareSets("unused", Unused, analysis.UnusedTables.Select(u => u.Table), differences);
        var spec = result.Spec;
        if (Parallelism is { } parallelism && spec?.Resources?.Parallelism != parallelism)
        {
            differences.Add($"parallelism: expected {parallelism}, found {spec?.Resources?.Parallelism}");
        }
        if (StateTtl is { } ttl)
        {
            var found = spec?.State?.Stores.FirstOrDefault()?.Ttl is { } duration ? Sluice.Spec.DurationText.Format(duration) : "(none)";
            if (found != ttl)
            {
                differences.Add($"state_ttl: expected {ttl}, found {found}");
            }
        }
        if (Overrides is not null)
        {
            CompareSets("overrides", Overrides, spec?.Overrides.Keys ?? [], differences);
        }
        return differences;
    }

    private static void CompareSets(string what, IEnumerable<string> expected, IEnumerable<string> found, List<string> differences)
    {
        var expectedSet = expected.ToHashSet(StringComparer.Ordinal);
        var foundSet = found.ToHashSet(StringComparer.Ordinal);
        var missing = expectedSet.Except(foundSet).Order().ToList();
        var extra = foundSet.Except(expectedSet).Order().ToList();
        if (missing.Count > 0)
        {
            differences.Add($"{what}: missing {string.Join(", ", missing)}");
        }
        if (extra.Count > 0)
        {
            differences.Add($"{what}: unexpected {string.Join(", ", extra)}");
        }
    }

    public static string Describe(SqlAnalysis analysis) =>
        $"sources [{string.Join(", ", analysis.Sources.Select(s => s.Uri))}], sinks [{string.Join(", ", analysis.Sinks.Select(s => s.Uri))}], " +
        $"operators [{string.Join(", ", analysis.StatefulKinds)}]";
}
