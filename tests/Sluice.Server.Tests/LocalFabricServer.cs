using Sluice.Spec.V1;

namespace Sluice.Server.Tests;

/// <summary>A SQLite server whose platform has one local fabric, so deployments render and run on the Local driver.</summary>
internal static class LocalFabricServer
{
    public const string Fabric = "local";

    public static Task<RunningServer> StartAsync() => RunningServer.StartSqliteAsync(new PlatformConfig
    {
        Fabrics =
        {
            new Fabric
            {
                Name = Fabric, Local = true,
                Flink = new FlinkFabric
                {
                    Namespace = "sluice-local", Image = "flink:2.1", FlinkVersion = "v2_1", ServiceAccount = "flink",
                    CheckpointBaseDir = "file:///tmp/sluice/checkpoints", SavepointBaseDir = "file:///tmp/sluice/savepoints",
                    HighAvailabilityDir = "file:///tmp/sluice/ha",
                },
            },
        },
        KafkaClusters = { new KafkaCluster { Name = "tracking", BootstrapServers = "localhost:9092" } },
        DefaultResources = new Resources
        {
            Task = new ComputeSize { Cpu = 1, Memory = "2Gi" }, Coordinator = new ComputeSize { Cpu = 0.5, Memory = "1Gi" },
        },
    });
}
