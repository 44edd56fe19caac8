using Sluice.Migration.Annotations;
using Sluice.Migration.Report;

namespace Sluice.Migration.Tests;

/// <summary>The per-key account: mapped, override, platform, default, unknown (with the nearest real key), refused.</summary>
public sealed class KeyReportTests
{
    private static IReadOnlyDictionary<string, KeyMapping> Keys(string text, string file = "job.properties") =>
        Migrator.ImportText(text, file, MigrationAnnotations.None, Shared.Reference).Report.Keys.ToDictionary(key => key.Key);

    [Fact]
    public void A_typo_is_unknown_with_the_nearest_real_key_and_still_kept()
    {
        var result = Migrator.ImportText("job.name=j\ntask.windw.ms=1000\nstores.s.chagelog=kafka.x\n", "j.properties", MigrationAnnotations.None, Shared.Reference);
        var keys = result.Report.Keys.ToDictionary(key => key.Key);
        Assert.Equal((KeyDisposition.Unknown, "task.window.ms"), (keys["task.windw.ms"].Disposition, keys["task.windw.ms"].Target));
        Assert.Equal((KeyDisposition.Unknown, "stores.s.changelog"), (keys["stores.s.chagelog"].Disposition, keys["stores.s.chagelog"].Target));
        Assert.Equal("1000", result.Import.Spec.Overrides["samza.task.windw.ms"]);
    }

    [Fact]
    public void Samza_keys_get_their_disposition()
    {
        var keys = Keys("""
            job.name=j
            job.id=1
            job.factory.class=org.apache.samza.job.yarn.YarnJobFactory
            yarn.container.memory.mb=2048
            task.max.concurrency=1
            task.window.ms=500
            job.coordinator.factory=org.apache.samza.zk.ZkJobCoordinatorFactory
            """);
        Assert.Equal(KeyDisposition.Mapped, keys["job.name"].Disposition);
        Assert.Equal(KeyDisposition.Default, keys["job.id"].Disposition);
        Assert.Equal(KeyDisposition.Platform, keys["job.factory.class"].Disposition);
        Assert.Equal(("resources.task.memory", KeyDisposition.Mapped), (keys["yarn.container.memory.mb"].Target, keys["yarn.container.memory.mb"].Disposition));
        Assert.Equal(KeyDisposition.Default, keys["task.max.concurrency"].Disposition);
        Assert.Equal(KeyDisposition.Override, keys["task.window.ms"].Disposition);
        Assert.Equal(KeyDisposition.Refused, keys["job.coordinator.factory"].Disposition);
    }

    [Fact]
    public void Flink_keys_get_their_disposition()
    {
        var keys = Keys("""
            apiVersion: flink.apache.org/v1beta1
            kind: FlinkDeployment
            metadata: {name: j}
            spec:
              image: flink:2.1
              flinkVersion: v2_1
              flinkConfiguration:
                taskmanager.numberOfTaskSlots: "1"
                pipeline.object-reuse: "true"
                execution.checkpointing.intervall: 10s
                jobmanager.rpc.address: jm
              job: {jarURI: "local:///j.jar", parallelism: 2, state: suspended}
            """, "j.yaml");
        Assert.Equal(KeyDisposition.Mapped, keys["taskmanager.numberOfTaskSlots"].Disposition);
        Assert.Equal(("flink.pipeline.object-reuse", KeyDisposition.Override), (keys["pipeline.object-reuse"].Target, keys["pipeline.object-reuse"].Disposition));
        Assert.Equal(("execution.checkpointing.interval", KeyDisposition.Unknown), (keys["execution.checkpointing.intervall"].Target, keys["execution.checkpointing.intervall"].Disposition));
        Assert.Equal(KeyDisposition.Platform, keys["jobmanager.rpc.address"].Disposition);
        Assert.Equal(KeyDisposition.Platform, keys["spec.image"].Disposition);
        Assert.Equal(KeyDisposition.Refused, keys["spec.job.state"].Disposition);
    }

    [Fact]
    public void A_file_of_another_kind_is_refused_with_its_name()
    {
        var error = Assert.Throws<Legacy.LegacyConfigException>(() => Migrator.ImportText("x", "job.conf", MigrationAnnotations.None, Shared.Reference));
        Assert.StartsWith("job.conf:1:1: cannot tell the kind of '.conf' files", error.Message);
    }

    [Fact]
    public void Malformed_flink_yaml_is_an_error_at_its_line_and_column()
    {
        var error = Assert.Throws<Legacy.LegacyConfigException>(() => Migrator.ImportText("a: 1\nb: [\n", "f.yaml", MigrationAnnotations.None, Shared.Reference));
        Assert.Equal(3, error.Line);
        Assert.Contains("not valid YAML", error.Message);
    }
}
