using Sluice.Migration.Legacy;

namespace Sluice.Migration.Samza;

/// <summary>
/// Brings a Samza config to the form two configs are compared in: the effective settings with names, defaults,
/// inheritance and equivalent spellings resolved, so that only differences in meaning remain. The rules are listed
/// in docs/migration.md; each one is a rule Samza itself applies when it reads the config.
/// </summary>
public static class SamzaNormalizer
{
    private static readonly string[] SystemValuedKeys = ["job.default.system", "job.coordinator.system", "task.checkpoint.system", "job.changelog.system", "task.log4j.system"];
    private static readonly string[] UnorderedLists = ["task.inputs", "task.broadcast.inputs", "metrics.reporters"];

    /// <param name="systemRenames">legacy system name → the platform cluster name it is compared under.</param>
    public static SortedDictionary<string, string> Normalize(IEnumerable<KeyValuePair<string, string>> entries, ReferenceData reference,
        IReadOnlyDictionary<string, string>? systemRenames = null)
    {
        var renames = systemRenames ?? new Dictionary<string, string>();
        var config = new Dictionary<string, string>(StringComparer.Ordinal);
        // Aliases first, so that a current name always wins over its deprecated one whatever the order in the file.
        foreach (var (key, value) in entries.OrderBy(entry => SamzaKeys.Canonical(entry.Key) == entry.Key ? 1 : 0))
        {
            var renamed = Rename(key, value, renames);
            config[SamzaKeys.Canonical(renamed.Key)] = renamed.Value;
        }
        foreach (var key in config.Keys.Where(key => key.StartsWith("job.config.loader.", StringComparison.Ordinal)).ToList())
        {
            config.Remove(key);
        }
        Inheritance(config);
        ConsumerBootstrapServers(config);
        Streams(config);
        Values(config);
        Defaults(config, reference);
        UnusedSerdes(config);
        return new SortedDictionary<string, string>(config, StringComparer.Ordinal);
    }

    /// <summary>A key/value with every reference to a renamed system (in the key or as a system or system.stream value) renamed.</summary>
    public static KeyValuePair<string, string> Rename(string key, string value, IReadOnlyDictionary<string, string> renames)
    {
        string System(string name) => renames.TryGetValue(name, out var renamed) ? renamed : name;
        string SystemStream(string text) => SamzaKeys.SplitSystemStream(text) is { } pair ? $"{System(pair.System)}.{pair.Stream}" : text;

        if (SamzaKeys.SystemOf(key) is { } system)
        {
            key = $"systems.{System(system)}{key["systems.".Length..][system.Length..]}";
        }
        if (SystemValuedKeys.Contains(key) || key.EndsWith(".samza.system", StringComparison.Ordinal))
        {
            value = System(value);
        }
        else if (key is "task.inputs" or "task.broadcast.inputs")
        {
            value = string.Join(",", SamzaKeys.List(value).Select(SystemStream));
        }
        else if ((SamzaKeys.StoreOf(key) is { } store && key == $"stores.{store}.changelog")
                 || (key.StartsWith("metrics.reporter.", StringComparison.Ordinal) && key.EndsWith(".stream", StringComparison.Ordinal)))
        {
            value = SystemStream(value);
        }
        return new(key, value);
    }

    /// <summary>
    /// Coordinator, checkpoint and changelog systems inherit job.default.system. A config without job.default.system
    /// takes its coordinator system as the default: Samza only falls back to the default system for streams that name
    /// none, and fails when there is none, so a job that runs without it never falls back.
    /// </summary>
    private static void Inheritance(Dictionary<string, string> config)
    {
        if (!config.ContainsKey("job.default.system") && config.TryGetValue("job.coordinator.system", out var coordinator))
        {
            config["job.default.system"] = coordinator;
        }
        if (config.TryGetValue("job.default.system", out var defaultSystem))
        {
            foreach (var key in new[] { "job.coordinator.system", "task.checkpoint.system", "job.changelog.system" })
            {
                config.TryAdd(key, defaultSystem);
            }
        }
        foreach (var key in config.Keys.Where(key => SamzaKeys.StoreOf(key) is { } store && key == $"stores.{store}.changelog").ToList())
        {
            if (!config[key].Contains('.') && config.TryGetValue("job.changelog.system", out var changelogSystem))
            {
                config[key] = $"{changelogSystem}.{config[key]}";
            }
        }
    }

    /// <summary>Samza's Kafka consumer takes the producer's bootstrap servers when it has none of its own.</summary>
    private static void ConsumerBootstrapServers(Dictionary<string, string> config)
    {
        foreach (var system in config.Keys.Select(SamzaKeys.SystemOf).OfType<string>().Distinct().ToList())
        {
            if (config.TryGetValue($"systems.{system}.producer.bootstrap.servers", out var servers))
            {
                config.TryAdd($"systems.{system}.consumer.bootstrap.servers", servers);
            }
        }
    }

    /// <summary>
    /// A stream is its (system, physical name): `streams.&lt;id&gt;.x` and `systems.&lt;s&gt;.streams.&lt;p&gt;.x` become
    /// `streams[s.p].x`; a stream setting equal to its system's default is dropped.
    /// </summary>
    private static void Streams(Dictionary<string, string> config)
    {
        config.TryGetValue("job.default.system", out var defaultSystem);
        var ids = config.Keys.Where(key => key.StartsWith("streams.", StringComparison.Ordinal))
            .Select(key => key.Split('.')[1]).Distinct(StringComparer.Ordinal).ToList();
        foreach (var id in ids)
        {
            var prefix = $"streams.{id}.";
            var system = config.GetValueOrDefault($"{prefix}samza.system") ?? defaultSystem ?? "";
            var physical = config.GetValueOrDefault($"{prefix}samza.physical.name") ?? id;
            foreach (var key in config.Keys.Where(key => key.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                var setting = key[prefix.Length..];
                var value = config[key];
                config.Remove(key);
                if (setting is not ("samza.system" or "samza.physical.name"))
                {
                    config[$"streams[{system}.{physical}].{setting}"] = value;
                }
            }
        }
        foreach (var key in config.Keys.Where(key => SamzaKeys.SystemOf(key) is { } s && key.StartsWith($"systems.{s}.streams.", StringComparison.Ordinal)).ToList())
        {
            var system = SamzaKeys.SystemOf(key)!;
            var rest = key[$"systems.{system}.streams.".Length..];
            var dot = rest.IndexOf(".samza.", StringComparison.Ordinal);
            if (dot > 0)
            {
                config.TryAdd($"streams[{system}.{rest[..dot]}].{rest[(dot + 1)..]}", config[key]);
                config.Remove(key);
            }
        }
        foreach (var key in config.Keys.Where(key => key.StartsWith("streams[", StringComparison.Ordinal)).ToList())
        {
            var close = key.IndexOf("].", StringComparison.Ordinal);
            var system = SamzaKeys.SplitSystemStream(key[8..close])?.System;
            var setting = key[(close + 2)..];
            if (system is not null && config.GetValueOrDefault($"systems.{system}.default.stream.{setting}") == config[key])
            {
                config.Remove(key);
            }
        }
    }

    private static void Values(Dictionary<string, string> config)
    {
        foreach (var key in config.Keys.ToList())
        {
            var value = config[key].Trim();
            if (UnorderedLists.Contains(key))
            {
                value = string.Join(",", SamzaKeys.List(value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
            }
            else if (key.EndsWith(".zookeeper.connect", StringComparison.Ordinal) || key == "job.coordinator.zk.connect")
            {
                // A trailing "/" is the root chroot, the same as none.
                value = value.TrimEnd('/');
            }
            else if (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                value = value.ToLowerInvariant();
            }
            config[key] = value;
        }
    }

    /// <summary>Every documented key with a literal default that the config leaves out takes that default.</summary>
    private static void Defaults(Dictionary<string, string> config, ReferenceData reference)
    {
        foreach (var info in reference.SamzaKeys.Where(info => info.Default is not null && !info.Key.Contains('<') && !SamzaKeys.Aliases.ContainsKey(info.Key)))
        {
            config.TryAdd(info.Key, info.Default!);
        }
    }

    /// <summary>A registered serde that no stream, system or store names has no effect.</summary>
    private static void UnusedSerdes(Dictionary<string, string> config)
    {
        var used = config.Where(entry => entry.Key.EndsWith(".serde", StringComparison.Ordinal)).Select(entry => entry.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var key in config.Keys.Where(key => key.StartsWith("serializers.registry.", StringComparison.Ordinal) && key.EndsWith(".class", StringComparison.Ordinal)).ToList())
        {
            if (!used.Contains(key["serializers.registry.".Length..^".class".Length]))
            {
                config.Remove(key);
            }
        }
    }
}
