using System.Globalization;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Sluice.Migration.Annotations;
using Sluice.Migration.Legacy;
using Sluice.Migration.Report;
using Sluice.Spec;
using Sluice.Spec.V1;
using static Sluice.Migration.Report.KeyDisposition;

namespace Sluice.Migration.Flink;

/// <summary>
/// A FlinkDeployment manifest, or a Flink configuration file plus the job's jar, entry class and arguments from
/// the annotations → JobSpec, with every key accounted for (see <see cref="KeyDisposition"/>).
/// </summary>
public sealed class FlinkImporter
{
    public const string FabricName = "legacy-flink";
    /// <summary>Stands in for a platform setting the legacy file does not show; it appears as such in differences.</summary>
    public const string PlatformPlaceholder = "platform://";
    private const string StoreName = "keyed-state";

    private readonly Dictionary<string, ConfigEntry> _entries;
    private readonly Dictionary<string, KeyMapping> _decided = new(StringComparer.Ordinal);
    private readonly List<MissingInformation> _missing = [];
    private readonly List<string> _notes = [];
    private readonly SortedDictionary<string, string> _overrides = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _resolved = new(StringComparer.Ordinal);
    private readonly MigrationAnnotations _annotations;
    private readonly ReferenceData _reference;
    private readonly bool _isManifest;
    private readonly JobSpec _spec = new() { Runtime = Runtime.Flink };
    private readonly FlinkFabric _fabric = new();

    private FlinkImporter(IReadOnlyList<ConfigEntry> entries, bool isManifest, MigrationAnnotations annotations, ReferenceData reference)
    {
        _entries = entries.ToDictionary(entry => entry.Key, StringComparer.Ordinal);
        _isManifest = isManifest;
        _annotations = annotations;
        _reference = reference;
    }

    /// <summary>Imports the one FlinkDeployment of the documents (or the one configuration file); other documents are accounted for too.</summary>
    public static LegacyImport Import(IReadOnlyList<FlinkDocument> documents, MigrationAnnotations annotations, ReferenceData reference, string defaultNamespace)
    {
        var main = MainDocument(documents);
        var importer = new FlinkImporter(main.Entries, main.Kind is not null, annotations, reference);
        var result = importer.Run(defaultNamespace);
        var others = documents.Where(document => document != main).Select(Other).ToList();
        if (main.Kind is not null && !main.Entries.Any(entry => entry.Key.StartsWith("spec.job.", StringComparison.Ordinal)))
        {
            others.Insert(0, new KeyMapping($"{main.Kind}/{main.Name}", "", main.Line, Refused, "", "a session cluster (no job): Sluice runs each job in its own application cluster"));
        }
        return result with { Keys = result.Keys.Concat(others).ToArray() };
    }

    /// <summary>The document that describes the job: the configuration file, or the FlinkDeployment with a job (else the first one).</summary>
    public static FlinkDocument MainDocument(IReadOnlyList<FlinkDocument> documents)
    {
        var deployments = documents.Where(document => document.Kind is null or "FlinkDeployment").ToList();
        return deployments.FirstOrDefault(document => document.Kind is null || document.Entries.Any(entry => entry.Key.StartsWith("spec.job.", StringComparison.Ordinal)))
            ?? deployments.FirstOrDefault()
            ?? throw new InvalidDataException("the file holds no FlinkDeployment and no Flink configuration");
    }

    private static KeyMapping Other(FlinkDocument document)
    {
        var key = $"{document.Kind}/{document.Name}";
        return document.Kind switch
        {
            "FlinkStateSnapshot" => new KeyMapping(key, "", document.Line, Platform, "the cut-over", "a savepoint resource; the cut-over takes and restores its own savepoint"),
            "FlinkSessionJob" => new KeyMapping(key, "", document.Line, Refused, "", "a job in a session cluster; Sluice runs each job in its own application cluster"),
            "FlinkDeployment" => new KeyMapping(key, "", document.Line, Refused, "", "a second FlinkDeployment in the file; import one job per file"),
            _ => new KeyMapping(key, "", document.Line, Refused, "", $"a {document.Kind} resource the migrator does not know"),
        };
    }

    private LegacyImport Run(string defaultNamespace)
    {
        Identity(defaultNamespace);
        Program();
        Resources();
        var stateful = State();
        Configuration(stateful);
        ResourceFields();
        Datasets();
        Keep();
        foreach (var (key, value) in _overrides)
        {
            _spec.Overrides[key] = value;
        }
        var platform = new PlatformConfig { DefaultRuntime = Runtime.Flink };
        platform.KafkaClusters.Add(KafkaClusters());
        var fabric = new Fabric { Name = FabricName, Flink = _fabric };
        platform.Fabrics.Add(fabric);
        var keys = _entries.Values.OrderBy(entry => entry.Line).Select(entry => _decided[entry.Key]).ToArray();
        return new LegacyImport(_spec, platform, fabric, keys, _missing, _notes) { ResolvedTemplates = _resolved };
    }

    private void Identity(string defaultNamespace)
    {
        var name = _annotations.Name ?? Get("metadata.name");
        Decide("metadata.name", Mapped, "name");
        if (name is null)
        {
            Missing("name", "a Flink configuration file does not name the job", "name: <job name, a DNS-1123 label>");
        }
        else if (!Names.IsDns1123Label(name))
        {
            Missing("name", $"'{name}' is not {Names.Dns1123Expected}", "name: <a DNS-1123 label>");
        }
        _spec.Name = name ?? "";
        _spec.Namespace = _annotations.Namespace ?? defaultNamespace;
        if (_annotations.Namespace is null)
        {
            _notes.Add($"namespace: the file names no owning team; using '{defaultNamespace}' (set `namespace:` in the annotations)");
        }
        _spec.Owner = _annotations.Owner ?? "";
        _fabric.Namespace = Get("metadata.namespace") ?? "default";
        Decide("metadata.namespace", Platform, "fabric.flink.namespace", "the Kubernetes namespace is the fabric's");
        if (Get("metadata.labels") is { } labels)
        {
            foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(labels)!)
            {
                _spec.Labels[key] = value.ToString();
            }
            Decide("metadata.labels", Mapped, "labels");
        }
        Decide("metadata.annotations", Refused, "", "Sluice renders no annotations on the FlinkDeployment");
        _fabric.Image = Get("spec.image") ?? PlatformPlaceholder + "image";
        Decide("spec.image", Platform, "fabric.flink.image", "the image is the fabric's; this job needs one that holds its jar");
        _fabric.FlinkVersion = Get("spec.flinkVersion") ?? "v1_20";
        Decide("spec.flinkVersion", Platform, "fabric.flink.flinkVersion");
        _fabric.ServiceAccount = Get("spec.serviceAccount") ?? "flink";
        Decide("spec.serviceAccount", Platform, "fabric.flink.serviceAccount");
        if (!_isManifest)
        {
            _notes.Add("a Flink configuration file: only its flinkConfiguration keys are compared; image, version and service account are the fabric's");
        }
    }

    private void Program()
    {
        var uri = _annotations.Artifact?.Uri ?? Get("spec.job.jarURI");
        var entryClass = _annotations.Artifact?.EntryClass ?? Get("spec.job.entryClass");
        var args = _annotations.Artifact?.Args ?? (Get("spec.job.args") is { } json ? JsonSerializer.Deserialize<string[]>(json) : null) ?? [];
        Decide("spec.job.jarURI", Mapped, "artifact.jar.uri");
        Decide("spec.job.entryClass", Mapped, "artifact.jar.entryClass");
        Decide("spec.job.args", Mapped, "artifact.jar.args");
        if (uri is null)
        {
            Missing("artifact.jar.uri", _isManifest ? "the FlinkDeployment has no job.jarURI" : "a Flink configuration file does not say which jar runs",
                "artifact:\n  uri: <jar URI: local://, s3://, https://>");
        }
        if (_isManifest && Get("spec.job.entryClass") is null && _annotations.Artifact?.EntryClass is { } mainClass)
        {
            // The owner names the Main-Class of the jar's manifest: the class the legacy job runs today.
            _resolved["spec.job.entryClass"] = mainClass;
        }
        if (entryClass is null)
        {
            Missing("artifact.jar.entryClass", _isManifest
                    ? "the FlinkDeployment names no job.entryClass: Flink reads Main-Class from the jar's manifest, which the config cannot show"
                    : "a Flink configuration file does not say which class runs",
                "artifact:\n  entryClass: <fully-qualified main class>");
        }
        _spec.Artifact = new Artifact { Jar = new JarArtifact { Uri = uri ?? "", EntryClass = entryClass ?? "", Args = { args } } };
    }

    private void Resources()
    {
        _spec.Resources = new Resources
        {
            Parallelism = (int)(Integer("spec.job.parallelism") ?? Integer("parallelism.default") ?? 1),
            Task = Process("taskManager", "taskmanager.memory.process.size"),
            Coordinator = Process("jobManager", "jobmanager.memory.process.size"),
        };
        Decide("spec.job.parallelism", Mapped, "resources.parallelism");
        if (Get("spec.job.parallelism") is not null)
        {
            Decide("parallelism.default", Default, "", "spec.job.parallelism wins");
        }
        else
        {
            Decide("parallelism.default", Mapped, "resources.parallelism");
        }
        if (Get("pipeline.max-parallelism") is { } max && int.TryParse(max, CultureInfo.InvariantCulture, out var maxParallelism))
        {
            _spec.Resources.MaxParallelism = maxParallelism;
            Decide("pipeline.max-parallelism", Mapped, "resources.maxParallelism");
        }
    }

    private ComputeSize Process(string process, string processSizeKey)
    {
        var size = new ComputeSize { Cpu = 1 };
        var memoryKey = new[] { $"spec.{process}.resource.memory", $"spec.{process}.resources.requests.memory", processSizeKey }.FirstOrDefault(_entries.ContainsKey);
        var field = process == "jobManager" ? "resources.coordinator" : "resources.task";
        if (memoryKey is not null)
        {
            size.Memory = FlinkValues.ToQuantity(_entries[memoryKey].Value) ?? "";
            if (size.Memory.Length == 0)
            {
                Missing($"{field}.memory", $"{memoryKey} '{_entries[memoryKey].Value}' is not a memory size", $"# fix {memoryKey} in the legacy file");
            }
            Decide(memoryKey, Mapped, $"{field}.memory");
            if (memoryKey != processSizeKey && _entries.ContainsKey(processSizeKey))
            {
                Decide(processSizeKey, Default, "", $"{memoryKey} wins");
            }
        }
        else
        {
            Missing($"{field}.memory", $"the file gives no memory for the {process}", $"# set spec.{process}.resource.memory or {processSizeKey} in the legacy file");
        }
        var cpuKey = new[] { $"spec.{process}.resource.cpu", $"spec.{process}.resources.requests.cpu" }.FirstOrDefault(_entries.ContainsKey);
        if (cpuKey is not null && double.TryParse(_entries[cpuKey].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var cpu) && cpu > 0)
        {
            size.Cpu = cpu;
            Decide(cpuKey, Mapped, $"{field}.cpu");
        }
        return size;
    }

    /// <summary>The job keeps state when it checkpoints or upgrades through savepoints; its backend becomes a store's kind.</summary>
    private bool State()
    {
        var intervalKey = Name("execution.checkpointing.interval");
        var interval = Get(intervalKey) is { } text ? FlinkValues.DurationMillis(text) : null;
        var mode = Get("spec.job.upgradeMode") ?? "stateless";
        var stateful = interval > 0 || mode is "savepoint" or "last-state";
        _spec.Upgrade = new UpgradePolicy
        {
            Mode = mode switch { "savepoint" => UpgradeMode.Savepoint, "last-state" => UpgradeMode.LastState, _ => UpgradeMode.Stateless },
            AllowNonRestoredState = Get("spec.job.allowNonRestoredState") == "true",
        };
        Decide("spec.job.upgradeMode", Mapped, "upgrade.mode");
        Decide("spec.job.allowNonRestoredState", Mapped, "upgrade.allowNonRestoredState");
        if (!stateful)
        {
            return false;
        }
        var checkpointing = new Checkpointing();
        _spec.State = new State { Stateful = true, Checkpointing = checkpointing };
        if (interval > 0)
        {
            checkpointing.Interval = Duration.FromTimeSpan(TimeSpan.FromMilliseconds((double)interval.Value));
            Decide(intervalKey, Mapped, "state.checkpointing.interval");
        }
        var backendKey = Name("state.backend.type");
        var backend = (Get(backendKey) ?? "hashmap").ToLowerInvariant();
        var kind = backend switch
        {
            "rocksdb" => StoreKind.Rocksdb,
            "hashmap" or "filesystem" or "jobmanager" => StoreKind.InMemory,
            _ => StoreKind.Unspecified,
        };
        if (kind != StoreKind.Unspecified)
        {
            _spec.State.Stores.Add(new StateStore { Name = StoreName, Kind = kind });
            Decide(backendKey, Mapped, $"state.stores[0].kind", $"the job's keyed state, in a '{StoreName}' store");
        }
        return true;
    }

    private void Configuration(bool stateful)
    {
        foreach (var key in _entries.Keys.Where(key => !key.StartsWith("spec.", StringComparison.Ordinal) && !key.StartsWith("metadata.", StringComparison.Ordinal) && !_decided.ContainsKey(key)).ToList())
        {
            var current = _reference.Flink1To2.GetValueOrDefault(key, key);
            var value = _entries[key].Value;
            switch (current)
            {
                case "taskmanager.numberOfTaskSlots" when value == "1":
                    Decide(key, Mapped, "resources", "one slot per TaskManager, as Sluice lays jobs out");
                    break;
                case "execution.checkpointing.mode" when stateful && value.ToUpperInvariant() is "EXACTLY_ONCE" or "AT_LEAST_ONCE":
                    _spec.State.Checkpointing.Mode = value.ToUpperInvariant() == "EXACTLY_ONCE" ? CheckpointMode.ExactlyOnce : CheckpointMode.AtLeastOnce;
                    Decide(key, Mapped, "state.checkpointing.mode");
                    break;
                case "execution.checkpointing.timeout" when stateful && FlinkValues.DurationMillis(value) is > 0 and var timeout:
                    _spec.State.Checkpointing.Timeout = Duration.FromTimeSpan(TimeSpan.FromMilliseconds((double)timeout));
                    Decide(key, Mapped, "state.checkpointing.timeout");
                    break;
                case "execution.checkpointing.num-retained" when stateful && int.TryParse(value, CultureInfo.InvariantCulture, out var retained) && retained > 0:
                    _spec.State.Checkpointing.Retained = retained;
                    Decide(key, Mapped, "state.checkpointing.retained");
                    break;
                case "execution.checkpointing.incremental" when stateful && _spec.State.Stores.Any(store => store.Kind == StoreKind.Rocksdb):
                    _spec.State.Checkpointing.Incremental = value.Equals("true", StringComparison.OrdinalIgnoreCase);
                    Decide(key, Mapped, "state.checkpointing.incremental");
                    break;
                case "execution.checkpointing.dir" when stateful:
                    _fabric.CheckpointBaseDir = Directory(key, "fabric.flink.checkpointBaseDir");
                    break;
                case "execution.checkpointing.savepoint-dir" when stateful:
                    _fabric.SavepointBaseDir = Directory(key, "fabric.flink.savepointBaseDir");
                    break;
                case "high-availability.storageDir" when (Get(Name("high-availability.type")) ?? "").Equals("kubernetes", StringComparison.OrdinalIgnoreCase):
                    _fabric.HighAvailabilityDir = Directory(key, "fabric.flink.highAvailabilityDir");
                    break;
                case "high-availability.type" when value.Equals("kubernetes", StringComparison.OrdinalIgnoreCase) && Get("high-availability.storageDir") is not null:
                    Decide(key, Platform, "fabric.flink.highAvailabilityDir", "Kubernetes HA, which Sluice sets up when the fabric has an HA directory");
                    break;
                case "restart-strategy.type" when value is "exponential-delay" or "exponentialdelay":
                    Decide(key, Platform, "", "Sluice's restart policy");
                    break;
                case "state.backend.type" when !stateful && value.ToLowerInvariant() is "hashmap" or "filesystem":
                    Decide(key, Default, "", "Flink's default backend (hashmap; 1.x's 'filesystem' is hashmap with file checkpoints)");
                    break;
                case "job.autoscaler.enabled":
                    (_spec.Autoscaling ??= new Autoscaling()).Enabled = value.Equals("true", StringComparison.OrdinalIgnoreCase);
                    Decide(key, Mapped, "autoscaling.enabled");
                    break;
                case "job.autoscaler.vertex.min-parallelism" when int.TryParse(value, CultureInfo.InvariantCulture, out var min):
                    (_spec.Autoscaling ??= new Autoscaling()).MinParallelism = min;
                    Decide(key, Mapped, "autoscaling.minParallelism");
                    break;
                case "job.autoscaler.vertex.max-parallelism" when int.TryParse(value, CultureInfo.InvariantCulture, out var autoMax):
                    (_spec.Autoscaling ??= new Autoscaling()).MaxParallelism = autoMax;
                    Decide(key, Mapped, "autoscaling.maxParallelism");
                    break;
                case "job.autoscaler.utilization.target" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var target):
                    (_spec.Autoscaling ??= new Autoscaling()).TargetUtilization = target;
                    Decide(key, Mapped, "autoscaling.targetUtilization");
                    break;
                case "jobmanager.scheduler" when value == "adaptive" && Get("job.autoscaler.enabled") == "true":
                    Decide(key, Platform, "", "Sluice's scheduler for autoscaled jobs");
                    break;
                case var addressing when FlinkClusterKeys.Addressing.Contains(addressing):
                    Decide(key, Platform, "", "a standalone cluster's address or port; the Kubernetes operator sets it");
                    break;
                default:
                    if (_reference.FlinkCatalog.Contains(key))
                    {
                        KeepOverride(key, "no JobSpec field carries it");
                    }
                    else
                    {
                        var nearest = ReferenceData.NearestKey(key, _reference.FlinkKeys.Keys);
                        _overrides[OverrideKey(key)] = value;
                        Decide(key, Unknown, nearest ?? "", nearest is null
                            ? "not in the reference Flink key lists (a plugin's or the job's own setting?); kept as an override"
                            : $"not in the reference Flink key lists; did you mean '{nearest}'? Kept as an override");
                    }
                    break;
            }
        }
        if (stateful)
        {
            _fabric.CheckpointBaseDir = NonEmpty(_fabric.CheckpointBaseDir, "checkpoints");
            _fabric.SavepointBaseDir = NonEmpty(_fabric.SavepointBaseDir, "savepoints");
        }
        if (_spec.Upgrade.Mode == UpgradeMode.LastState)
        {
            _fabric.HighAvailabilityDir = NonEmpty(_fabric.HighAvailabilityDir, "ha");
        }
    }

    /// <summary>A directory in Sluice's per-job layout (base/&lt;job&gt;) gives the fabric its base; any other is kept as an override.</summary>
    private string Directory(string key, string fabricField)
    {
        var value = _entries[key].Value.TrimEnd('/');
        var suffix = "/" + _spec.Name;
        if (_spec.Name.Length > 0 && value.EndsWith(suffix, StringComparison.Ordinal))
        {
            Decide(key, Platform, fabricField, "follows Sluice's per-job layout <base>/<job>");
            return value[..^suffix.Length];
        }
        KeepOverride(key, $"state lives there, so the path is kept (Sluice's layout would be <{fabricField}>/{_spec.Name})");
        return value;
    }

    private static string NonEmpty(string value, string what) => value.Length > 0 ? value : PlatformPlaceholder + what;

    private void ResourceFields()
    {
        foreach (var key in _entries.Keys.Where(key => key.StartsWith("spec.", StringComparison.Ordinal) && !_decided.ContainsKey(key)).ToList())
        {
            var value = _entries[key].Value;
            switch (key)
            {
                case "spec.job.state" when value == "running":
                    Decide(key, Default, "", "Sluice starts jobs running");
                    break;
                case "spec.job.state":
                    Decide(key, Refused, "", $"the job is '{value}'; migrate it while it runs");
                    break;
                case "spec.mode" when value == "native":
                    Decide(key, Default, "", "the operator's default mode");
                    break;
                case "spec.jobManager.replicas" or "spec.taskManager.replicas" when value == "1":
                    Decide(key, Default, "", "one replica");
                    break;
                case var trigger when FlinkClusterKeys.Triggers.Contains(trigger):
                    Decide(key, Platform, "", "an operator trigger or first-start savepoint; the cut-over restores from its own savepoint");
                    break;
                default:
                    Decide(key, Refused, "", Refusal(key));
                    break;
            }
        }
    }

    private static string Refusal(string key) => key switch
    {
        _ when key.Contains("podTemplate", StringComparison.Ordinal) => "a pod template: pods are the platform's business; Sluice renders none",
        "spec.ingress" => "an ingress: Sluice renders none",
        "spec.logConfiguration" => "a log configuration: logging is the platform's business",
        _ => "a FlinkDeployment field Sluice does not render",
    };

    private void Datasets()
    {
        if (_annotations.Sources is { } sources)
        {
            _spec.Sources.Add(sources.Select(Dataset));
        }
        else
        {
            Missing("sources", "a Flink jar job opens its sources in code; the deployment does not list them",
                "sources:\n  - {system: kafka, cluster: <platform Kafka cluster>, name: <topic>}");
        }
        if (_annotations.Sinks is { } sinks)
        {
            _spec.Sinks.Add(sinks.Select(Dataset));
        }
        else
        {
            Missing("sinks", "a Flink jar job opens its sinks in code; the deployment does not list them",
                "sinks:\n  - {system: kafka, cluster: <platform Kafka cluster>, name: <topic>}   # or `sinks: []` if it writes none");
        }
    }

    /// <summary>The platform Kafka clusters the annotated datasets name, from the annotations' systems; a cluster they do not describe is missing.</summary>
    private IEnumerable<KafkaCluster> KafkaClusters()
    {
        var names = _spec.Sources.Concat(_spec.Sinks).Where(dataset => dataset.System == "kafka").Select(dataset => dataset.Cluster).Distinct(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var (system, annotation) = _annotations.Systems.FirstOrDefault(pair => (pair.Value.Cluster ?? pair.Key) == name);
            if (annotation?.BootstrapServers is { } servers)
            {
                yield return new KafkaCluster { Name = name, BootstrapServers = servers, ZookeeperConnect = annotation.ZookeeperConnect ?? "" };
            }
            else
            {
                Missing($"kafkaClusters[{name}].bootstrapServers", $"a dataset is on Kafka cluster '{name}', which the annotations do not describe",
                    $"systems:\n  {system ?? name}:\n    bootstrapServers: <host:port,...>");
            }
        }
    }

    private static Dataset Dataset(DatasetAnnotation annotation) =>
        new() { System = annotation.System, Cluster = annotation.Cluster, Name = annotation.Name, Format = annotation.Format };

    /// <summary>
    /// Keys the owner keeps at their legacy value: a key the file sets keeps its value; a documented key it leaves
    /// out keeps its effective legacy value (the default, made explicit).
    /// </summary>
    private void Keep()
    {
        IReadOnlyDictionary<string, string>? effective = null;
        foreach (var key in _annotations.Keep)
        {
            if (key.StartsWith("spec.", StringComparison.Ordinal) || key.StartsWith("metadata.", StringComparison.Ordinal))
            {
                Missing($"keep[{key}]", $"the annotations keep '{key}', which is a resource field, not a Flink key", "keep: [<a Flink configuration key>]");
                continue;
            }
            if (_entries.TryGetValue(key, out var entry))
            {
                _overrides[OverrideKey(key)] = entry.Value;
                _decided[key] = _decided[key] with { Disposition = Override, Target = OverrideKey(key), Note = "kept by the annotations" };
                continue;
            }
            effective ??= FlinkNormalizer.Normalize(_entries.Values, _reference);
            if (effective.TryGetValue(_reference.Flink1To2.GetValueOrDefault(key, key), out var value))
            {
                _overrides[OverrideKey(key)] = value;
                _notes.Add($"{key}: kept at its legacy default '{value}' by the annotations");
            }
            else
            {
                Missing($"keep[{key}]", $"the annotations keep '{key}', which the file does not set and which has no documented default", "keep: [<a Flink configuration key>]");
            }
        }
    }

    private void KeepOverride(string key, string why)
    {
        _overrides[OverrideKey(key)] = _entries[key].Value;
        Decide(key, Override, OverrideKey(key), why);
    }

    /// <summary>`flink.` and the key as the target Flink version names it, so the override replaces what the compiler writes.</summary>
    private string OverrideKey(string key)
    {
        var current = _reference.Flink1To2.GetValueOrDefault(key, key);
        var version = Sluice.Runtimes.Flink.FlinkVersion.TryParse(_fabric.FlinkVersion);
        var named = version is { Major: < 2 } ? _reference.Flink1To2.FirstOrDefault(pair => pair.Value == current).Key ?? current : current;
        return $"flink.{named}";
    }

    /// <summary>Records a decision for a key the file sets; keys it does not set are skipped.</summary>
    private void Decide(string key, KeyDisposition disposition, string target, string note = "")
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            _decided[key] = new KeyMapping(key, entry.Value, entry.Line, disposition, target, note);
        }
    }

    private void Missing(string field, string why, string annotation) => _missing.Add(new MissingInformation(field, why, annotation));

    /// <summary>The name the file uses for a Flink 2 key: the 2.x name, or its 1.x name when only that is present.</summary>
    private string Name(string flink2Key) =>
        _entries.ContainsKey(flink2Key) ? flink2Key : _reference.Flink1To2.FirstOrDefault(pair => pair.Value == flink2Key).Key is { } old && _entries.ContainsKey(old) ? old : flink2Key;

    private string? Get(string key) => _entries.TryGetValue(key, out var entry) ? entry.Value : null;

    private long? Integer(string key) => Get(key) is { } text && long.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : null;
}
