using System.Text.Json.Nodes;
using Sluice.Migration.Plan;

namespace Sluice.Migration.Tests;

public sealed class PlanTests
{
    [Fact]
    public void The_corpus_plan_has_one_row_per_config_proven_jobs_first()
    {
        var folder = Directory.CreateTempSubdirectory("sluice-plan-");
        foreach (var file in Directory.GetFiles(Shared.Corpus("samza-configs")))
        {
            File.Copy(file, Path.Combine(folder.FullName, Path.GetFileName(file)));
        }
        File.WriteAllText(Path.Combine(folder.FullName, "broken.properties"), "bad=\\u00zz\n");

        var rows = MigrationPlan.Build(folder.FullName, Shared.TestFile("Annotations"), Shared.Reference);

        Assert.Equal(22, rows.Count);
        var order = new[] { "proven", "differences", "missing-information", "refused", "invalid" };
        Assert.Equal(rows.Select(row => Array.IndexOf(order, row.Status)).Order(), rows.Select(row => Array.IndexOf(order, row.Status)));
        Assert.Equal(5, rows.Count(row => row.Status == "proven"));
        var proven = rows.Where(row => row.Status == "proven").ToList();
        Assert.Contains(proven, row => row.File == "hello-samza__v2015-12__wikipedia-stats.properties" && row.Stateful && row.Risk == "medium");
        Assert.Contains(proven, row => row.File == "samza__samza-test__join__watcher.samza.properties" && !row.Stateful && row.Risk == "low");
        var broken = rows.Last();
        Assert.Equal(("broken.properties", "invalid", "blocked"), (broken.File, broken.Status, broken.Risk));
        Assert.Contains("broken.properties:1:5", broken.Error);
    }

    [Fact]
    public void The_json_plan_carries_the_same_rows_with_their_details()
    {
        var rows = MigrationPlan.Build(Shared.Corpus("flink-configs"), null, Shared.Reference);
        var json = JsonNode.Parse(MigrationPlan.ToJson(rows))!.AsArray();

        Assert.Equal(rows.Select(row => row.File), json.Select(node => node!["file"]!.GetValue<string>()));
        var basic = json.Single(node => node!["file"]!.GetValue<string>() == "flink-kubernetes-operator__basic.yaml")!;
        Assert.Equal("missing-information", basic["status"]!.GetValue<string>());
        Assert.Equal("restart-strategy.type", basic["differences"]![0]!["key"]!.GetValue<string>());
        Assert.Equal(["artifact.jar.entryClass", "sources", "sinks"], basic["missing"]!.AsArray().Select(item => item!["field"]!.GetValue<string>()));
        var table = MigrationPlan.ToTable(rows);
        Assert.EndsWith("8 jobs: 4 missing-information, 4 refused" + Environment.NewLine, table);
    }
}
