using Google.Protobuf.WellKnownTypes;
using Sluice.Spec.V1;

namespace Sluice.Runtimes.Tests.Compilers;

/// <summary>JobSpecs and platform configs built in code, so each test states exactly what it depends on.</summary>
internal static class TestSpecs
{
    public static PlatformConfig Platform(string flinkVersion = "v2_1") => new()
    {
        DefaultRuntime = Runtime.Flink,
        DefaultResources = new Resources
        {
            Parallelism = 2,
            Task = new ComputeSize { Cpu = 1, Memory = "2Gi" },
            Coordinator = new ComputeSize { Cpu = 0.5, Memory = "1Gi" },
        },
        KafkaClusters =
        {
            new KafkaCluster { Name = "tracking", BootstrapServers = "tracking-0:9092,tracking-1:9092", ZookeeperConnect = "zk:2181/kafka" },
            new KafkaCluster { Name = "commerce", BootstrapServers = "commerce-0:9092" },
        },
        Fabrics =
        {
            new Fabric
            {
                Name = "east",
                Flink = new FlinkFabric
                {
                    Namespace = "flink-jobs",
                    Image = "flink:2.1",
                    FlinkVersion = flinkVersion,
                    ServiceAccount = "flink",
                    SqlRunnerJar = "local:///opt/flink/usrlib/sql-runner.jar",
                    SqlRunnerClass = "io.sluice.SqlRunner",
                    CheckpointBaseDir = "s3://state/checkpoints/",
                    SavepointBaseDir = "s3://state/savepoints",
                    HighAvailabilityDir = "s3://state/ha",
                },
                Samza = new SamzaFabric
                {
                    ResourceManagerUrl = "http://rm:8088",
                    PackageBase = "hdfs://nn:8020/packages/",
                    YarnQueue = "streaming",
                },
            },
        },
    };

    public static Fabric East(PlatformConfig platform) => platform.Fabrics.Single(fabric => fabric.Name == "east");

    public static JobSpec StatelessFilter() => new()
    {
        Name = "page-view-filter",
        Namespace = "growth",
        Runtime = Runtime.Any,
        Labels = { ["team"] = "growth" },
        Artifact = new Artifact { Jar = new JarArtifact { Uri = "s3://artifacts/filter.jar", EntryClass = "com.example.Filter" } },
        Sources = { Kafka("page-views-raw", "tracking", "json") },
        Sinks = { Kafka("page-views", "tracking", "json") },
        Resources = new Resources { Parallelism = 4, Task = new ComputeSize { Cpu = 1, Memory = "1536Mi" } },
        Upgrade = new UpgradePolicy { Mode = UpgradeMode.Stateless },
        Placement = new Placement { Fabrics = { "east" } },
    };

    public static JobSpec WindowedAggregation()
    {
        var spec = StatelessFilter();
        spec.Name = "revenue-per-minute";
        spec.Sources.Clear();
        spec.Sources.Add(Kafka("checkout-completed", "commerce", "json"));
        spec.Sinks.Clear();
        spec.Sinks.Add(Kafka("merchant-revenue-1m", "commerce", "json"));
        spec.State = new State
        {
            Stateful = true,
            Stores =
            {
                new StateStore
                {
                    Name = "revenue-windows", Kind = StoreKind.Rocksdb, Ttl = Duration.FromTimeSpan(TimeSpan.FromHours(2)),
                    Changelog = true, KeyFormat = "string", ValueFormat = "json",
                },
            },
            Checkpointing = new Checkpointing
            {
                Interval = Duration.FromTimeSpan(TimeSpan.FromSeconds(30)),
                Mode = CheckpointMode.AtLeastOnce,
                Retained = 3,
                Timeout = Duration.FromTimeSpan(TimeSpan.FromMinutes(5)),
                Incremental = true,
            },
        };
        spec.Upgrade = new UpgradePolicy { Mode = UpgradeMode.Savepoint };
        return spec;
    }

    public static Dataset Kafka(string topic, string cluster, string format) =>
        new() { System = "kafka", Cluster = cluster, Name = topic, Format = format, Partitions = 12 };
}
