using Sluice.Spec.V1;

namespace Sluice.Bench.Scenarios;

/// <summary>
/// The synthetic catalog: job i lives in one of 100 namespaces, carries a tier label, reads one of 1,000 shared
/// topics (so each topic has ~N/1,000 readers) and writes a topic of its own that job i+1 of the chain reads.
/// </summary>
public static class BenchSpecs
{
    public const int Namespaces = 100;
    public const int SharedTopics = 1000;
    public const string Cluster = "bench";

    public static string Namespace(long i) => $"team-{i % Namespaces:D2}";

    public static string Tier(long i) => (i % 3) switch { 0 => "gold", 1 => "silver", _ => "bronze" };

    public static string SharedTopic(long i) => $"events-{i % SharedTopics:D4}";

    public static JobSpec Job(string name, long i, int parallelism = 2) => new()
    {
        Name = name,
        Namespace = Namespace(i),
        Owner = "bench@example.com",
        Labels = { ["tier"] = Tier(i), ["app"] = $"app-{i % 500}" },
        Runtime = Runtime.Flink,
        Artifact = new Artifact { Jar = new JarArtifact { Uri = $"s3://artifacts/bench/{name}.jar", EntryClass = "com.example.bench.Main" } },
        Sources = { new Dataset { System = "kafka", Cluster = Cluster, Name = SharedTopic(i), Format = "avro", Partitions = 16 } },
        Sinks = { new Dataset { System = "kafka", Cluster = Cluster, Name = $"out-{name}", Format = "avro" } },
        Resources = new Resources { Parallelism = parallelism, Task = new ComputeSize { Cpu = 1, Memory = "2Gi" } },
    };
}
