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

    [Fact]
    public void Migrate_moves_a_running_legacy_job_onto_sluice_and_back()
    {
        var work = Directory.CreateTempSubdirectory("sluice-cutover-cli-").FullName;
        var legacy = Path.Combine(work, "legacy");
        Directory.CreateDirectory(Path.Combine(legacy, "annotations"));
        File.WriteAllText(Path.Combine(legacy, "clicks.yaml"), """
            apiVersion: flink.apache.org/v1beta1
            kind: FlinkDeployment
            metadata: {name: clicks, namespace: default}
            spec:
              image: flink:2.1
              flinkVersion: v2_1
              serviceAccount: flink
              flinkConfiguration:
                parallelism.default: "2"
                taskmanager.numberOfTaskSlots: "1"
                execution.checkpointing.interval: 30 s
                execution.checkpointing.mode: EXACTLY_ONCE
                state.backend.type: rocksdb
                execution.checkpointing.dir: s3://state/checkpoints/clicks
                execution.checkpointing.savepoint-dir: s3://state/savepoints/clicks
                restart-strategy.type: exponential-delay
              jobManager: {resource: {memory: 1024m, cpu: 1}}
              taskManager: {resource: {memory: 2048m, cpu: 1}}
              job: {jarURI: "local:///opt/clicks.jar", entryClass: com.example.Clicks, parallelism: 2, upgradeMode: savepoint, state: running}
            """);
        File.WriteAllText(Path.Combine(legacy, "annotations", "clicks.yaml"), "sources: [{system: datagen, name: clicks}]\nsinks: []\n");
        string[] where = ["--legacy", legacy, "--local", Path.Combine(work, "local"), "--ownership", Path.Combine(work, "ownership.db")];

        Assert.Equal(0, CliRunner.Run(["migrate", "legacy-start", "clicks", .. where]).ExitCode);
        var (exit, output, error) = CliRunner.Run(["migrate", "clicks", .. where]);

        Assert.True(exit == 0, error + output);
        Assert.Contains("clicks: now owned by sluice, running default.clicks.r1.a1 restored from ", output);
        Assert.Contains("  Flipped", output);
        var (again, _, refused) = CliRunner.Run(["migrate", "legacy-start", "clicks", .. where]);
        Assert.Equal(1, again);
        Assert.Contains("the legacy side may not start it: it is owned by sluice", refused);

        var (backExit, backOutput, backError) = CliRunner.Run(["migrate", "clicks", "--back", .. where]);

        Assert.True(backExit == 0, backError + backOutput);
        Assert.Contains("clicks: now owned by legacy, running default.clicks.r0.a2 restored from ", backOutput);
        Assert.True(File.Exists(Path.Combine(legacy, "clicks.yaml.before-eject")));
    }
}
