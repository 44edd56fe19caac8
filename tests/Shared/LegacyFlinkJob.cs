using Sluice.Runtimes.Flink;
using Sluice.Spec.V1;

namespace Sluice.Tests.Shared;

/// <summary>
/// A legacy FlinkDeployment (a stateful Kafka job, savepoint upgrades) and the owner's annotations that make its import
/// proven: the cut-over tests' legacy job. Compiled into each test project that needs it (linked source).
/// </summary>
internal static class LegacyFlinkJob
{
    public const string Name = "orders-enricher";

    /// <summary>Writes <c>orders-enricher.yaml</c> and <c>annotations/orders-enricher.yaml</c> into <paramref name="folder"/>.</summary>
    public static void Write(string folder)
    {
        var spec = new JobSpec
        {
            Name = Name, Namespace = "shop", Runtime = Runtime.Flink,
            Artifact = new Artifact { Jar = new JarArtifact { Uri = "local:///opt/flink/usrlib/enricher.jar", EntryClass = "com.shop.Enricher" } },
            Sources = { new Dataset { System = "kafka", Cluster = "orders", Name = "orders" } },
            Sinks = { new Dataset { System = "kafka", Cluster = "orders", Name = "orders-enriched" } },
            State = new State { Stateful = true, Checkpointing = new Checkpointing { Interval = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(30)) } },
            Upgrade = new UpgradePolicy { Mode = UpgradeMode.Savepoint },
            Resources = new Resources { Parallelism = 2, Task = new ComputeSize { Cpu = 1, Memory = "2Gi" }, Coordinator = new ComputeSize { Cpu = 1, Memory = "1Gi" } },
        };
        var fabric = new Fabric
        {
            Name = "k8s",
            Flink = new FlinkFabric { Namespace = "shop", Image = "flink:2.1", FlinkVersion = "v2_1", ServiceAccount = "flink", CheckpointBaseDir = "s3://state/checkpoints", SavepointBaseDir = "s3://state/savepoints" },
        };
        var platform = new PlatformConfig { KafkaClusters = { new KafkaCluster { Name = "orders", BootstrapServers = "k1:9092" } }, Fabrics = { fabric } };
        File.WriteAllText(Path.Combine(folder, $"{Name}.yaml"), FlinkManifestWriter.ToYaml(FlinkDeploymentCompiler.Compile(spec, platform, fabric).Manifest));
        Directory.CreateDirectory(Path.Combine(folder, "annotations"));
        File.WriteAllText(Path.Combine(folder, "annotations", $"{Name}.yaml"), """
            namespace: shop
            systems: {orders: {bootstrapServers: "k1:9092"}}
            sources: [{cluster: orders, name: orders}]
            sinks: [{cluster: orders, name: orders-enriched}]
            """);
    }
}
