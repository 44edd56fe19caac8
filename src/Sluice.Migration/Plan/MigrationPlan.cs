using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Migration.Annotations;
using Sluice.Migration.Legacy;
using Sluice.Migration.Report;

namespace Sluice.Migration.Plan;

/// <summary>One legacy job in a batch plan; <see cref="Result"/> is null when the file could not be read (see <see cref="Error"/>).</summary>
public sealed record PlanRow(string File, string Job, string Runtime, bool Stateful, string Status, int Differences, int Missing, int Refused, string Risk,
    MigrationResult? Result, string? Error);

/// <summary>`sluice migrate plan DIR`: every legacy config of a folder imported, proven jobs first.</summary>
public static class MigrationPlan
{
    private static readonly string[] StatusOrder = ["proven", "differences", "missing-information", "refused", "invalid"];

    /// <param name="annotationsDirectory">where `&lt;file name without extension&gt;.yaml` annotates each config, if anywhere.</param>
    public static IReadOnlyList<PlanRow> Build(string directory, string? annotationsDirectory, ReferenceData reference, string defaultNamespace = Migrator.DefaultNamespace)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: no such folder of legacy configs");
        }
        return Directory.GetFiles(directory).Where(Migrator.IsLegacyConfig).Order(StringComparer.Ordinal)
            .Select(path => Row(path, annotationsDirectory, reference, defaultNamespace))
            .OrderBy(row => Array.IndexOf(StatusOrder, row.Status)).ThenBy(row => row.File, StringComparer.Ordinal)
            .ToArray();
    }

    public static string AnnotationsPathFor(string configPath, string annotationsDirectory) =>
        Path.Combine(annotationsDirectory, Path.GetFileNameWithoutExtension(configPath) + ".yaml");

    private static PlanRow Row(string path, string? annotationsDirectory, ReferenceData reference, string defaultNamespace)
    {
        var file = Path.GetFileName(path);
        try
        {
            var annotationsPath = annotationsDirectory is null ? null : AnnotationsPathFor(path, annotationsDirectory);
            var annotations = annotationsPath is not null && File.Exists(annotationsPath) ? AnnotationsLoader.LoadFile(annotationsPath) : MigrationAnnotations.None;
            var result = Migrator.ImportFile(path, annotations, reference, defaultNamespace);
            var report = result.Report;
            var stateful = result.Import.Spec.State?.Stateful ?? false;
            var status = MappingReport.StatusText(report.Status);
            return new PlanRow(file, result.Import.Spec.Name, report.Runtime, stateful, status, report.Differences.Count + report.ProofProblems.Count,
                report.Missing.Count, report.Refused.Count(), Risk(report.Status, stateful), result, null);
        }
        catch (Exception e) when (e is LegacyConfigException or InvalidDataException or IOException)
        {
            return new PlanRow(file, "", "", false, "invalid", 0, 0, 0, "blocked", null, e.Message);
        }
    }

    /// <summary>
    /// low: proven and stateless; medium: proven with state (it moves through a savepoint) or differing without
    /// state; high: differing with state; unknown: information missing; blocked: refused or unreadable.
    /// </summary>
    private static string Risk(MigrationStatus status, bool stateful) => status switch
    {
        MigrationStatus.Proven => stateful ? "medium" : "low",
        MigrationStatus.Differences => stateful ? "high" : "medium",
        MigrationStatus.MissingInformation => "unknown",
        _ => "blocked",
    };

    public static string ToJson(IReadOnlyList<PlanRow> rows)
    {
        var array = new JsonArray();
        foreach (var row in rows)
        {
            var node = new JsonObject
            {
                ["file"] = row.File,
                ["job"] = row.Job,
                ["runtime"] = row.Runtime,
                ["stateful"] = row.Stateful,
                ["status"] = row.Status,
                ["risk"] = row.Risk,
                ["differences"] = new JsonArray((row.Result?.Report.Differences ?? []).Select(difference => (JsonNode)new JsonObject
                {
                    ["key"] = difference.Key, ["legacy"] = difference.Legacy, ["sluice"] = difference.Sluice,
                }).ToArray()),
                ["missing"] = new JsonArray((row.Result?.Report.Missing ?? []).Select(item => (JsonNode)new JsonObject
                {
                    ["field"] = item.Field, ["why"] = item.Why, ["annotation"] = item.Annotation,
                }).ToArray()),
                ["refused"] = new JsonArray((row.Result?.Report.Refused ?? []).Select(item => (JsonNode)new JsonObject
                {
                    ["key"] = item.Key, ["why"] = item.Note,
                }).ToArray()),
                ["notRendered"] = new JsonArray((row.Result?.Report.ProofProblems ?? []).Select(problem => (JsonNode)JsonValue.Create(problem)!).ToArray()),
            };
            if (row.Error is not null)
            {
                node["error"] = row.Error;
            }
            array.Add(node);
        }
        return array.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>One line per job: file, job, runtime, stateful, status, differences, missing, refused, risk.</summary>
    public static string ToTable(IReadOnlyList<PlanRow> rows)
    {
        string[] header = ["FILE", "JOB", "RUNTIME", "STATEFUL", "STATUS", "DIFF", "MISSING", "REFUSED", "RISK"];
        var lines = rows.Select(row => new[]
        {
            row.File, row.Job.Length > 0 ? row.Job : "-", row.Runtime.Length > 0 ? row.Runtime : "-", row.Stateful ? "yes" : "no", row.Status,
            row.Differences.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Missing.ToString(System.Globalization.CultureInfo.InvariantCulture),
            row.Refused.ToString(System.Globalization.CultureInfo.InvariantCulture), row.Risk,
        }).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(column => lines.Max(line => line[column].Length)).ToArray();
        var text = new System.Text.StringBuilder();
        foreach (var line in lines)
        {
            text.AppendLine(string.Join("  ", line.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd());
        }
        var counts = StatusOrder.Select(status => (status, count: rows.Count(row => row.Status == status))).Where(pair => pair.count > 0);
        text.AppendLine($"{rows.Count} jobs: " + string.Join(", ", counts.Select(pair => $"{pair.count} {pair.status}")));
        return text.ToString();
    }
}
