using System.Globalization;
using Sluice.Migration.Annotations;
using Sluice.Migration.Legacy;
using Sluice.Migration.Report;
using Sluice.Runtimes.Samza;
using Sluice.Spec;
using Sluice.Spec.V1;
using static Sluice.Migration.Report.KeyDisposition;

namespace Sluice.Migration.Samza;

/// <summary>
/// Samza job properties → JobSpec. Each key is mapped to a JobSpec field, left to the platform, kept as a
/// `samza.` override, dropped as a default, flagged unknown, or refused; what the JobSpec needs and the config
/// cannot say is listed as missing information with the annotation that supplies it.
/// </summary>
public sealed class SamzaImporter
{
    public const string FabricName = "legacy-samza";
    private const int DefaultContainerMemoryMb = 1024;

    private readonly Dictionary<string, ConfigEntry> _props;
    private readonly Dictionary<string, KeyMapping> _decided = new(StringComparer.Ordinal);
    private readonly List<MissingInformation> _missing = [];
    private readonly List<string> _notes = [];
    private readonly SortedDictionary<string, string> _overrides = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KafkaSystem> _kafka = new(StringComparer.Ordinal);
    private readonly HashSet<string> _mappedFormats = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _resolvedTemplates = new(StringComparer.Ordinal);
    private readonly MigrationAnnotations _annotations;
    private readonly ReferenceData _reference;
    private readonly JobSpec _spec = new() { Runtime = Runtime.Samza };

    private sealed record KafkaSystem(string Name, string Cluster, string? BootstrapServers, string? ZookeeperConnect);

    private SamzaImporter(IReadOnlyList<ConfigEntry> entries, MigrationAnnotations annotations, ReferenceData reference)
    {
        _props = entries.ToDictionary(entry => entry.Key, StringComparer.Ordinal);
        _annotations = annotations;
        _reference = reference;
    }

    public static LegacyImport Import(IReadOnlyList<ConfigEntry> entries, MigrationAnnotations annotations, ReferenceData reference, string defaultNamespace)
    {
        var importer = new SamzaImporter(entries, annotations, reference);
        return importer.Run(defaultNamespace);
    }

    private LegacyImport Run(string defaultNamespace)
    {
        Identity(defaultNamespace);
        DeploymentModel();
        var systemSystem = Systems();
        Inputs();
        Checkpointing(systemSystem);
        Stores(systemSystem);
        Resources();
        Package();
        Datasets();
        Remaining();
        Serdes();
        Keep();
        // Overrides name systems by their legacy names; the rendered config names them by their platform clusters.
        var renames = _kafka.Values.ToDictionary(kafka => kafka.Name, kafka => kafka.Cluster, StringComparer.Ordinal);
        foreach (var (key, value) in _overrides)
        {
            var renamed = SamzaNormalizer.Rename(key["samza.".Length..], value, renames);
            _spec.Overrides[$"samza.{renamed.Key}"] = renamed.Value;
            foreach (var mapping in _decided.Values.Where(mapping => mapping.Target == key).ToList())
            {
                _decided[mapping.Key] = mapping with { Target = $"samza.{renamed.Key}" };
            }
        }
        var (platform, fabric) = DerivedPlatform(systemSystem);
        var keys = _props.Values.OrderBy(entry => entry.Line).Select(entry => _decided[entry.Key]).ToArray();
        return new LegacyImport(_spec, platform, fabric, keys, _missing, _notes)
        {
            SystemRenames = renames,
            ResolvedTemplates = _resolvedTemplates,
        };
    }

    private void Identity(string defaultNamespace)
    {
        var nameKey = Present("job.name") ?? Present("app.name");
        var name = _annotations.Name ?? (nameKey is null ? null : _props[nameKey].Value);
        if (nameKey is not null)
        {
            Decide(nameKey, Mapped, "name");
            if (nameKey == "job.name" && Present("app.name") is { } appName)
            {
                Decide(appName, Default, "", "job.name is set and wins");
            }
        }
        if (name is null)
        {
            Missing("name", "the config sets neither job.name nor app.name", "name: <job name, a DNS-1123 label>");
        }
        else if (!Names.IsDns1123Label(name))
        {
            Missing("name", $"'{name}' is not {Names.Dns1123Expected}; job.name is also the job's checkpoint identity, so renaming it is a visible difference",
                "name: <a DNS-1123 label>");
        }
        _spec.Name = name ?? "";
        _spec.Namespace = _annotations.Namespace ?? defaultNamespace;
        if (_annotations.Namespace is null)
        {
            _notes.Add($"namespace: the config names no owning team; using '{defaultNamespace}' (set `namespace:` in the annotations)");
        }
        _spec.Owner = _annotations.Owner ?? "";
        foreach (var key in new[] { "job.id", "app.id" }.Where(_props.ContainsKey))
        {
            if (_props[key].Value == "1")
            {
                Decide(key, Default, "", "the default instance id");
            }
            else
            {
                KeepOverride(key, "the JobSpec has no instance id; it is part of the job's checkpoint identity");
            }
        }
    }

    private void DeploymentModel()
    {
        if (Present("job.factory.class") is { } factory)
        {
            if (_props[factory].Value == SamzaJobCompiler.YarnJobFactory)
            {
                Decide(factory, Platform, "fabric.samza", "Sluice runs Samza jobs on YARN");
            }
            else
            {
                Decide(factory, Refused, "", $"Sluice runs Samza jobs on YARN ({SamzaJobCompiler.YarnJobFactory}), not with {_props[factory].Value}");
            }
        }
        foreach (var key in _props.Keys.Where(key => key == "job.coordinator.factory" || key.StartsWith("job.coordinator.zk.", StringComparison.Ordinal)))
        {
            Decide(key, Refused, "", "a standalone (ZooKeeper-coordinated) deployment; Sluice runs Samza on YARN with its cluster-based coordinator");
        }
        if (Present("app.runner.class") is { } runner)
        {
            if (_props[runner].Value == SamzaKeys.RemoteApplicationRunner)
            {
                Decide(runner, Default, "", "the default runner on YARN");
            }
            else
            {
                KeepOverride(runner, "a runner other than the default; the JobSpec has no field for it");
            }
        }
        foreach (var key in _props.Keys.Where(key => key.StartsWith("job.config.loader.", StringComparison.Ordinal)))
        {
            Decide(key, Platform, "the rendered config", "Sluice hands the job the config it renders; the loader that re-reads the package's copy is not kept");
        }
    }

    /// <summary>Kafka systems become platform clusters; other systems are refused. Returns the system for coordination and checkpoints.</summary>
    private string? Systems()
    {
        var defined = _props.Keys.Select(SamzaKeys.SystemOf).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        foreach (var system in defined)
        {
            var factoryKey = $"systems.{system}.samza.factory";
            var keys = _props.Keys.Where(key => SamzaKeys.SystemOf(key) == system).ToList();
            var factory = Get(factoryKey);
            if (factory != SamzaJobCompiler.KafkaSystemFactory)
            {
                var why = factory is null
                    ? $"system '{system}' has no samza.factory"
                    : $"system '{system}' uses {factory}; Sluice's Samza jobs read and write Kafka systems only";
                keys.ForEach(key => Decide(key, Refused, "", why));
                continue;
            }
            var annotation = _annotations.Systems.GetValueOrDefault(system);
            var cluster = annotation?.Cluster ?? system;
            var bootstrapKey = new[] { "producer.bootstrap.servers", "consumer.bootstrap.servers", "producer.metadata.broker.list" }
                .Select(suffix => $"systems.{system}.{suffix}").FirstOrDefault(_props.ContainsKey);
            var zookeeperKey = $"systems.{system}.consumer.zookeeper.connect";
            var kafka = new KafkaSystem(system, cluster, annotation?.BootstrapServers ?? Get(bootstrapKey), annotation?.ZookeeperConnect ?? Get(zookeeperKey));
            _kafka[system] = kafka;
            Decide(factoryKey, Platform, $"kafkaClusters[{cluster}]", "a Kafka system; the platform renders its factory");
            foreach (var key in keys.Where(key => key != factoryKey))
            {
                var suffix = key[$"systems.{system}.".Length..];
                switch (suffix)
                {
                    case "producer.bootstrap.servers" or "consumer.bootstrap.servers" or "producer.metadata.broker.list":
                        Decide(key, Platform, $"kafkaClusters[{cluster}].bootstrapServers");
                        break;
                    case "consumer.zookeeper.connect":
                        Decide(key, Platform, $"kafkaClusters[{cluster}].zookeeperConnect");
                        break;
                    default:
                        KeepDocumented(key, "a per-system setting; the JobSpec describes datasets, not systems");
                        break;
                }
            }
        }
        foreach (var system in ReferencedSystems().Where(system => !defined.Contains(system)))
        {
            var annotation = _annotations.Systems.GetValueOrDefault(system);
            _kafka[system] = new KafkaSystem(system, annotation?.Cluster ?? system, annotation?.BootstrapServers, annotation?.ZookeeperConnect);
            _notes.Add($"system '{system}' is used but not defined in this config; taken to be Kafka");
        }
        foreach (var kafka in _kafka.Values.Where(kafka => kafka.BootstrapServers is null))
        {
            Missing($"kafkaClusters[{kafka.Cluster}].bootstrapServers",
                $"system '{kafka.Name}' is used but the config does not say which Kafka cluster is behind it",
                $"systems:\n  {kafka.Name}:\n    cluster: <platform Kafka cluster name>\n    bootstrapServers: <host:port,...>");
        }
        return new[] { "job.default.system", "job.coordinator.system", "task.checkpoint.system" }.Select(Get).OfType<string>()
            .Concat(InputStreams().Select(input => input.System))
            .Concat(Changelogs().Select(changelog => changelog.System))
            .FirstOrDefault(_kafka.ContainsKey);
    }

    private IEnumerable<string> ReferencedSystems()
    {
        var named = new[] { "job.default.system", "job.coordinator.system", "task.checkpoint.system", "job.changelog.system" }.Select(Get).OfType<string>();
        var streams = _props.Where(entry => entry.Key.EndsWith(".samza.system", StringComparison.Ordinal)).Select(entry => entry.Value.Value);
        var metrics = _props.Where(entry => entry.Key.StartsWith("metrics.reporter.", StringComparison.Ordinal) && entry.Key.EndsWith(".stream", StringComparison.Ordinal))
            .Select(entry => SamzaKeys.SplitSystemStream(entry.Value.Value)?.System).OfType<string>();
        return named.Concat(streams).Concat(metrics).Concat(InputStreams().Select(input => input.System))
            .Concat(Changelogs().Select(changelog => changelog.System)).Distinct(StringComparer.Ordinal).ToList();
    }

    private IEnumerable<(string System, string Stream)> InputStreams() =>
        SamzaKeys.List(Get("task.inputs") ?? "").Select(SamzaKeys.SplitSystemStream).OfType<(string, string)>();

    private IEnumerable<(string Store, string System, string Stream)> Changelogs() =>
        _props.Where(entry => SamzaKeys.StoreOf(entry.Key) is { } store && entry.Key == $"stores.{store}.changelog")
            .Select(entry =>
            {
                var store = SamzaKeys.StoreOf(entry.Key)!;
                var split = SamzaKeys.SplitSystemStream(entry.Value.Value);
                return split is { } pair ? (store, pair.System, pair.Stream) : (store, Get("job.changelog.system") ?? Get("job.default.system") ?? "", entry.Value.Value);
            });

    private void Inputs()
    {
        if (Present("task.inputs") is not { } key)
        {
            return;
        }
        foreach (var item in SamzaKeys.List(_props[key].Value))
        {
            if (SamzaKeys.SplitSystemStream(item) is not { } input)
            {
                Decide(key, Refused, "", $"'{item}' is not system.stream");
                return;
            }
            if (!_kafka.TryGetValue(input.System, out var kafka))
            {
                Decide(key, Refused, "", $"input '{item}' is on system '{input.System}', which is not a Kafka system");
                return;
            }
            var dataset = new Dataset { System = "kafka", Cluster = kafka.Cluster, Name = input.Stream, Format = SystemFormat(input.System) ?? "" };
            DeclaredStream(input.System, input.Stream, dataset, $"sources[{_spec.Sources.Count}]");
            _spec.Sources.Add(dataset);
        }
        Decide(key, Mapped, "sources");
    }

    /// <summary>
    /// A `streams.&lt;id&gt;` declaration of a dataset's (system, topic): its id becomes the alias, its message serde
    /// the format when the compiler registers that serde the same way. Returns whether one was found.
    /// </summary>
    private bool DeclaredStream(string system, string topic, Dataset dataset, string path)
    {
        var defaultSystem = Get("job.default.system");
        var id = _props.Keys.Where(key => key.StartsWith("streams.", StringComparison.Ordinal)).Select(key => key.Split('.')[1]).Distinct(StringComparer.Ordinal)
            .FirstOrDefault(candidate => (Get($"streams.{candidate}.samza.physical.name") ?? candidate) == topic
                && (Get($"streams.{candidate}.samza.system") ?? defaultSystem) == system
                && !_decided.ContainsKey($"streams.{candidate}.samza.system") && !_decided.ContainsKey($"streams.{candidate}.samza.physical.name"));
        if (id is null)
        {
            return false;
        }
        if (id != SanitizedStreamId(topic))
        {
            dataset.Alias = id;
        }
        foreach (var key in new[] { $"streams.{id}.samza.system", $"streams.{id}.samza.physical.name" }.Where(_props.ContainsKey))
        {
            Decide(key, Mapped, path);
        }
        var serdeKey = $"streams.{id}.samza.msg.serde";
        if (Get(serdeKey) is { } serde && SamzaSerdes.FormatOf(serde, Get($"serializers.registry.{serde}.class")) is { } format)
        {
            dataset.Format = format;
            _mappedFormats.Add(serde);
            Decide(serdeKey, Mapped, $"{path}.format");
        }
        return true;
    }

    /// <summary>The stream id the compiler gives a dataset without an alias (its name with characters outside [A-Za-z0-9_-] as '-').</summary>
    private static string SanitizedStreamId(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '-').ToArray());

    /// <summary>The format of a system's default message serde, when it is one the compiler registers the same way.</summary>
    private string? SystemFormat(string system)
    {
        var serde = Get($"systems.{system}.samza.msg.serde") ?? Get($"systems.{system}.default.stream.samza.msg.serde");
        var format = serde is null ? null : SamzaSerdes.FormatOf(serde, Get($"serializers.registry.{serde}.class"));
        if (format is not null)
        {
            _mappedFormats.Add(serde!);
        }
        return format;
    }

    private void Checkpointing(string? systemSystem)
    {
        foreach (var key in new[] { "job.default.system", "job.coordinator.system", "task.checkpoint.system", "job.changelog.system" }.Where(_props.ContainsKey))
        {
            if (_props[key].Value == systemSystem)
            {
                Decide(key, Platform, "fabric.samza.systemKafkaCluster", "coordinator stream, checkpoints and changelogs live on the platform's system Kafka cluster");
            }
            else
            {
                KeepOverride(key, $"differs from the system used for coordination ('{systemSystem}')");
            }
        }
        if (Present("task.checkpoint.factory") is { } factory)
        {
            if (_props[factory].Value == SamzaJobCompiler.KafkaCheckpointManagerFactory)
            {
                Decide(factory, Platform, "fabric.samza", "Sluice checkpoints Samza jobs to Kafka");
            }
            else
            {
                KeepOverride(factory, "a checkpoint manager other than Kafka's");
            }
        }
        if (Present("task.commit.ms") is { } commit)
        {
            if (long.TryParse(_props[commit].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var millis) && millis > 0)
            {
                Checkpoint().Interval = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMilliseconds(millis));
                Decide(commit, Mapped, "state.checkpointing.interval");
            }
            else
            {
                KeepOverride(commit, "not a positive number of milliseconds");
            }
        }
        if (Present("task.checkpoint.factory") is not null)
        {
            // Samza commits offsets after processing: at-least-once, which the JobSpec says explicitly.
            Checkpoint().Mode = CheckpointMode.AtLeastOnce;
        }
    }

    private Checkpointing Checkpoint()
    {
        _spec.State ??= new State();
        return _spec.State.Checkpointing ??= new Checkpointing();
    }

    private void Stores(string? systemSystem)
    {
        foreach (var store in _props.Keys.Select(SamzaKeys.StoreOf).OfType<string>().Distinct(StringComparer.Ordinal).ToList())
        {
            var prefix = $"stores.{store}.";
            if (!Names.IsDns1123Label(store))
            {
                _props.Keys.Where(key => key.StartsWith(prefix, StringComparison.Ordinal)).ToList()
                    .ForEach(key => Decide(key, Refused, "", $"store name '{store}' is not {Names.Dns1123Expected}"));
                continue;
            }
            var stateStore = new StateStore { Name = store, Kind = StoreKind.Rocksdb };
            var path = $"state.stores[{(_spec.State?.Stores.Count ?? 0)}]";
            foreach (var key in _props.Keys.Where(key => key.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                var value = _props[key].Value;
                switch (key[prefix.Length..])
                {
                    case "factory" when value == SamzaJobCompiler.RocksDbStoreFactory:
                        Decide(key, Mapped, $"{path}.kind");
                        break;
                    case "factory" when value == SamzaJobCompiler.InMemoryStoreFactory:
                        stateStore.Kind = StoreKind.InMemory;
                        Decide(key, Mapped, $"{path}.kind");
                        break;
                    case "key.serde" when SamzaSerdes.FormatOf(value, Get($"serializers.registry.{value}.class")) is { } format:
                        stateStore.KeyFormat = format;
                        _mappedFormats.Add(value);
                        Decide(key, Mapped, $"{path}.keyFormat");
                        break;
                    case "msg.serde" when SamzaSerdes.FormatOf(value, Get($"serializers.registry.{value}.class")) is { } format:
                        stateStore.ValueFormat = format;
                        _mappedFormats.Add(value);
                        Decide(key, Mapped, $"{path}.valueFormat");
                        break;
                    case "changelog":
                        stateStore.Changelog = true;
                        var cluster = systemSystem is null ? "" : _kafka[systemSystem].Cluster;
                        var sluiceName = $"{cluster}.{_spec.Name}-{store}-changelog";
                        var legacyName = SamzaKeys.SplitSystemStream(value) is { } split && _kafka.TryGetValue(split.System, out var kafka)
                            ? $"{kafka.Cluster}.{split.Stream}"
                            : value;
                        if (legacyName == sluiceName)
                        {
                            Decide(key, Mapped, $"{path}.changelog");
                        }
                        else
                        {
                            KeepOverride(key, $"the changelog topic holds the store's state, so its name is kept (Sluice's own would be {sluiceName})");
                        }
                        break;
                    case "rocksdb.ttl.ms" when long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ttl) && ttl > 0:
                        stateStore.Ttl = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMilliseconds(ttl));
                        Decide(key, Mapped, $"{path}.ttl");
                        break;
                    case "factory":
                        KeepOverride(key, "a store engine the JobSpec has no kind for");
                        break;
                    default:
                        KeepDocumented(key, "a store tuning setting the JobSpec has no field for");
                        break;
                }
            }
            _spec.State ??= new State();
            _spec.State.Stateful = true;
            _spec.State.Stores.Add(stateStore);
        }
    }

    private void Resources()
    {
        var resources = _spec.Resources = new Resources
        {
            Task = new ComputeSize(),
            Coordinator = new ComputeSize(),
        };
        resources.Parallelism = (int)Number(["job.container.count", "yarn.container.count"], 1, "resources.parallelism");
        resources.Task.Memory = $"{Number(["cluster-manager.container.memory.mb", "yarn.container.memory.mb"], DefaultContainerMemoryMb, "resources.task.memory")}Mi";
        resources.Task.Cpu = Number(["cluster-manager.container.cpu.cores", "yarn.container.cpu.cores"], 1, "resources.task.cpu");
        resources.Coordinator.Memory = $"{Number(["yarn.am.container.memory.mb"], DefaultContainerMemoryMb, "resources.coordinator.memory")}Mi";
    }

    /// <summary>The value of the first key present (later ones are aliases); absent keys take Samza's default, made explicit in the spec.</summary>
    private long Number(string[] keys, long fallback, string field)
    {
        var present = keys.Where(_props.ContainsKey).ToList();
        foreach (var key in present)
        {
            if (key != present[0])
            {
                Decide(key, Default, "", $"{present[0]} is set and wins");
            }
        }
        if (present.Count == 0)
        {
            return fallback;
        }
        if (long.TryParse(_props[present[0]].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            Decide(present[0], Mapped, field);
            return value;
        }
        KeepOverride(present[0], "not a positive whole number");
        return fallback;
    }

    private void Package()
    {
        var key = Present("yarn.package.path");
        var value = key is null ? null : _props[key].Value;
        var annotated = _annotations.Artifact?.Uri;
        var resolved = value is not null && !value.Contains("${", StringComparison.Ordinal) && !value.Contains('<')
            && Uri.TryCreate(value, UriKind.Absolute, out _);
        if (key is not null)
        {
            if (resolved && annotated is null)
            {
                Decide(key, Mapped, "artifact.jar.uri");
            }
            else if (!resolved && annotated is not null)
            {
                // The build fills the template in; the annotations say with what, so the proof compares that.
                _resolvedTemplates[key] = annotated;
                Decide(key, Mapped, "artifact.jar.uri", "a build-time template, resolved by the annotations");
            }
            else
            {
                Decide(key, Mapped, "artifact.jar.uri", resolved ? "replaced by the annotations" : "has unresolved build placeholders");
            }
        }
        var uri = annotated ?? (resolved ? value : null);
        if (uri is null)
        {
            Missing("artifact.jar.uri", value is null
                    ? "the config sets no yarn.package.path"
                    : $"yarn.package.path '{value}' is a build-time template, not the package's location",
                "artifact:\n  uri: <URL of the job package .tar.gz>");
        }
        var entryKey = Present("app.class") ?? Present("task.class");
        var entryClass = _annotations.Artifact?.EntryClass ?? (entryKey is null ? null : _props[entryKey].Value);
        if (entryKey is not null)
        {
            Decide(entryKey, Mapped, "artifact.jar.entryClass");
            if (entryKey == "app.class" && Present("task.class") is { } taskClass)
            {
                KeepOverride(taskClass, "app.class is the entry point; the task class is kept for it");
            }
        }
        if (entryClass is null)
        {
            Missing("artifact.jar.entryClass", "the config sets neither app.class nor task.class (a local runner's main class starts it)",
                "artifact:\n  entryClass: <StreamApplication or StreamTask class>");
        }
        _spec.Artifact = new Artifact
        {
            Jar = new JarArtifact
            {
                Uri = uri ?? value ?? "",
                EntryClass = entryClass ?? "",
                EntryKind = entryKey == "task.class" && _annotations.Artifact?.EntryClass is null ? EntryKind.Task : EntryKind.Application,
            },
        };
    }

    private void Remaining()
    {
        foreach (var key in _props.Keys.Where(key => !_decided.ContainsKey(key) && !key.StartsWith("serializers.registry.", StringComparison.Ordinal)).ToList())
        {
            if (key == "yarn.queue")
            {
                Decide(key, Platform, "fabric.samza.yarnQueue");
            }
            else
            {
                var documentedDefault = _reference.SamzaKeys.FirstOrDefault(info => info.Key == key)?.Default;
                if (documentedDefault is not null && documentedDefault == _props[key].Value)
                {
                    Decide(key, Default, "", "equal to Samza's default");
                }
                else
                {
                    KeepDocumented(key, Hint(key));
                }
            }
        }
    }

    /// <summary>Keeps a key as an override; one the reference does not document is flagged unknown, with the nearest real key.</summary>
    private void KeepDocumented(string key, string why)
    {
        if (_reference.SamzaCatalog.Contains(key))
        {
            KeepOverride(key, why);
            return;
        }
        var nearest = ReferenceData.NearestKey(key, _reference.SamzaKeys.Select(info => info.Key));
        _overrides[$"samza.{key}"] = _props[key].Value;
        Decide(key, Unknown, nearest ?? "", nearest is null
            ? "not a documented Samza key (the job's own setting?); kept as an override so the job still reads it"
            : $"not a documented Samza key; did you mean '{nearest}'? Kept as an override so the job still reads it");
    }

    private static string Hint(string key) => key switch
    {
        "task.window.ms" => "the window() callback interval; no JobSpec field (on Flink it becomes a timer in code)",
        _ when key.StartsWith("job.config.rewriter", StringComparison.Ordinal) => "a config rewriter: it changes the config at start, after this proof",
        _ when key.StartsWith("sensitive.", StringComparison.Ordinal) => "a secret written in the config; move it to the platform's secret store",
        _ => "no JobSpec field carries it",
    };

    /// <summary>Serde registrations: kept when an override names them, mapped when a format needs them, dropped when unused.</summary>
    private void Serdes()
    {
        var keptNames = _overrides.Where(entry => entry.Key.EndsWith(".serde", StringComparison.Ordinal)).Select(entry => entry.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var key in _props.Keys.Where(key => key.StartsWith("serializers.registry.", StringComparison.Ordinal)).ToList())
        {
            var name = key.EndsWith(".class", StringComparison.Ordinal) ? key["serializers.registry.".Length..^".class".Length] : null;
            if (name is not null && keptNames.Contains(name))
            {
                KeepOverride(key, "a serde an override refers to");
            }
            else if (name is not null && _mappedFormats.Contains(name))
            {
                Decide(key, Mapped, $"format {SamzaSerdes.FormatOf(name, _props[key].Value)}", "registered by Sluice for the format");
            }
            else if (name is not null)
            {
                Decide(key, Default, "", "a serde no stream or store uses; it has no effect");
            }
            else
            {
                KeepOverride(key, "a serde setting");
            }
        }
    }

    private void Datasets()
    {
        if (_annotations.Sources is { } sources)
        {
            _spec.Sources.Clear();
            _spec.Sources.Add(sources.Select(Dataset));
        }
        else if (_spec.Sources.Count == 0)
        {
            Missing("sources", "the job declares its inputs in code (no task.inputs)",
                "sources:\n  - {system: kafka, cluster: <system or cluster>, name: <topic>}");
        }
        if (_annotations.Sinks is { } sinks)
        {
            foreach (var sink in sinks)
            {
                var dataset = Dataset(sink);
                // A stream the config declares for this sink describes it; its legacy system is the one behind the sink's cluster.
                var system = _kafka.Values.FirstOrDefault(kafka => kafka.Cluster == dataset.Cluster)?.Name;
                if (system is not null && DeclaredStream(system, dataset.Name, dataset, $"sinks[{_spec.Sinks.Count}]") && sink.Format.Length > 0 && dataset.Format != sink.Format)
                {
                    dataset.Format = sink.Format;
                }
                _spec.Sinks.Add(dataset);
            }
        }
        else
        {
            Missing("sinks", "the topics the job writes are chosen in its code; the config does not list them",
                "sinks:\n  - {system: kafka, cluster: <system or cluster>, name: <topic>}   # or `sinks: []` if it writes none");
        }
    }

    private Dataset Dataset(DatasetAnnotation annotation) => new()
    {
        System = annotation.System,
        Cluster = _kafka.TryGetValue(annotation.Cluster, out var system) ? system.Cluster : annotation.Cluster,
        Name = annotation.Name,
        Format = annotation.Format,
    };

    private void Keep()
    {
        foreach (var key in _annotations.Keep)
        {
            if (!_props.TryGetValue(key, out var entry))
            {
                Missing($"keep[{key}]", $"the annotations keep '{key}', which the config does not set", "keep: [<a key the config sets>]");
                continue;
            }
            _overrides[$"samza.{key}"] = entry.Value;
            _decided[key] = _decided[key] with { Disposition = Override, Target = $"samza.{key}", Note = "kept by the annotations" };
        }
    }

    private (PlatformConfig, Fabric) DerivedPlatform(string? systemSystem)
    {
        var platform = new PlatformConfig { DefaultRuntime = Runtime.Samza };
        // A cluster without bootstrap servers is missing information; leaving it out keeps it from being rendered.
        foreach (var kafka in _kafka.Values.Where(kafka => kafka.BootstrapServers is not null).DistinctBy(kafka => kafka.Cluster))
        {
            platform.KafkaClusters.Add(new KafkaCluster
            {
                Name = kafka.Cluster,
                BootstrapServers = kafka.BootstrapServers ?? "",
                ZookeeperConnect = kafka.ZookeeperConnect ?? "",
            });
        }
        var fabric = new Fabric
        {
            Name = FabricName,
            Samza = new SamzaFabric
            {
                YarnQueue = Get("yarn.queue") ?? "",
                SystemKafkaCluster = systemSystem is null ? "" : _kafka[systemSystem].Cluster,
            },
            // Samza has no key for the application master's CPU; the platform's default stands in for it.
            DefaultResources = new Resources { Coordinator = new ComputeSize { Cpu = 1 } },
        };
        platform.Fabrics.Add(fabric);
        return (platform, fabric);
    }

    private void KeepOverride(string key, string why)
    {
        _overrides[$"samza.{key}"] = _props[key].Value;
        Decide(key, Override, $"samza.{key}", why);
    }

    private void Decide(string key, KeyDisposition disposition, string target, string note = "")
    {
        var entry = _props[key];
        _decided[key] = new KeyMapping(key, entry.Value, entry.Line, disposition, target, note);
    }

    private void Missing(string field, string why, string annotation) => _missing.Add(new MissingInformation(field, why, annotation));

    private string? Present(string key) => _props.ContainsKey(key) ? key : null;

    private string? Get(string? key) => key is not null && _props.TryGetValue(key, out var entry) ? entry.Value : null;
}
