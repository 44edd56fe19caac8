namespace Sluice.Migration.Samza;

/// <summary>Samza key names and classes the importer and normalizer both need.</summary>
public static class SamzaKeys
{
    public const string RemoteApplicationRunner = "org.apache.samza.runtime.RemoteApplicationRunner";

    /// <summary>Deprecated name → current name (Samza's own docs; the older table lists the yarn.* names).</summary>
    public static readonly IReadOnlyDictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["app.name"] = "job.name",
        ["app.id"] = "job.id",
        ["yarn.container.count"] = "job.container.count",
        ["yarn.container.memory.mb"] = "cluster-manager.container.memory.mb",
        ["yarn.container.cpu.cores"] = "cluster-manager.container.cpu.cores",
        ["yarn.container.retry.count"] = "cluster-manager.container.retry.count",
        ["yarn.container.retry.window.ms"] = "cluster-manager.container.retry.window.ms",
        ["yarn.container.request.timeout.ms"] = "cluster-manager.container.request.timeout.ms",
        ["yarn.samza.host-affinity.enabled"] = "job.host-affinity.enabled",
        ["yarn.allocator.sleep.ms"] = "cluster-manager.allocator.sleep.ms",
        ["yarn.am.jmx.enabled"] = "cluster-manager.jobcoordinator.jmx.enabled",
    };

    /// <summary>The current name of a key (aliases resolved, and Kafka 0.8's broker list as bootstrap servers).</summary>
    public static string Canonical(string key)
    {
        if (Aliases.TryGetValue(key, out var current))
        {
            return current;
        }
        var system = SystemOf(key);
        if (system is not null && key == $"systems.{system}.producer.metadata.broker.list")
        {
            return $"systems.{system}.producer.bootstrap.servers";
        }
        if (system is not null && key == $"systems.{system}.samza.msg.serde")
        {
            return $"systems.{system}.default.stream.samza.msg.serde";
        }
        if (system is not null && key == $"systems.{system}.samza.key.serde")
        {
            return $"systems.{system}.default.stream.samza.key.serde";
        }
        return key;
    }

    /// <summary>The system a `systems.&lt;name&gt;.…` key configures.</summary>
    public static string? SystemOf(string key)
    {
        if (!key.StartsWith("systems.", StringComparison.Ordinal))
        {
            return null;
        }
        var end = key.IndexOf('.', "systems.".Length);
        return end < 0 ? null : key["systems.".Length..end];
    }

    /// <summary>The store a `stores.&lt;name&gt;.…` key configures.</summary>
    public static string? StoreOf(string key)
    {
        if (!key.StartsWith("stores.", StringComparison.Ordinal))
        {
            return null;
        }
        var end = key.IndexOf('.', "stores.".Length);
        return end < 0 ? null : key["stores.".Length..end];
    }

    /// <summary>"system.stream" → (system, stream); the stream may itself contain dots.</summary>
    public static (string System, string Stream)? SplitSystemStream(string text)
    {
        var dot = text.IndexOf('.');
        return dot <= 0 || dot == text.Length - 1 ? null : (text[..dot], text[(dot + 1)..]);
    }

    public static IEnumerable<string> List(string value) =>
        value.Split(',').Select(item => item.Trim()).Where(item => item.Length > 0);
}
