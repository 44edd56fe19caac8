using Sluice.Spec.V1;

namespace Sluice.Runtimes.Compilation;

/// <summary>A Kafka source or sink with the platform cluster it lives on.</summary>
public sealed record KafkaDataset(string Path, Dataset Dataset, KafkaCluster Cluster);

/// <summary>Resolves the Kafka clusters a job's datasets name through the platform's kafka_clusters.</summary>
public static class KafkaDatasets
{
    public const string System = "kafka";

    /// <summary>Every Kafka source, then every sink, in spec order; unknown clusters become problems.</summary>
    public static IReadOnlyList<KafkaDataset> Resolve(JobSpec spec, PlatformConfig platform, Problems problems)
    {
        var resolved = new List<KafkaDataset>();
        foreach (var (path, dataset) in Datasets(spec).Where(entry => entry.Dataset.System == System))
        {
            if (string.IsNullOrEmpty(dataset.Cluster))
            {
                problems.Add($"{path}.cluster", "a Kafka dataset must name its cluster");
                continue;
            }
            var cluster = platform.KafkaClusters.FirstOrDefault(candidate => candidate.Name == dataset.Cluster);
            if (cluster is null)
            {
                problems.Add($"{path}.cluster", $"Kafka cluster '{dataset.Cluster}' is not in the platform config (known: {FabricSelector.Known(platform.KafkaClusters.Select(c => c.Name))})");
                continue;
            }
            if (string.IsNullOrEmpty(cluster.BootstrapServers))
            {
                problems.Add($"{path}.cluster", $"platform Kafka cluster '{cluster.Name}' has no bootstrapServers");
                continue;
            }
            resolved.Add(new KafkaDataset(path, dataset, cluster));
        }
        return resolved;
    }

    public static IEnumerable<(string Path, Dataset Dataset)> Datasets(JobSpec spec) =>
        spec.Sources.Select((dataset, index) => ($"sources[{index}]", dataset))
            .Concat(spec.Sinks.Select((dataset, index) => ($"sinks[{index}]", dataset)));
}
