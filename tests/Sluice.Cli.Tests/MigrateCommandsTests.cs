using System.Text.Json.Nodes;
using Sluice.Migration.Legacy;

namespace Sluice.Cli.Tests;

public sealed class MigrateCommandsTests
{
    private static string Corpus(string folder) => Path.GetFullPath(Path.Combine(ReferenceData.Locate(), "..", "corpus", folder));

    [Fact]
    public void Plan_prints_a_row_per_job_and_writes_the_same_as_json()
    {
        var json = Path.Combine(Directory.CreateTempSubdirectory("sluice-plan-").FullName, "plan.json");

        var (exit, output, error) = CliRunner.Run("migrate", "plan", Corpus("samza-configs"), "--json", json);

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("FILE", lines[0]);
        Assert.Equal(21 + 2, lines.Length);
        Assert.Equal("21 jobs: 15 missing-information, 6 refused", lines[^1]);
        Assert.Contains($"plan written to {json}", error);
        Assert.Equal(21, JsonNode.Parse(File.ReadAllText(json))!.AsArray().Count);
    }

    [Fact]
    public void Plan_apply_writes_the_proven_jobspecs_and_nothing_else()
    {
        var work = Directory.CreateTempSubdirectory("sluice-apply-").FullName;
        var annotations = Path.Combine(AppContext.BaseDirectory, "MigrationAnnotations");
        Directory.CreateDirectory(annotations);
        File.WriteAllText(Path.Combine(annotations, "samza__samza-test__join__watcher.samza.yaml"),
            "artifact: {uri: \"hdfs://packages/samza-test-dist.tar.gz\"}\nsinks: []\n");
        var output = Path.Combine(work, "specs");

        var (exit, table, _) = CliRunner.Run("migrate", "plan", Corpus("samza-configs"), "--annotations", annotations, "--apply", "--out", output,
            "--json", Path.Combine(work, "plan.json"), "--namespace", "samza-test");

        Assert.Equal(0, exit);
        Assert.StartsWith("samza__samza-test__join__watcher.samza.properties", table.Split('\n')[1]);
        var written = Assert.Single(Directory.GetFiles(output));
        Assert.Equal("watcher.yaml", Path.GetFileName(written));
        var (validExit, validOutput, _) = CliRunner.Run("validate", written);
        Assert.Equal(0, validExit);
        Assert.Contains("valid (samza-test/watcher", validOutput);
    }

    [Fact]
    public void Import_prints_the_jobspec_and_the_report_and_fails_unless_proven()
    {
        var (exit, output, _) = CliRunner.Run("migrate", "import", Path.Combine(Corpus("flink-configs"), "flink-kubernetes-operator__python-example.yaml"));

        Assert.Equal(1, exit);
        Assert.StartsWith("# JobSpec\nname: python-example\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("status: missing-information", output);
        Assert.Contains("- key: restart-strategy.type\n  legacy: disable\n  sluice: exponential-delay", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Import_to_flink_renders_a_samza_job_and_lists_what_changes_meaning()
    {
        var annotations = CliRunner.WriteTemp("a.yaml", "sinks: []\nartifact: {uri: \"hdfs://p/x-dist.tar.gz\"}\n");
        var config = CliRunner.WriteTemp("job.properties", """
            job.name=counter
            app.class=com.example.Counter
            job.factory.class=org.apache.samza.job.yarn.YarnJobFactory
            job.container.count=3
            task.inputs=kafka.clicks
            task.window.ms=1000
            systems.kafka.samza.factory=org.apache.samza.system.kafka.KafkaSystemFactory
            systems.kafka.producer.bootstrap.servers=k:9092
            """);

        var (exit, output, error) = CliRunner.Run("migrate", "import", config, "--annotations", annotations, "--to", "flink");

        Assert.True(exit == 0, error);
        Assert.Contains("runtime: flink", output);
        Assert.Contains("- samza: job.container.count=3", output);
        Assert.Contains("- samza: task.window.ms=1000", output);
        Assert.Contains("kind: FlinkDeployment", output);
    }

    [Fact]
    public void Import_reports_a_bad_annotations_file_at_its_line_and_column()
    {
        var annotations = CliRunner.WriteTemp("a.yaml", "namespace: x\nsinkz: []\n");

        var (exit, _, error) = CliRunner.Run("migrate", "import", Path.Combine(Corpus("flink-configs"), "flink-kubernetes-operator__basic.yaml"), "--annotations", annotations);

        Assert.Equal(1, exit);
        Assert.Contains($"{annotations}:2:1: unknown field 'sinkz' in the annotations; did you mean 'sinks'?", error);
    }

    [Fact]
    public void The_cut_over_is_not_supported_yet_and_says_so()
    {
        var (exit, _, error) = CliRunner.Run("migrate", "wikipedia-stats");

        Assert.Equal(2, exit);
        Assert.Contains("moving job 'wikipedia-stats' onto Sluice (the guarded cut-over) is not implemented yet", error);
    }
}
