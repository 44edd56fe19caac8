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
}
