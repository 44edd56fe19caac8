using System.Globalization;
using Sluice.Migration.Legacy;

namespace Sluice.Migration.Flink;

/// <summary>
/// Brings a flattened FlinkDeployment (or Flink configuration file) to the form two are compared in: 2.x key
/// names, the operator's folding of resource fields into Flink keys, documented defaults made explicit, and
/// durations, memory sizes, enums and booleans in one spelling. The rules are listed in docs/migration.md.
/// </summary>
public static class FlinkNormalizer
{
    private static readonly Dictionary<string, string> RestartStrategyNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["none"] = "disable", ["off"] = "disable", ["disable"] = "disable",
        ["fixeddelay"] = "fixed-delay", ["fixed-delay"] = "fixed-delay",
        ["failurerate"] = "failure-rate", ["failure-rate"] = "failure-rate",
        ["exponentialdelay"] = "exponential-delay", ["exponential-delay"] = "exponential-delay",
    };

    public static SortedDictionary<string, string> Normalize(IEnumerable<ConfigEntry> entries, ReferenceData reference)
    {
        var config = new Dictionary<string, string>(StringComparer.Ordinal);
        // 1.x names first so that a 2.x name set beside its 1.x name wins, as Flink reads it.
        foreach (var entry in entries.OrderBy(entry => reference.Flink1To2.ContainsKey(entry.Key) ? 0 : 1))
        {
            config[reference.Flink1To2.GetValueOrDefault(entry.Key, entry.Key)] = entry.Value;
        }
        foreach (var key in config.Keys.Where(key => FlinkClusterKeys.Addressing.Contains(key) || FlinkClusterKeys.Triggers.Contains(key)
                     || key.StartsWith("metadata.labels", StringComparison.Ordinal) || key.StartsWith("metadata.annotations", StringComparison.Ordinal)).ToList())
        {
            config.Remove(key);
        }
        FoldResources(config);
        Values(config, reference);
        Defaults(config, reference);
        return new SortedDictionary<string, string>(config, StringComparer.Ordinal);
    }

    /// <summary>The operator writes spec.job.parallelism and the pods' memory into the Flink configuration it submits.</summary>
    private static void FoldResources(Dictionary<string, string> config)
    {
        Move(config, "spec.job.parallelism", "parallelism.default");
        foreach (var (process, flinkKey) in new[] { ("jobManager", "jobmanager.memory.process.size"), ("taskManager", "taskmanager.memory.process.size") })
        {
            Move(config, $"spec.{process}.resources.requests.memory", flinkKey);
            Move(config, $"spec.{process}.resource.memory", flinkKey);
            Move(config, $"spec.{process}.resources.requests.cpu", $"spec.{process}.cpu");
            Move(config, $"spec.{process}.resource.cpu", $"spec.{process}.cpu");
        }
    }

    private static void Move(Dictionary<string, string> config, string from, string to)
    {
        if (config.Remove(from, out var value))
        {
            config[to] = value;
        }
    }

    private static void Values(Dictionary<string, string> config, ReferenceData reference)
    {
        foreach (var key in config.Keys.ToList())
        {
            var value = config[key].Trim();
            var type = reference.FlinkKeys.TryGetValue(key, out var info) ? info.Type : "";
            if (type == "Duration" && FlinkValues.DurationMillis(value) is { } millis)
            {
                value = $"{millis.ToString("0.######", CultureInfo.InvariantCulture)} ms";
            }
            else if (type == "MemorySize" && FlinkValues.MemoryBytes(value) is { } bytes)
            {
                value = $"{bytes.ToString(CultureInfo.InvariantCulture)} bytes";
            }
            else if (type == "Enum")
            {
                value = value.ToUpperInvariant();
            }
            else if (key.EndsWith(".cpu", StringComparison.Ordinal) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var cpu))
            {
                value = cpu.ToString("R", CultureInfo.InvariantCulture);
            }
            else if (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                value = value.ToLowerInvariant();
            }
            config[key] = key switch
            {
                "restart-strategy.type" => RestartStrategyNames.GetValueOrDefault(value, value),
                // 1.x's 'filesystem' and 'jobmanager' backends are the hashmap backend with another checkpoint storage.
                "state.backend.type" => value.ToLowerInvariant() is "filesystem" or "jobmanager" ? "hashmap" : value.ToLowerInvariant(),
                "high-availability.type" => value.ToLowerInvariant(),
                _ => value,
            };
        }
    }

    /// <summary>
    /// Documented literal defaults for keys left out; the restart strategy's default depends on checkpointing
    /// (exponential-delay with it, disable without), and resource fields take the operator's defaults.
    /// </summary>
    private static void Defaults(Dictionary<string, string> config, ReferenceData reference)
    {
        if (!config.ContainsKey("restart-strategy.type"))
        {
            var checkpointing = config.TryGetValue("execution.checkpointing.interval", out var interval) && FlinkValues.DurationMillis(interval.Replace(" ms", "", StringComparison.Ordinal)) > 0;
            config["restart-strategy.type"] = checkpointing ? "exponential-delay" : "disable";
        }
        var literal = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var info in reference.FlinkKeys.Values.Where(info => info.Default is not null && !config.ContainsKey(info.Key)))
        {
            literal[info.Key] = info.Default!;
        }
        Values(literal, reference);
        foreach (var (key, value) in literal)
        {
            config[key] = value;
        }
        var isResource = config.Keys.Any(key => key.StartsWith("spec.", StringComparison.Ordinal));
        if (isResource)
        {
            config.TryAdd("spec.job.state", "running");
            config.TryAdd("spec.job.upgradeMode", "stateless");
            config.TryAdd("spec.job.allowNonRestoredState", "false");
            config.TryAdd("spec.mode", "native");
            config.TryAdd("metadata.namespace", "default");
        }
    }
}
