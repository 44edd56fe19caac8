using Google.Protobuf.WellKnownTypes;
using Sluice.Migration.Annotations;
using Sluice.Migration.Report;
using Sluice.Runtimes.Flink;
using Sluice.Runtimes.Samza;
using Sluice.Spec.V1;

namespace Sluice.Migration.Tests;

/// <summary>
/// The round-trip property: for generated JobSpecs, render → import → render gives the same framework config, and
/// the import of a Sluice-rendered config is proven. Sinks are not in any config, so the annotations supply them.
/// </summary>
public sealed class RoundTripTests
{
    private const int Cases = 150;

    public static IEnumerable<object[]> Seeds() => Enumerable.Range(0, Cases).Select(seed => new object[] { seed });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Samza_render_import_render_is_stable(int seed)
    {
        var random = new Random(seed);
        var (spec, platform, fabric) = SpecGenerator.Samza(random, seed);
        var first = SamzaJobCompiler.Compile(spec, platform, fabric);
        var text = SamzaPropertiesWriter.Write(first, "generated");

        var result = Migrator.ImportText(text, $"job-{seed}.properties", Annotate(spec, platform), Shared.Reference);
        var second = SamzaJobCompiler.Compile(result.Import.Spec, result.Import.Platform, result.Import.Fabric);

        Assert.Empty(Proof.EquivalenceProof.Compare(Sorted(first.Properties), Sorted(second.Properties)));
        Assert.True(result.Report.Status == MigrationStatus.Proven, ReportWriter.ToYaml(result.Report));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Flink_render_import_render_is_stable(int seed)
    {
        var random = new Random(seed);
        var (spec, platform, fabric) = SpecGenerator.Flink(random, seed);
        var first = FlinkDeploymentCompiler.Compile(spec, platform, fabric).Manifest;
        var text = FlinkManifestWriter.ToYaml(first);

        var result = Migrator.ImportText(text, $"job-{seed}.yaml", Annotate(spec, platform), Shared.Reference);
        var second = FlinkDeploymentCompiler.Compile(result.Import.Spec, result.Import.Platform, result.Import.Fabric).Manifest;

        Assert.Equal(FlinkManifestWriter.ToYaml(first), FlinkManifestWriter.ToYaml(second));
        Assert.True(result.Report.Status == MigrationStatus.Proven, ReportWriter.ToYaml(result.Report));
    }

    private static MigrationAnnotations Annotate(JobSpec spec, PlatformConfig platform) => new()
    {
        Namespace = spec.Namespace,
        Sinks = spec.Sinks.Select(sink => new DatasetAnnotation(sink.System, sink.Cluster, sink.Name, sink.Format)).ToArray(),
        Sources = spec.Runtime == Runtime.Flink ? spec.Sources.Select(source => new DatasetAnnotation(source.System, source.Cluster, source.Name, source.Format)).ToArray() : null,
        Systems = platform.KafkaClusters.ToDictionary(cluster => cluster.Name, cluster => new SystemAnnotation(null, cluster.BootstrapServers, null)),
    };

    private static SortedDictionary<string, string> Sorted(IEnumerable<KeyValuePair<string, string>> properties) =>
        new(properties.ToDictionary(), StringComparer.Ordinal);
}

/// <summary>Random but valid JobSpecs with the platform they render on.</summary>
internal static class SpecGenerator
{
    private static readonly string[] Clusters = ["alpha", "beta"];
    private static readonly string[] Formats = ["", "json", "string", "raw", "long", "integer", "avro"];

    public static (JobSpec, PlatformConfig, Fabric) Samza(Random random, int seed)
    {
        var spec = Common(random, seed, Runtime.Samza);
        spec.Artifact = new Artifact
        {
            Jar = new JarArtifact
            {
                Uri = $"hdfs://packages/job-{seed}-dist.tar.gz",
                EntryClass = $"com.example.Job{seed}",
                EntryKind = random.Next(2) == 0 ? EntryKind.Task : EntryKind.Application,
            },
        };
        if (spec.State.Checkpointing is { } checkpointing)
        {
            checkpointing.Mode = CheckpointMode.AtLeastOnce;
        }
        var platform = Platform();
        var fabric = new Fabric
        {
            Name = "yarn-1",
            Samza = new SamzaFabric { SystemKafkaCluster = random.Next(2) == 0 ? "" : Clusters[random.Next(2)], YarnQueue = random.Next(2) == 0 ? "" : "streaming" },
            DefaultResources = new Resources { Coordinator = new ComputeSize { Cpu = 1 } },
        };
        var firstCluster = spec.Sources[0].Cluster;
        foreach (var key in Pick(random, ["task.window.ms", "task.max.concurrency", $"systems.{firstCluster}.consumer.auto.offset.reset", "metrics.reporters", "my.app.setting"]))
        {
            spec.Overrides[$"samza.{key}"] = key switch
            {
                "task.window.ms" => random.Next(1000, 60000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ when key.EndsWith("auto.offset.reset", StringComparison.Ordinal) => "smallest",
                "metrics.reporters" => "jmx",
                _ => "2",
            };
        }
        platform.Fabrics.Add(fabric);
        return (spec, platform, fabric);
    }

    public static (JobSpec, PlatformConfig, Fabric) Flink(Random random, int seed)
    {
        var spec = Common(random, seed, Runtime.Flink);
        spec.Artifact = new Artifact
        {
            Jar = new JarArtifact
            {
                Uri = $"local:///opt/flink/usrlib/job-{seed}.jar",
                EntryClass = $"com.example.Job{seed}",
                Args = { Enumerable.Range(0, random.Next(3)).Select(index => $"--arg{index}=value {index}") },
            },
        };
        spec.Resources.Coordinator.Cpu = 0.5 * random.Next(1, 5);
        if (random.Next(2) == 0)
        {
            spec.Resources.MaxParallelism = 128;
        }
        var stateful = spec.State.Stateful;
        spec.Upgrade = new UpgradePolicy
        {
            Mode = stateful ? (random.Next(2) == 0 ? UpgradeMode.Savepoint : UpgradeMode.LastState) : UpgradeMode.Stateless,
            AllowNonRestoredState = stateful && random.Next(2) == 0,
        };
        if (spec.State.Checkpointing is { } checkpointing)
        {
            checkpointing.Mode = random.Next(2) == 0 ? CheckpointMode.ExactlyOnce : CheckpointMode.AtLeastOnce;
            checkpointing.Retained = random.Next(0, 4);
            checkpointing.Incremental = random.Next(2) == 0;
            if (random.Next(2) == 0)
            {
                checkpointing.Timeout = Duration.FromTimeSpan(TimeSpan.FromMinutes(random.Next(1, 20)));
            }
        }
        if (random.Next(3) == 0)
        {
            spec.Autoscaling = new Autoscaling { Enabled = true, MinParallelism = 1, MaxParallelism = 64, TargetUtilization = 0.7 };
        }
        foreach (var key in Pick(random, ["pipeline.object-reuse", "taskmanager.numberOfTaskSlots", "table.exec.state.ttl", "my.plugin.setting"]))
        {
            spec.Overrides[$"flink.{key}"] = key switch
            {
                "pipeline.object-reuse" => "true",
                "taskmanager.numberOfTaskSlots" => "4",
                "table.exec.state.ttl" => "1 h",
                _ => "on",
            };
        }
        var version = random.Next(2) == 0 ? "v1_20" : "v2_1";
        var fabric = new Fabric
        {
            Name = "k8s-1",
            Flink = new FlinkFabric
            {
                Namespace = random.Next(2) == 0 ? "default" : "streaming",
                Image = "flink:2.1",
                FlinkVersion = version,
                ServiceAccount = "flink",
                CheckpointBaseDir = "s3://state/checkpoints",
                SavepointBaseDir = "s3://state/savepoints",
                HighAvailabilityDir = random.Next(2) == 0 || spec.Upgrade.Mode == UpgradeMode.LastState ? "s3://state/ha" : "",
            },
        };
        var platform = Platform();
        platform.Fabrics.Add(fabric);
        return (spec, platform, fabric);
    }

    private static JobSpec Common(Random random, int seed, Runtime runtime)
    {
        var spec = new JobSpec { Name = $"job-{seed}", Namespace = "team-a", Runtime = runtime, State = new State() };
        var topics = new HashSet<string>();
        for (var index = random.Next(1, 4); index > 0; index--)
        {
            spec.Sources.Add(Dataset(random, topics, "in"));
        }
        for (var index = random.Next(0, 3); index > 0; index--)
        {
            spec.Sinks.Add(Dataset(random, topics, "out"));
        }
        if (random.Next(2) == 0)
        {
            spec.State.Stateful = true;
            for (var index = random.Next(0, 3); index > 0; index--)
            {
                spec.State.Stores.Add(new StateStore
                {
                    Name = $"store-{index}",
                    Kind = random.Next(2) == 0 ? StoreKind.Rocksdb : StoreKind.InMemory,
                    Changelog = random.Next(2) == 0,
                    KeyFormat = Formats[random.Next(Formats.Length)],
                    ValueFormat = Formats[random.Next(Formats.Length)],
                });
            }
            if (runtime == Runtime.Samza)
            {
                foreach (var store in spec.State.Stores.Where(store => store.Kind == StoreKind.Rocksdb && random.Next(2) == 0))
                {
                    store.Ttl = Duration.FromTimeSpan(TimeSpan.FromHours(random.Next(1, 48)));
                }
            }
            spec.State.Checkpointing = new Checkpointing();
            if (random.Next(3) > 0)
            {
                spec.State.Checkpointing.Interval = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(random.Next(1, 600) * 1000 + (random.Next(2) == 0 ? 500 : 0)));
            }
        }
        spec.Resources = new Resources
        {
            Parallelism = random.Next(1, 9),
            Task = new ComputeSize { Cpu = random.Next(1, 5), Memory = $"{256 * random.Next(2, 17)}Mi" },
            Coordinator = new ComputeSize { Memory = $"{256 * random.Next(2, 9)}Mi" },
        };
        return spec;
    }

    private static Dataset Dataset(Random random, HashSet<string> topics, string prefix)
    {
        string name;
        do
        {
            name = $"{prefix}-{random.Next(100)}{(random.Next(4) == 0 ? ".v2" : "")}";
        }
        while (!topics.Add(name));
        return new Dataset { System = "kafka", Cluster = Clusters[random.Next(2)], Name = name, Format = Formats[random.Next(Formats.Length)] };
    }

    private static PlatformConfig Platform() => new()
    {
        KafkaClusters =
        {
            new KafkaCluster { Name = "alpha", BootstrapServers = "alpha-1:9092,alpha-2:9092", ZookeeperConnect = "zk-alpha:2181" },
            new KafkaCluster { Name = "beta", BootstrapServers = "beta-1:9092" },
        },
    };

    private static IEnumerable<string> Pick(Random random, string[] keys) => keys.Where(_ => random.Next(3) == 0).ToArray();
}
