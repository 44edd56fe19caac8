using Sluice.Migration.Flink;
using Sluice.Migration.Legacy;
using Sluice.Migration.Proof;
using Sluice.Migration.Samza;

namespace Sluice.Migration.Tests;

/// <summary>Configs that mean the same compare equal; configs that do not, do not.</summary>
public sealed class NormalizationTests
{
    private static SortedDictionary<string, string> Samza(params (string Key, string Value)[] entries) =>
        SamzaNormalizer.Normalize(entries.Select(entry => KeyValuePair.Create(entry.Key, entry.Value)), Shared.Reference);

    private static SortedDictionary<string, string> Flink(params (string Key, string Value)[] entries) =>
        FlinkNormalizer.Normalize(entries.Select(entry => new ConfigEntry(entry.Key, entry.Value, 1)), Shared.Reference);

    [Theory]
    [InlineData("taskmanager.memory.process.size", "1024m", "1g")]
    [InlineData("taskmanager.memory.process.size", "1728Mb", "1728 mb")]
    [InlineData("jobmanager.memory.process.size", "2048 mebibytes", "2 gb")]
    [InlineData("execution.checkpointing.interval", "60 s", "1 min")]
    [InlineData("execution.checkpointing.interval", "5000", "5 s")]
    [InlineData("execution.checkpointing.timeout", "10min", "600000 ms")]
    [InlineData("execution.checkpointing.mode", "exactly_once", "EXACTLY_ONCE")]
    [InlineData("state.checkpoints.dir", "s3://b/c", "s3://b/c")]
    public void Flink_values_in_other_units_or_spellings_are_equal(string key, string left, string right) =>
        Assert.Empty(EquivalenceProof.Compare(Flink((key, left)), Flink((key, right))));

    [Fact]
    public void A_flink_1x_key_name_equals_its_2x_name()
    {
        Assert.Empty(EquivalenceProof.Compare(Flink(("state.checkpoints.dir", "s3://x")), Flink(("execution.checkpointing.dir", "s3://x"))));
        Assert.Empty(EquivalenceProof.Compare(Flink(("state.backend", "filesystem")), Flink(("state.backend.type", "hashmap"))));
    }

    [Fact]
    public void Flink_defaults_are_made_explicit_and_the_restart_strategy_default_follows_checkpointing()
    {
        Assert.Empty(EquivalenceProof.Compare(Flink(), Flink(("parallelism.default", "1"), ("state.backend.type", "hashmap"), ("restart-strategy.type", "none"))));
        Assert.Empty(EquivalenceProof.Compare(Flink(("execution.checkpointing.interval", "10 s")),
            Flink(("execution.checkpointing.interval", "10 s"), ("restart-strategy.type", "exponentialdelay"))));
        var differences = EquivalenceProof.Compare(Flink(), Flink(("restart-strategy.type", "exponential-delay")));
        var difference = Assert.Single(differences);
        Assert.Equal(("restart-strategy.type", "disable", "exponential-delay"), (difference.Key, difference.Legacy, difference.Sluice));
    }

    [Fact]
    public void Flink_resource_fields_fold_into_the_keys_the_operator_sets()
    {
        var resource = Flink(("spec.taskManager.resource.memory", "2048m"), ("spec.job.parallelism", "4"));
        var configuration = Flink(("taskmanager.memory.process.size", "2g"), ("parallelism.default", "4"));
        Assert.Equal(resource["taskmanager.memory.process.size"], configuration["taskmanager.memory.process.size"]);
        Assert.Equal(resource["parallelism.default"], configuration["parallelism.default"]);
    }

    [Fact]
    public void A_different_value_is_a_difference_with_both_values()
    {
        var differences = EquivalenceProof.Compare(Flink(("taskmanager.memory.process.size", "1g")), Flink(("taskmanager.memory.process.size", "1025m")));
        var difference = Assert.Single(differences);
        Assert.Equal(("taskmanager.memory.process.size", "1073741824 bytes", "1074790400 bytes"), (difference.Key, difference.Legacy, difference.Sluice));
    }

    [Fact]
    public void Samza_deprecated_names_equal_their_current_names()
    {
        Assert.Empty(EquivalenceProof.Compare(
            Samza(("yarn.container.memory.mb", "2048"), ("yarn.container.count", "3"), ("app.name", "j"), ("systems.k.producer.metadata.broker.list", "b:9092")),
            Samza(("cluster-manager.container.memory.mb", "2048"), ("job.container.count", "3"), ("job.name", "j"), ("systems.k.producer.bootstrap.servers", "b:9092"))));
    }

    [Fact]
    public void Samza_list_order_where_order_does_not_matter_and_defaults_are_normalized()
    {
        Assert.Empty(EquivalenceProof.Compare(
            Samza(("task.inputs", "kafka.b, kafka.a"), ("metrics.reporters", "jmx,snapshot")),
            Samza(("task.inputs", "kafka.a,kafka.b"), ("metrics.reporters", "snapshot,jmx"), ("job.container.count", "1"), ("cluster-manager.container.memory.mb", "1024"))));
    }

    [Fact]
    public void Samza_inheritance_stream_declarations_and_unused_serdes_are_resolved()
    {
        var legacy = Samza(
            ("job.coordinator.system", "kafka"), ("task.inputs", "kafka.clicks"), ("systems.kafka.samza.msg.serde", "string"),
            ("serializers.registry.string.class", "org.apache.samza.serializers.StringSerdeFactory"),
            ("serializers.registry.json.class", "org.apache.samza.serializers.JsonSerdeFactory"),
            ("systems.kafka.producer.bootstrap.servers", "b:9092"), ("systems.kafka.consumer.zookeeper.connect", "zk:2181/"));
        var rendered = Samza(
            ("job.default.system", "kafka"), ("task.checkpoint.system", "kafka"), ("task.inputs", "kafka.clicks"),
            ("streams.clicks.samza.system", "kafka"), ("streams.clicks.samza.physical.name", "clicks"), ("streams.clicks.samza.msg.serde", "string"),
            ("systems.kafka.default.stream.samza.msg.serde", "string"),
            ("serializers.registry.string.class", "org.apache.samza.serializers.StringSerdeFactory"),
            ("systems.kafka.consumer.bootstrap.servers", "b:9092"), ("systems.kafka.producer.bootstrap.servers", "b:9092"),
            ("systems.kafka.consumer.zookeeper.connect", "zk:2181"));
        Assert.Empty(EquivalenceProof.Compare(legacy, rendered));
    }

    [Fact]
    public void A_changelog_on_another_topic_is_a_difference()
    {
        var differences = EquivalenceProof.Compare(
            Samza(("job.default.system", "kafka"), ("stores.s.changelog", "s-changelog")),
            Samza(("job.default.system", "kafka"), ("stores.s.changelog", "kafka.job-s-changelog")));
        Assert.Equal(("stores.s.changelog", "kafka.s-changelog", "kafka.job-s-changelog"), (differences[0].Key, differences[0].Legacy, differences[0].Sluice));
    }
}
