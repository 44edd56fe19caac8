using System.Globalization;
using System.Text.RegularExpressions;
using Sluice.Spec.V1;
using Sluice.Store.Deployments;

namespace Sluice.Deployment.Providers.Local;

/// <summary>
/// Kafka topics a job needs created: the topics its Kafka sinks write, and a compacted changelog topic per state
/// store with <c>changelog: true</c> (<c>&lt;namespace&gt;-&lt;job&gt;-&lt;store&gt;-changelog</c>, on the cluster of the job's
/// first Kafka dataset). Recorded, not created on a broker: there is no Kafka here.
/// </summary>
public sealed partial class LocalKafkaTopicProvider(LocalProviderOptions options) : LocalResourceProvider(options)
{
    public override ResourceKind Kind => ResourceKind.Topic;

    public override IReadOnlyList<ResourceRequest> Plan(JobSpec spec, ResourceOwner owner) =>
        Topics(spec, owner).Select(t => new ResourceRequest(Kind, t.ResourceName, owner, spec)).ToList();

    protected override LocalRendering Render(ResourceRequest request)
    {
        var topic = Topics(request.Spec, request.Owner).FirstOrDefault(t => t.ResourceName == request.Name)
            ?? throw new ArgumentException($"request.name: the job does not need topic '{request.Name}'");
        var attributes = new Dictionary<string, string>
        {
            ["cluster"] = topic.Cluster,
            ["topic"] = topic.Topic,
            ["partitions"] = topic.Partitions.ToString(CultureInfo.InvariantCulture),
            ["replication.factor"] = Options.DefaultReplicationFactor.ToString(CultureInfo.InvariantCulture),
            ["cleanup.policy"] = topic.CleanupPolicy,
        };
        if (topic.RetentionMs is { } retention)
        {
            attributes["retention.ms"] = retention.ToString(CultureInfo.InvariantCulture);
        }
        return new LocalRendering(attributes, VirtualLocation: $"kafka://{topic.Cluster}/{topic.Topic}");
    }

    private static List<TopicSpec> Topics(JobSpec spec, ResourceOwner owner)
    {
        var defaultPartitions = Math.Max(1, Math.Max(spec.Resources?.Parallelism ?? 0, spec.Resources?.MaxParallelism ?? 0));
        var topics = new List<TopicSpec>();
        for (var i = 0; i < spec.Sinks.Count; i++)
        {
            var sink = spec.Sinks[i];
            if (!string.Equals(sink.System, "kafka", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var cluster = ClusterName(sink.Cluster, $"sinks[{i}].cluster");
            var name = TopicName(sink.Name, $"sinks[{i}].name");
            topics.Add(new TopicSpec(cluster, name, sink.Partitions > 0 ? sink.Partitions : defaultPartitions, "delete", null));
        }
        var stores = spec.State?.Stores ?? [];
        for (var i = 0; i < stores.Count; i++)
        {
            if (!stores[i].Changelog)
            {
                continue;
            }
            var cluster = spec.Sources.Concat(spec.Sinks).FirstOrDefault(d => string.Equals(d.System, "kafka", StringComparison.OrdinalIgnoreCase))?.Cluster;
            if (string.IsNullOrEmpty(cluster))
            {
                throw new ArgumentException($"state.stores[{i}].changelog: a changelog topic needs a Kafka cluster, and the job reads or writes no Kafka dataset");
            }
            cluster = ClusterName(cluster, "sources[].cluster");
            var name = TopicName($"{owner.Job.Namespace}-{owner.Job.Name}-{stores[i].Name}-changelog", $"state.stores[{i}].name");
            long? retention = stores[i].Ttl is { } ttl ? (long)ttl.ToTimeSpan().TotalMilliseconds : null;
            topics.Add(new TopicSpec(cluster, name, defaultPartitions, retention is null ? "compact" : "compact,delete", retention));
        }
        var duplicate = topics.GroupBy(t => t.ResourceName).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? topics : throw new ArgumentException($"sinks: topic {duplicate.Key} is listed more than once");
    }

    private static string ClusterName(string value, string field) =>
        string.IsNullOrEmpty(value) ? throw new ArgumentException($"{field}: required for a Kafka topic")
        : KafkaTopicName().IsMatch(value) && value is not ("." or "..") ? value
        : throw new ArgumentException($"{field}: '{value}' is not a platform Kafka cluster name (letters, digits, '.', '_', '-')");

    private static string TopicName(string value, string field) =>
        KafkaTopicName().IsMatch(value ?? "") && value is not ("." or "..")
            ? value!
            : throw new ArgumentException($"{field}: '{value}' is not a legal Kafka topic name (letters, digits, '.', '_', '-'; at most 249)");

    [GeneratedRegex("^[A-Za-z0-9._-]{1,249}$")]
    private static partial Regex KafkaTopicName();

    private sealed record TopicSpec(string Cluster, string Topic, int Partitions, string CleanupPolicy, long? RetentionMs)
    {
        public string ResourceName => $"{Cluster}.{Topic}";
    }
}
