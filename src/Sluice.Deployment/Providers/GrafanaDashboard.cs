using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Spec.V1;

namespace Sluice.Deployment.Providers;

/// <summary>A Grafana dashboard (JSON model, schemaVersion 39) of one job on one fabric, over a Prometheus data source.</summary>
public static class GrafanaDashboard
{
    /// <summary>Bump when <see cref="Render"/> changes, so existing dashboards count as changed and are rewritten.</summary>
    public const int ModelVersion = 1;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Stable per (fabric, job), at most 40 characters as Grafana requires.</summary>
    public static string Uid(ResourceOwner owner) =>
        "sluice-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{owner.Fabric}/{owner.Job.Namespace}/{owner.Job.Name}")))[..24];

    public static string Render(JobSpec spec, ResourceOwner owner, Runtime runtime)
    {
        var metrics = JobMetrics.For(runtime, owner);
        var panels = new List<(string Title, string Unit, (string Expr, string Legend)[] Targets)>
        {
            ("Consumer lag", "short", [(metrics.ConsumerLag, "records behind")]),
            ("Records per second", "rps", [(metrics.RecordsInPerSecond, "in"), (metrics.RecordsOutPerSecond, "out")]),
            (runtime == Runtime.Samza ? "Commits" : "Checkpoints", "short",
                new[] { (metrics.CompletedCheckpoints, "completed"), (metrics.FailedCheckpoints, "failed") }
                    .Where(t => t.Item1 is not null).Select(t => (t.Item1!, t.Item2)).ToArray()),
            ("Restarts", "short", [(metrics.Restarts, $"restarts per {JobMetrics.Window}")]),
        };
        if (metrics.BackpressureMsPerSecond is { } backpressure)
        {
            panels.Add(("Backpressure", "ms", [(backpressure, "back-pressured ms/s (max task)")]));
        }

        var dashboard = new JsonObject
        {
            ["uid"] = Uid(owner),
            ["title"] = $"{owner.Job.Namespace}/{owner.Job.Name} on {owner.Fabric}",
            ["description"] = string.IsNullOrEmpty(spec.Description) ? $"Sluice job {owner.Job}" : spec.Description,
            ["tags"] = new JsonArray("sluice", runtime == Runtime.Samza ? "samza" : "flink", owner.Job.Namespace, owner.Fabric),
            ["timezone"] = "utc",
            ["editable"] = false,
            ["schemaVersion"] = 39,
            ["version"] = 1,
            ["refresh"] = "30s",
            ["time"] = new JsonObject { ["from"] = "now-6h", ["to"] = "now" },
            ["annotations"] = new JsonObject { ["list"] = new JsonArray() },
            ["links"] = new JsonArray(),
            ["templating"] = new JsonObject
            {
                ["list"] = new JsonArray(new JsonObject
                {
                    ["name"] = "datasource",
                    ["label"] = "Data source",
                    ["type"] = "datasource",
                    ["query"] = "prometheus",
                    ["hide"] = 0,
                    ["current"] = new JsonObject(),
                }),
            },
            ["panels"] = new JsonArray(panels.Select((p, i) => (JsonNode)Panel(i + 1, p.Title, p.Unit, p.Targets)).ToArray()),
        };
        return dashboard.ToJsonString(Indented);
    }

    private static JsonObject Panel(int id, string title, string unit, (string Expr, string Legend)[] targets) => new()
    {
        ["id"] = id,
        ["type"] = "timeseries",
        ["title"] = title,
        ["gridPos"] = new JsonObject { ["h"] = 8, ["w"] = 12, ["x"] = (id - 1) % 2 * 12, ["y"] = (id - 1) / 2 * 8 },
        ["datasource"] = DataSource(),
        ["targets"] = new JsonArray(targets.Select((t, i) => (JsonNode)new JsonObject
        {
            ["refId"] = ((char)('A' + i)).ToString(),
            ["datasource"] = DataSource(),
            ["expr"] = t.Expr,
            ["legendFormat"] = t.Legend,
            ["range"] = true,
        }).ToArray()),
        ["fieldConfig"] = new JsonObject { ["defaults"] = new JsonObject { ["unit"] = unit }, ["overrides"] = new JsonArray() },
        ["options"] = new JsonObject
        {
            ["legend"] = new JsonObject { ["displayMode"] = "list", ["placement"] = "bottom", ["showLegend"] = true },
            ["tooltip"] = new JsonObject { ["mode"] = "multi", ["sort"] = "none" },
        },
    };

    private static JsonObject DataSource() => new() { ["type"] = "prometheus", ["uid"] = "${datasource}" };
}
