using Sluice.Migration.Annotations;
using Sluice.Migration.CrossRuntime;

namespace Sluice.Migration.Tests;

/// <summary>A Samza job moved to Flink by changing its spec's runtime: rendered, with what changes meaning.</summary>
public sealed class CrossRuntimeTests
{
    private const string StatefulApplication = """
        job.name=click-counter
        job.factory.class=org.apache.samza.job.yarn.YarnJobFactory
        app.class=com.example.ClickCounter
        yarn.package.path=hdfs://packages/click-counter-dist.tar.gz
        job.container.count=4
        cluster-manager.container.memory.mb=2048
        task.inputs=kafka.clicks
        task.window.ms=30000
        task.commit.ms=10000
        task.checkpoint.factory=org.apache.samza.checkpoint.kafka.KafkaCheckpointManagerFactory
        job.default.system=kafka
        systems.kafka.samza.factory=org.apache.samza.system.kafka.KafkaSystemFactory
        systems.kafka.producer.bootstrap.servers=k1:9092
        systems.kafka.consumer.auto.offset.reset=smallest
        stores.counts.factory=org.apache.samza.storage.kv.RocksDbKeyValueStorageEngineFactory
        stores.counts.changelog=kafka.click-counter-counts-changelog
        stores.counts.key.serde=string
        stores.counts.msg.serde=long
        serializers.registry.string.class=org.apache.samza.serializers.StringSerdeFactory
        serializers.registry.long.class=org.apache.samza.serializers.LongSerdeFactory
        """;

    private static MigrationResult Import(string text) =>
        Migrator.ImportText(text, "click-counter.properties", new MigrationAnnotations { Sinks = [] }, Shared.Reference);

    [Fact]
    public void A_proven_samza_job_renders_for_flink_from_the_same_spec()
    {
        var samza = Import(StatefulApplication);
        Assert.Equal(Report.MigrationStatus.Proven, samza.Report.Status);

        var flink = SamzaToFlink.Render(samza.Import);

        Assert.Empty(flink.Problems);
        var manifest = flink.Compilation!.Manifest;
        Assert.Equal(4, manifest.Spec.Job.Parallelism);
        Assert.Equal("10 s", manifest.Spec.Configuration("execution.checkpointing.interval"));
        Assert.Equal("AT_LEAST_ONCE", manifest.Spec.Configuration("execution.checkpointing.mode"));
        Assert.Equal("rocksdb", manifest.Spec.Configuration("state.backend.type"));
        Assert.Equal("2048m", manifest.Spec.TaskManager.Memory);
        Assert.Empty(flink.Spec.Overrides);
        Assert.DoesNotContain(manifest.Spec.FlinkConfiguration, entry => entry.Key.Contains("window", StringComparison.Ordinal));
    }

    [Fact]
    public void The_report_says_what_changes_meaning()
    {
        var changes = SamzaToFlink.Render(Import(StatefulApplication).Import).Changes;

        Assert.Contains(changes, change => change.Samza == "job.container.count=4" && change.Flink.StartsWith("parallelism 4", StringComparison.Ordinal));
        Assert.Contains(changes, change => change.Samza == "store 'counts' with a changelog topic" && change.Flink.Contains("rocksdb", StringComparison.Ordinal)
            && change.Note.Contains("cannot be restored into Flink", StringComparison.Ordinal));
        Assert.Contains(changes, change => change.Samza == "task.window.ms=30000" && change.Flink.Contains("timer every 30000 ms", StringComparison.Ordinal));
        Assert.Contains(changes, change => change.Samza == "task.commit.ms=10000" && change.Flink == "execution.checkpointing.interval 10 s");
        Assert.Contains(changes, change => change.Samza.EndsWith("auto.offset.reset=smallest", StringComparison.Ordinal) && change.Flink.Contains("starting offsets", StringComparison.Ordinal));
    }

    [Fact]
    public void A_stream_task_cannot_move_to_flink_without_a_rewrite()
    {
        var task = StatefulApplication.Replace("app.class=", "task.class=", StringComparison.Ordinal);
        var flink = SamzaToFlink.Render(Import(task).Import);

        Assert.Null(flink.Compilation);
        Assert.Contains(flink.Problems, problem => problem.StartsWith("artifact.jar.entryKind", StringComparison.Ordinal));
        Assert.Contains(flink.Changes, change => change.Samza == "task.class com.example.ClickCounter" && change.Note.Contains("rewritten", StringComparison.Ordinal));
    }
}
