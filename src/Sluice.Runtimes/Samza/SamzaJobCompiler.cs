using System.Globalization;
using System.Text.RegularExpressions;
using Sluice.Runtimes.Compilation;
using Sluice.Spec.V1;

namespace Sluice.Runtimes.Samza;

/// <summary>
/// JobSpec → Samza job config for YARN. A pure function: the same inputs always give the same properties, and an
/// input Samza cannot honour is a <see cref="CompilationException"/> listing every problem.
/// </summary>
public static partial class SamzaJobCompiler
{
    public const string YarnJobFactory = "org.apache.samza.job.yarn.YarnJobFactory";
    public const string KafkaSystemFactory = "org.apache.samza.system.kafka.KafkaSystemFactory";
    public const string KafkaCheckpointManagerFactory = "org.apache.samza.checkpoint.kafka.KafkaCheckpointManagerFactory";
    public const string RocksDbStoreFactory = "org.apache.samza.storage.kv.RocksDbKeyValueStorageEngineFactory";
    public const string InMemoryStoreFactory = "org.apache.samza.storage.kv.inmemory.InMemoryKeyValueStorageEngineFactory";

    /// <summary>Formats with a serde that ships with Samza, by the serde name the config registers.</summary>
    private static readonly Dictionary<string, (string Serde, string Factory)> BuiltInSerdes = new(StringComparer.Ordinal)
    {
        ["json"] = ("json", "org.apache.samza.serializers.JsonSerdeV2Factory"),
        ["string"] = ("string", "org.apache.samza.serializers.StringSerdeFactory"),
        ["raw"] = ("byte", "org.apache.samza.serializers.ByteSerdeFactory"),
        ["bytes"] = ("byte", "org.apache.samza.serializers.ByteSerdeFactory"),
        ["long"] = ("long", "org.apache.samza.serializers.LongSerdeFactory"),
        ["integer"] = ("integer", "org.apache.samza.serializers.IntegerSerdeFactory"),
    };

    public static SamzaJobConfig Compile(JobSpec spec, PlatformConfig platform, Fabric fabric)
    {
        var problems = new Problems();
        var notes = new List<string>();
        var samza = fabric.Samza;
        if (samza is null)
        {
            problems.Add($"fabric {fabric.Name}", "has no samza section, so Samza jobs cannot run there");
        }

        var resources = EffectiveResources.Resolve(spec, fabric, platform, problems);
        var kafka = KafkaDatasets.Resolve(spec, platform, problems);
        var overrides = RuntimeOverrides.For(spec, RuntimeOverrides.SamzaPrefix, problems);
        foreach (var (path, dataset) in KafkaDatasets.Datasets(spec).Where(entry => entry.Dataset.System != KafkaDatasets.System))
        {
            problems.Add($"{path}.system", $"the Samza compiler reads and writes Kafka only, not '{dataset.System}'");
        }

        var properties = new List<KeyValuePair<string, string>>();
        void Set(string key, string value) => properties.Add(new(key, value));

        Set("job.name", spec.Name);
        Set("job.factory.class", YarnJobFactory);
        Entry(spec, Set, problems);
        var system = SystemCluster(samza, kafka, platform, fabric, problems);
        if (system is not null)
        {
            Set("job.default.system", SystemName(system.Name, "the system Kafka cluster", problems));
        }
        if (samza is not null)
        {
            Set("yarn.package.path", PackagePath(spec, samza, fabric, problems));
            if (samza.YarnQueue.Length > 0)
            {
                Set("yarn.queue", samza.YarnQueue);
            }
        }
        Resources(spec, resources, Set, notes);
        Checkpointing(spec, system, Set, problems, notes);

        var serdes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var streamLines = Streams(kafka, serdes, problems, notes, out var inputs);
        if (inputs.Count > 0)
        {
            Set("task.inputs", string.Join(",", inputs));
        }
        var storeLines = Stores(spec, system, serdes, problems, notes);
        foreach (var (name, factory) in serdes)
        {
            Set($"serializers.registry.{name}.class", factory);
        }
        foreach (var cluster in kafka.Select(dataset => dataset.Cluster).Append(system).OfType<KafkaCluster>()
                     .DistinctBy(cluster => cluster.Name).OrderBy(cluster => cluster.Name, StringComparer.Ordinal))
        {
            var name = SystemName(cluster.Name, $"Kafka cluster '{cluster.Name}'", problems);
            Set($"systems.{name}.samza.factory", KafkaSystemFactory);
            Set($"systems.{name}.consumer.bootstrap.servers", cluster.BootstrapServers);
            Set($"systems.{name}.producer.bootstrap.servers", cluster.BootstrapServers);
            if (cluster.ZookeeperConnect.Length > 0)
            {
                Set($"systems.{name}.consumer.zookeeper.connect", cluster.ZookeeperConnect);
            }
        }
        properties.AddRange(streamLines);
        properties.AddRange(storeLines);
        Unsupported(spec, notes);
        RuntimeOverrides.ApplyTo(properties, overrides);

        problems.ThrowIfAny($"job {spec.Namespace}/{spec.Name} for samza on fabric {fabric.Name}");
        return new SamzaJobConfig(properties, notes);
    }

    private static void Entry(JobSpec spec, Action<string, string> set, Problems problems)
    {
        switch (spec.Artifact?.KindCase)
        {
            case Artifact.KindOneofCase.Jar:
                var jar = spec.Artifact.Jar;
                if (string.IsNullOrEmpty(jar.EntryClass))
                {
                    problems.Add("artifact.jar.entryClass", "is required on Samza (the application or task class)");
                }
                else
                {
                    set(jar.EntryKind == EntryKind.Task ? "task.class" : "app.class", jar.EntryClass);
                }
                if (jar.Args.Count > 0)
                {
                    problems.Add("artifact.jar.args", "Samza jobs take no arguments; pass settings as `samza.` overrides");
                }
                break;
            case Artifact.KindOneofCase.Sql:
                problems.Add("artifact.sql", spec.Artifact.Sql.Dialect == SqlDialect.FlinkSql
                    ? "Samza cannot run Flink SQL; run this job on Flink"
                    : "the Samza compiler runs jar artifacts only; Beam SQL on Samza needs the Samza Beam runner, which Sluice does not provide");
                break;
            default:
                problems.Add("artifact", "names neither a jar nor a SQL script");
                break;
        }
    }

    private static KafkaCluster? SystemCluster(SamzaFabric? samza, IReadOnlyList<KafkaDataset> kafka, PlatformConfig platform, Fabric fabric, Problems problems)
    {
        if (samza is { SystemKafkaCluster.Length: > 0 })
        {
            var configured = platform.KafkaClusters.FirstOrDefault(cluster => cluster.Name == samza.SystemKafkaCluster);
            if (configured is null)
            {
                problems.Add($"fabric {fabric.Name}: samza.systemKafkaCluster", $"Kafka cluster '{samza.SystemKafkaCluster}' is not in the platform config");
            }
            return configured;
        }
        var firstSource = kafka.FirstOrDefault(dataset => dataset.Path.StartsWith("sources", StringComparison.Ordinal));
        if (firstSource is null && samza is not null)
        {
            problems.Add("sources", $"a Samza job needs a Kafka cluster for its coordinator stream and checkpoints: give it a Kafka source, or set samza.systemKafkaCluster on fabric {fabric.Name}");
        }
        return firstSource?.Cluster;
    }

    private static string PackagePath(JobSpec spec, SamzaFabric samza, Fabric fabric, Problems problems)
    {
        var uri = spec.Artifact?.Jar?.Uri ?? "";
        if (uri.EndsWith(".tar.gz", StringComparison.Ordinal) || uri.EndsWith(".tgz", StringComparison.Ordinal))
        {
            return uri;
        }
        if (samza.PackageBase.Length == 0)
        {
            problems.Add($"fabric {fabric.Name}: samza.packageBase", "is required unless artifact.jar.uri names a .tar.gz job package");
            return "";
        }
        return $"{samza.PackageBase.TrimEnd('/')}/{spec.Name}.tar.gz";
    }

    private static void Resources(JobSpec spec, EffectiveResources resources, Action<string, string> set, List<string> notes)
    {
        set("job.container.count", Integer(resources.Parallelism));
        set("cluster-manager.container.memory.mb", Integer(resources.Task.MemoryMebibytes));
        // YARN allocates whole vcores.
        set("cluster-manager.container.cpu.cores", Integer((long)Math.Max(1, Math.Ceiling(resources.Task.Cpu))));
        set("yarn.am.container.memory.mb", Integer(resources.Coordinator.MemoryMebibytes));
        if (resources.MaxParallelism is not null)
        {
            notes.Add("resources.maxParallelism: Samza's parallelism is bounded by input partitions; no Samza key carries it");
        }
        if (spec.Resources?.Coordinator?.Cpu > 0)
        {
            notes.Add("resources.coordinator.cpu: Samza has no key for the application master's CPU");
        }
    }

    private static void Checkpointing(JobSpec spec, KafkaCluster? system, Action<string, string> set, Problems problems, List<string> notes)
    {
        if (system is not null)
        {
            set("task.checkpoint.factory", KafkaCheckpointManagerFactory);
            set("task.checkpoint.system", system.Name);
        }
        var checkpointing = spec.State?.Checkpointing;
        if (checkpointing is null)
        {
            return;
        }
        if (Durations.IsSet(checkpointing.Interval))
        {
            set("task.commit.ms", Integer(Durations.ToMilliseconds(checkpointing.Interval)));
        }
        if (checkpointing.Mode == CheckpointMode.ExactlyOnce)
        {
            problems.Add("state.checkpointing.mode", "Samza processes at-least-once only; set mode: at-least-once to run on Samza");
        }
        if (checkpointing.Retained > 0)
        {
            notes.Add("state.checkpointing.retained: Samza keeps only the latest checkpoint; no Samza key carries it");
        }
        if (Durations.IsSet(checkpointing.Timeout))
        {
            notes.Add("state.checkpointing.timeout: Samza commits have no timeout key");
        }
        if (checkpointing.Incremental)
        {
            notes.Add("state.checkpointing.incremental: Samza stores are restored from their changelogs; no Samza key carries it");
        }
    }

    private static List<KeyValuePair<string, string>> Streams(IReadOnlyList<KafkaDataset> kafka, SortedDictionary<string, string> serdes,
        Problems problems, List<string> notes, out List<string> inputs)
    {
        var lines = new List<KeyValuePair<string, string>>();
        var streams = new Dictionary<string, (string System, string Topic, string Path)>(StringComparer.Ordinal);
        inputs = [];
        foreach (var entry in kafka)
        {
            var dataset = entry.Dataset;
            var system = SystemName(entry.Cluster.Name, $"Kafka cluster '{entry.Cluster.Name}'", problems);
            if (entry.Path.StartsWith("sources", StringComparison.Ordinal))
            {
                inputs.Add($"{system}.{dataset.Name}");
            }
            var streamId = StreamId(dataset);
            if (streams.TryGetValue(streamId, out var seen))
            {
                if (seen.System != system || seen.Topic != dataset.Name)
                {
                    problems.Add($"{entry.Path}.alias", $"stream id '{streamId}' is also used by {seen.Path} for a different topic; give one of them another alias");
                }
                continue;
            }
            streams[streamId] = (system, dataset.Name, entry.Path);
            lines.Add(new($"streams.{streamId}.samza.system", system));
            lines.Add(new($"streams.{streamId}.samza.physical.name", dataset.Name));
            var serde = Serde(dataset.Format, $"{entry.Path}.format", serdes, notes);
            if (serde is not null)
            {
                lines.Add(new($"streams.{streamId}.samza.msg.serde", serde));
            }
        }
        return lines;
    }

    private static List<KeyValuePair<string, string>> Stores(JobSpec spec, KafkaCluster? system, SortedDictionary<string, string> serdes,
        Problems problems, List<string> notes)
    {
        var lines = new List<KeyValuePair<string, string>>();
        var stores = spec.State?.Stores ?? [];
        for (var index = 0; index < stores.Count; index++)
        {
            var store = stores[index];
            var path = $"state.stores[{index}]";
            if (!DotFreeName().IsMatch(store.Name))
            {
                problems.Add($"{path}.name", $"'{store.Name}' cannot name a Samza store (letters, digits, '-' and '_' only)");
                continue;
            }
            var prefix = $"stores.{store.Name}";
            lines.Add(new($"{prefix}.factory", store.Kind == StoreKind.InMemory ? InMemoryStoreFactory : RocksDbStoreFactory));
            if (Serde(store.KeyFormat, $"{path}.keyFormat", serdes, notes) is { } keySerde)
            {
                lines.Add(new($"{prefix}.key.serde", keySerde));
            }
            if (Serde(store.ValueFormat, $"{path}.valueFormat", serdes, notes) is { } valueSerde)
            {
                lines.Add(new($"{prefix}.msg.serde", valueSerde));
            }
            if (store.Changelog)
            {
                if (system is null)
                {
                    problems.Add($"{path}.changelog", "needs a Kafka cluster for the changelog topic");
                }
                else
                {
                    lines.Add(new($"{prefix}.changelog", $"{system.Name}.{spec.Name}-{store.Name}-changelog"));
                }
            }
            if (Durations.IsSet(store.Ttl))
            {
                if (store.Kind == StoreKind.InMemory)
                {
                    problems.Add($"{path}.ttl", "Samza's in-memory store has no TTL; use kind: rocksdb");
                }
                else
                {
                    lines.Add(new($"{prefix}.rocksdb.ttl.ms", Integer(Durations.ToMilliseconds(store.Ttl))));
                }
            }
        }
        return lines;
    }

    private static string? Serde(string format, string path, SortedDictionary<string, string> serdes, List<string> notes)
    {
        if (format.Length == 0)
        {
            return null;
        }
        if (!BuiltInSerdes.TryGetValue(format, out var serde))
        {
            notes.Add($"{path}: Samza ships no serde for '{format}'; the application declares one in its descriptors");
            return null;
        }
        serdes[serde.Serde] = serde.Factory;
        return serde.Serde;
    }

    private static void Unsupported(JobSpec spec, List<string> notes)
    {
        if (spec.Autoscaling is { Enabled: true })
        {
            notes.Add("autoscaling: Samza on YARN has no built-in autoscaler; Sluice scales it through new revisions (job.container.count)");
        }
        if (spec.Upgrade?.Mode == UpgradeMode.Savepoint)
        {
            notes.Add("upgrade.mode: Samza has no savepoints; state is restored from changelogs and checkpoints (as last-state)");
        }
        if (spec.Upgrade?.AllowNonRestoredState == true)
        {
            notes.Add("upgrade.allowNonRestoredState: Samza has no savepoint restore to relax");
        }
    }

    private static string StreamId(Dataset dataset) =>
        dataset.Alias.Length > 0 ? InvalidStreamIdCharacters().Replace(dataset.Alias, "-") : InvalidStreamIdCharacters().Replace(dataset.Name, "-");

    private static string SystemName(string cluster, string what, Problems problems)
    {
        if (!DotFreeName().IsMatch(cluster))
        {
            problems.Add("kafkaClusters", $"{what}: '{cluster}' cannot name a Samza system (letters, digits, '-' and '_' only)");
        }
        return cluster;
    }

    private static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex DotFreeName();

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex InvalidStreamIdCharacters();
}
