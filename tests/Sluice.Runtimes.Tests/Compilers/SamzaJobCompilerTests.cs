using Google.Protobuf.WellKnownTypes;
using Sluice.Runtimes.Compilation;
using Sluice.Runtimes.Samza;
using Sluice.Spec.V1;

namespace Sluice.Runtimes.Tests.Compilers;

public class SamzaJobCompilerTests
{
    private static SamzaJobConfig Compile(JobSpec spec, PlatformConfig? platform = null)
    {
        platform ??= TestSpecs.Platform();
        return SamzaJobCompiler.Compile(spec, platform, TestSpecs.East(platform));
    }

    [Fact]
    public void Stateless_job_gets_yarn_kafka_systems_and_streams()
    {
        var config = Compile(TestSpecs.StatelessFilter());

        Assert.Equal("page-view-filter", config["job.name"]);
        Assert.Equal("org.apache.samza.job.yarn.YarnJobFactory", config["job.factory.class"]);
        Assert.Equal("com.example.Filter", config["app.class"]);
        Assert.Null(config["task.class"]);
        Assert.Equal("hdfs://nn:8020/packages/page-view-filter.tar.gz", config["yarn.package.path"]);
        Assert.Equal("streaming", config["yarn.queue"]);
        Assert.Equal("4", config["job.container.count"]);
        Assert.Equal("1536", config["cluster-manager.container.memory.mb"]);
        Assert.Equal("1", config["cluster-manager.container.cpu.cores"]);
        Assert.Equal("1024", config["yarn.am.container.memory.mb"]);
        Assert.Equal("tracking.page-views-raw", config["task.inputs"]);
        Assert.Equal("tracking", config["job.default.system"]);
        Assert.Equal("org.apache.samza.system.kafka.KafkaSystemFactory", config["systems.tracking.samza.factory"]);
        Assert.Equal("tracking-0:9092,tracking-1:9092", config["systems.tracking.producer.bootstrap.servers"]);
        Assert.Equal("tracking-0:9092,tracking-1:9092", config["systems.tracking.consumer.bootstrap.servers"]);
        Assert.Equal("zk:2181/kafka", config["systems.tracking.consumer.zookeeper.connect"]);
        Assert.Equal("tracking", config["streams.page-views.samza.system"]);
        Assert.Equal("page-views", config["streams.page-views.samza.physical.name"]);
        Assert.Equal("json", config["streams.page-views.samza.msg.serde"]);
        Assert.Equal("org.apache.samza.serializers.JsonSerdeV2Factory", config["serializers.registry.json.class"]);
        Assert.Equal("org.apache.samza.checkpoint.kafka.KafkaCheckpointManagerFactory", config["task.checkpoint.factory"]);
        Assert.Null(config["systems.commerce.samza.factory"]);
    }

    [Fact]
    public void Stores_get_factory_serdes_changelog_and_ttl()
    {
        var config = Compile(TestSpecs.WindowedAggregation());

        Assert.Equal("org.apache.samza.storage.kv.RocksDbKeyValueStorageEngineFactory", config["stores.revenue-windows.factory"]);
        Assert.Equal("string", config["stores.revenue-windows.key.serde"]);
        Assert.Equal("json", config["stores.revenue-windows.msg.serde"]);
        Assert.Equal("commerce.revenue-per-minute-revenue-windows-changelog", config["stores.revenue-windows.changelog"]);
        Assert.Equal("7200000", config["stores.revenue-windows.rocksdb.ttl.ms"]);
        Assert.Equal("30000", config["task.commit.ms"]);
        Assert.Equal("commerce", config["task.checkpoint.system"]);
        Assert.Equal("org.apache.samza.serializers.StringSerdeFactory", config["serializers.registry.string.class"]);
    }

    [Fact]
    public void Platform_system_cluster_holds_checkpoints_and_changelogs()
    {
        var platform = TestSpecs.Platform();
        TestSpecs.East(platform).Samza.SystemKafkaCluster = "tracking";

        var config = Compile(TestSpecs.WindowedAggregation(), platform);

        Assert.Equal("tracking", config["job.default.system"]);
        Assert.Equal("tracking.revenue-per-minute-revenue-windows-changelog", config["stores.revenue-windows.changelog"]);
        Assert.Equal("tracking-0:9092,tracking-1:9092", config["systems.tracking.producer.bootstrap.servers"]);
        Assert.Equal("commerce-0:9092", config["systems.commerce.producer.bootstrap.servers"]);
    }

    [Fact]
    public void Task_entry_kind_writes_task_class_and_a_package_artifact_is_used_as_is()
    {
        var spec = TestSpecs.StatelessFilter();
        spec.Artifact.Jar = new JarArtifact { Uri = "hdfs://nn/pkg/filter-1.0-dist.tar.gz", EntryClass = "com.example.FilterTask", EntryKind = EntryKind.Task };

        var config = Compile(spec);

        Assert.Equal("com.example.FilterTask", config["task.class"]);
        Assert.Null(config["app.class"]);
        Assert.Equal("hdfs://nn/pkg/filter-1.0-dist.tar.gz", config["yarn.package.path"]);
    }

    [Fact]
    public void Samza_overrides_come_last_with_prefix_stripped()
    {
        var spec = TestSpecs.StatelessFilter();
        spec.Overrides["samza.job.container.count"] = "9";
        spec.Overrides["samza.task.window.ms"] = "60000";
        spec.Overrides["flink.pipeline.name"] = "ignored";

        var properties = Compile(spec).Properties;

        Assert.Equal([new("job.container.count", "9"), new("task.window.ms", "60000")], properties.TakeLast(2));
        Assert.Single(properties, entry => entry.Key == "job.container.count");
        Assert.DoesNotContain(properties, entry => entry.Key.StartsWith("pipeline", StringComparison.Ordinal));
    }

    [Fact]
    public void What_samza_cannot_run_is_refused_with_the_reason()
    {
        var flinkSql = TestSpecs.StatelessFilter();
        flinkSql.Artifact = new Artifact { Sql = new SqlArtifact { Dialect = SqlDialect.FlinkSql, Script = "SELECT 1" } };
        var exactlyOnce = TestSpecs.WindowedAggregation();
        exactlyOnce.State.Checkpointing.Mode = CheckpointMode.ExactlyOnce;
        var kinesis = TestSpecs.StatelessFilter();
        kinesis.Sources[0].System = "kinesis";
        var inMemoryTtl = TestSpecs.WindowedAggregation();
        inMemoryTtl.State.Stores[0].Kind = StoreKind.InMemory;

        Assert.Contains("artifact.sql: Samza cannot run Flink SQL; run this job on Flink", Assert.Throws<CompilationException>(() => Compile(flinkSql)).Problems);
        Assert.Contains(Assert.Throws<CompilationException>(() => Compile(exactlyOnce)).Problems, problem => problem.StartsWith("state.checkpointing.mode: Samza processes at-least-once only", StringComparison.Ordinal));
        Assert.Contains(Assert.Throws<CompilationException>(() => Compile(kinesis)).Problems, problem => problem.StartsWith("sources[0].system: the Samza compiler reads and writes Kafka only, not 'kinesis'", StringComparison.Ordinal));
        Assert.Contains(Assert.Throws<CompilationException>(() => Compile(inMemoryTtl)).Problems, problem => problem.StartsWith("state.stores[0].ttl:", StringComparison.Ordinal));
    }

    [Fact]
    public void Fabric_without_samza_and_bad_memory_are_reported_together()
    {
        var platform = TestSpecs.Platform();
        var fabric = TestSpecs.East(platform);
        fabric.Samza = null;
        var spec = TestSpecs.StatelessFilter();
        spec.Resources.Task.Memory = "lots";
        spec.Artifact.Jar.Args.Add("--verbose");

        var error = Assert.Throws<CompilationException>(() => SamzaJobCompiler.Compile(spec, platform, fabric));

        Assert.Equal(3, error.Problems.Count);
        Assert.Contains("fabric east: has no samza section, so Samza jobs cannot run there", error.Problems);
        Assert.Contains(error.Problems, problem => problem.StartsWith("resources.task.memory: 'lots' is not a memory quantity such as", StringComparison.Ordinal));
        Assert.Contains(error.Problems, problem => problem.StartsWith("artifact.jar.args:", StringComparison.Ordinal));
    }

    [Fact]
    public void Spec_fields_without_a_samza_meaning_are_noted_not_dropped_silently()
    {
        var spec = TestSpecs.WindowedAggregation();
        spec.Autoscaling = new Autoscaling { Enabled = true, MaxParallelism = 12 };
        spec.Sinks[0].Format = "avro";

        var notes = Compile(spec).Notes;

        Assert.Contains(notes, note => note.StartsWith("autoscaling:", StringComparison.Ordinal));
        Assert.Contains(notes, note => note.StartsWith("upgrade.mode:", StringComparison.Ordinal));
        Assert.Contains(notes, note => note.StartsWith("state.checkpointing.retained:", StringComparison.Ordinal));
        Assert.Contains(notes, note => note.StartsWith("sinks[0].format: Samza ships no serde for 'avro'", StringComparison.Ordinal));
    }

    [Fact]
    public void Properties_file_escapes_what_java_properties_would_misread()
    {
        var config = new SamzaJobConfig(
            [new("job.name", "orders"), new("odd key=x", " leading space, a:colon, caf\u00e9\nline")],
            []);

        var text = SamzaPropertiesWriter.Write(config, "Generated by Sluice\nfrom growth/orders");

        Assert.Equal(
            "# Generated by Sluice\n# from growth/orders\njob.name=orders\nodd\\ key\\=x=\\ leading space, a:colon, caf\\u00E9\\nline\n",
            text);
    }

    [Fact]
    public void Output_is_identical_for_identical_input()
    {
        var spec = TestSpecs.WindowedAggregation();
        spec.Overrides["samza.b.c"] = "2";
        spec.Overrides["samza.a.b"] = "1";

        Assert.Equal(
            SamzaPropertiesWriter.Write(Compile(spec), "x"),
            SamzaPropertiesWriter.Write(Compile(spec.Clone()), "x"));
        Assert.Equal(["a.b", "b.c"], Compile(spec).Properties.TakeLast(2).Select(entry => entry.Key));
    }
}
