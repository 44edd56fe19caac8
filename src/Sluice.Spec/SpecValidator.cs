using Google.Protobuf.WellKnownTypes;
using Sluice.Spec.V1;

namespace Sluice.Spec;

/// <summary>
/// The rules a JobSpec must follow beyond its shape: names, bounds that must agree with each other, state that
/// can survive an upgrade, placement on fabrics the platform knows. Every finding, not just the first.
/// </summary>
public static class SpecValidator
{
    /// <summary>Dataset systems Sluice knows the identity rules of; test connectors are allowed but non-durable.</summary>
    public static readonly IReadOnlySet<string> KnownSystems = new HashSet<string>(StringComparer.Ordinal)
    {
        "kafka", "kinesis", "pulsar", "filesystem", "jdbc", "iceberg", "elasticsearch", "hbase", "pubsub",
        "bigquery", "mongodb", "hive", "datagen", "print", "blackhole", "faker",
    };

    public static readonly IReadOnlySet<string> NonDurableSystems = new HashSet<string>(StringComparer.Ordinal)
    {
        "datagen", "print", "blackhole", "faker",
    };

    public static readonly IReadOnlyList<string> OverridePrefixes = ["flink.", "samza."];

    public static IReadOnlyList<Diagnostic> Validate(JobSpec spec, PlatformConfig? platform = null)
    {
        var found = new List<Diagnostic>();
        ValidateIdentity(spec, found);
        ValidateArtifact(spec, found);
        ValidateDatasets(spec.Sources, "sources", found, spec.Artifact?.KindCase == Artifact.KindOneofCase.Sql);
        ValidateDatasets(spec.Sinks, "sinks", found);
        ValidateState(spec, found);
        ValidateResources(spec.Resources, found);
        ValidateAutoscaling(spec, found);
        ValidatePlacement(spec.Placement, platform, found);
        ValidateObservability(spec.Observability, found);
        ValidateOverrides(spec, found);
        return found;
    }

    private static void ValidateIdentity(JobSpec spec, List<Diagnostic> found)
    {
        RequireLabel(spec.Name, "name", found);
        RequireLabel(spec.Namespace, "namespace", found);
        foreach (var (key, value) in spec.Labels)
        {
            var path = FieldPath.Key("labels", key);
            if (!Names.IsLabelKey(key))
            {
                found.Add(Diagnostic.Error(path, $"'{key}' is not a valid label key (optional DNS prefix and '/', then at most 63 of A-Z a-z 0-9 - _ .)"));
            }
            if (!Names.IsLabelValue(value))
            {
                found.Add(Diagnostic.Error(path, $"'{value}' is not a valid label value (at most 63 of A-Z a-z 0-9 - _ ., starting and ending alphanumeric)"));
            }
        }
    }

    private static void RequireLabel(string value, string path, List<Diagnostic> found)
    {
        if (value.Length == 0)
        {
            found.Add(Diagnostic.Error(path, "is required"));
        }
        else if (!Names.IsDns1123Label(value))
        {
            found.Add(Diagnostic.Error(path, $"'{value}' is not {Names.Dns1123Expected}"));
        }
    }

    private static void ValidateArtifact(JobSpec spec, List<Diagnostic> found)
    {
        switch (spec.Artifact?.KindCase ?? Artifact.KindOneofCase.None)
        {
            case Artifact.KindOneofCase.None:
                found.Add(Diagnostic.Error("artifact", "is required: a jar (uri, entryClass) or sql (dialect, script)"));
                break;
            case Artifact.KindOneofCase.Jar:
                var jar = spec.Artifact!.Jar;
                if (jar.Uri.Length == 0)
                {
                    found.Add(Diagnostic.Error("artifact.jar.uri", "is required"));
                }
                else if (!Uri.TryCreate(jar.Uri, UriKind.Absolute, out _))
                {
                    found.Add(Diagnostic.Error("artifact.jar.uri", $"'{jar.Uri}' is not an absolute URI (https://, s3://, hdfs://, file://, local://)"));
                }
                if (jar.EntryClass.Length == 0)
                {
                    found.Add(Diagnostic.Error("artifact.jar.entryClass", "is required: the job's main class"));
                }
                break;
            case Artifact.KindOneofCase.Sql:
                var sql = spec.Artifact!.Sql;
                if (sql.Dialect == SqlDialect.Unspecified)
                {
                    found.Add(Diagnostic.Error("artifact.sql.dialect", "is required: flink-sql or beam-sql"));
                }
                if (string.IsNullOrWhiteSpace(sql.Script))
                {
                    found.Add(Diagnostic.Error("artifact.sql.script", "is required"));
                }
                break;
        }
    }

    private static void ValidateDatasets(IList<Dataset> datasets, string path, List<Diagnostic> found, bool sql = false)
    {
        // A SQL job's sources are found by analysis, which may rightly find none (VALUES, a script of DDL only).
        if (path == "sources" && datasets.Count == 0 && !sql)
        {
            found.Add(Diagnostic.Error(path, "a job needs at least one source"));
        }
        var seen = new Dictionary<string, int>();
        for (var i = 0; i < datasets.Count; i++)
        {
            var dataset = datasets[i];
            var at = FieldPath.Index(path, i);
            if (dataset.System.Length == 0)
            {
                found.Add(Diagnostic.Error(FieldPath.Field(at, "system"), "is required (kafka, kinesis, filesystem, jdbc, ...)"));
            }
            else if (!KnownSystems.Contains(dataset.System))
            {
                var nearest = Spelling.Nearest(dataset.System, KnownSystems);
                found.Add(Diagnostic.Error(FieldPath.Field(at, "system"),
                    $"unknown system '{dataset.System}'" + (nearest is null ? $"; known: {string.Join(", ", KnownSystems.Order())}" : $"; did you mean '{nearest}'?")));
            }
            if (dataset.Name.Length == 0 && !NonDurableSystems.Contains(dataset.System))
            {
                found.Add(Diagnostic.Error(FieldPath.Field(at, "name"), "is required: the topic, table, stream or path"));
            }
            if (dataset.System is "kafka" or "kinesis" or "pulsar" && dataset.Cluster.Length == 0)
            {
                found.Add(Diagnostic.Error(FieldPath.Field(at, "cluster"), $"is required for {dataset.System}: the cluster that holds '{dataset.Name}'"));
            }
            if (dataset.Partitions < 0)
            {
                found.Add(Diagnostic.Error(FieldPath.Field(at, "partitions"), "must not be negative"));
            }
            var uri = DatasetUri.Of(dataset);
            if (dataset.Name.Length > 0 && !seen.TryAdd(uri, i))
            {
                found.Add(Diagnostic.Error(at, $"{uri} is listed twice (also {FieldPath.Index(path, seen[uri])})"));
            }
        }
    }

    private static void ValidateState(JobSpec spec, List<Diagnostic> found)
    {
        var state = spec.State ?? new State();
        var upgrade = spec.Upgrade?.Mode ?? UpgradeMode.Unspecified;
        var checkpointed = state.Checkpointing?.Interval is { } interval && IsPositive(interval);
        if (state.Stateful && upgrade == UpgradeMode.Stateless && !checkpointed)
        {
            found.Add(Diagnostic.Error("upgrade.mode",
                "a stateful job with `stateless` upgrades and no checkpointing loses its state on every upgrade and failure; use savepoint or last-state, or set state.checkpointing.interval"));
        }
        if (!state.Stateful && upgrade == UpgradeMode.Savepoint)
        {
            found.Add(Diagnostic.Warning("upgrade.mode", "savepoint upgrades on a stateless job (state.stateful: false) take savepoints of nothing"));
        }
        if (!state.Stateful && upgrade == UpgradeMode.LastState)
        {
            found.Add(Diagnostic.Warning("upgrade.mode", "last-state upgrades on a stateless job (state.stateful: false) restore nothing"));
        }
        if (!state.Stateful && state.Stores.Count > 0)
        {
            found.Add(Diagnostic.Error("state.stores", "state stores are declared but state.stateful is false"));
        }
        var names = new HashSet<string>();
        for (var i = 0; i < state.Stores.Count; i++)
        {
            var store = state.Stores[i];
            var at = FieldPath.Index("state.stores", i);
            RequireLabel(store.Name, FieldPath.Field(at, "name"), found);
            if (store.Name.Length > 0 && !names.Add(store.Name))
            {
                found.Add(Diagnostic.Error(FieldPath.Field(at, "name"), $"store '{store.Name}' is declared twice"));
            }
            if (store.Ttl is { } ttl && !IsPositive(ttl))
            {
                found.Add(Diagnostic.Error(FieldPath.Field(at, "ttl"), "must be positive"));
            }
        }
        if (state.Checkpointing is { } checkpointing)
        {
            if (checkpointing.Interval is { } every && !IsPositive(every))
            {
                found.Add(Diagnostic.Error("state.checkpointing.interval", "must be positive"));
            }
            if (checkpointing.Timeout is { } timeout && !IsPositive(timeout))
            {
                found.Add(Diagnostic.Error("state.checkpointing.timeout", "must be positive"));
            }
            if (checkpointing.Retained < 0)
            {
                found.Add(Diagnostic.Error("state.checkpointing.retained", "must not be negative"));
            }
        }
    }

    private static void ValidateResources(Resources? resources, List<Diagnostic> found)
    {
        if (resources is null)
        {
            return;
        }
        if (resources.Parallelism < 0)
        {
            found.Add(Diagnostic.Error("resources.parallelism", "must be at least 1"));
        }
        if (resources.MaxParallelism < 0)
        {
            found.Add(Diagnostic.Error("resources.maxParallelism", "must be at least 1"));
        }
        if (resources.MaxParallelism > 0 && resources.Parallelism > resources.MaxParallelism)
        {
            found.Add(Diagnostic.Error("resources.parallelism",
                $"{resources.Parallelism} is greater than resources.maxParallelism ({resources.MaxParallelism})"));
        }
        ValidateSize(resources.Task, "resources.task", found);
        ValidateSize(resources.Coordinator, "resources.coordinator", found);
    }

    private static void ValidateSize(ComputeSize? size, string path, List<Diagnostic> found)
    {
        if (size is null)
        {
            return;
        }
        if (size.Cpu < 0 || double.IsNaN(size.Cpu))
        {
            found.Add(Diagnostic.Error(FieldPath.Field(path, "cpu"), "must be a positive number of cores"));
        }
        if (size.Memory.Length > 0 && (!Quantity.TryParseBytes(size.Memory, out var bytes) || bytes < 1L << 20))
        {
            found.Add(Diagnostic.Error(FieldPath.Field(path, "memory"), $"'{size.Memory}' is not {Quantity.Expected} of at least 1Mi"));
        }
    }

    private static void ValidateAutoscaling(JobSpec spec, List<Diagnostic> found)
    {
        var scaling = spec.Autoscaling;
        if (scaling is null)
        {
            return;
        }
        if (scaling.MinParallelism < 0)
        {
            found.Add(Diagnostic.Error("autoscaling.minParallelism", "must be at least 1"));
        }
        if (scaling.MaxParallelism < 0)
        {
            found.Add(Diagnostic.Error("autoscaling.maxParallelism", "must be at least 1"));
        }
        if (scaling.MaxParallelism > 0 && scaling.MinParallelism > scaling.MaxParallelism)
        {
            found.Add(Diagnostic.Error("autoscaling.minParallelism",
                $"{scaling.MinParallelism} is greater than autoscaling.maxParallelism ({scaling.MaxParallelism})"));
        }
        if (scaling.Enabled && scaling.MaxParallelism == 0)
        {
            found.Add(Diagnostic.Error("autoscaling.maxParallelism", "is required when autoscaling is enabled"));
        }
        var jobMax = spec.Resources?.MaxParallelism ?? 0;
        if (jobMax > 0 && scaling.MaxParallelism > jobMax)
        {
            found.Add(Diagnostic.Error("autoscaling.maxParallelism",
                $"{scaling.MaxParallelism} is greater than resources.maxParallelism ({jobMax}), which bounds rescaling of keyed state"));
        }
        if (scaling.TargetUtilization < 0 || scaling.TargetUtilization > 1)
        {
            found.Add(Diagnostic.Error("autoscaling.targetUtilization", $"{scaling.TargetUtilization} is not in (0, 1]"));
        }
    }

    private static void ValidatePlacement(Placement? placement, PlatformConfig? platform, List<Diagnostic> found)
    {
        if (placement is null)
        {
            return;
        }
        var seen = new HashSet<string>();
        for (var i = 0; i < placement.Fabrics.Count; i++)
        {
            var fabric = placement.Fabrics[i];
            var at = FieldPath.Index("placement.fabrics", i);
            if (!seen.Add(fabric))
            {
                found.Add(Diagnostic.Error(at, $"fabric '{fabric}' is listed twice"));
            }
            else if (platform is not null && platform.Fabrics.All(f => f.Name != fabric))
            {
                var known = platform.Fabrics.Select(f => f.Name).ToList();
                var nearest = Spelling.Nearest(fabric, known);
                found.Add(Diagnostic.Error(at, $"unknown fabric '{fabric}'" +
                    (nearest is null ? $"; the platform has: {string.Join(", ", known)}" : $"; did you mean '{nearest}'?")));
            }
        }
    }

    private static void ValidateObservability(Observability? observability, List<Diagnostic> found)
    {
        if (observability is null)
        {
            return;
        }
        for (var i = 0; i < observability.Alerts.Count; i++)
        {
            var alert = observability.Alerts[i];
            var at = FieldPath.Index("observability.alerts", i);
            if (alert.Kind == AlertKind.Unspecified)
            {
                found.Add(Diagnostic.Error(FieldPath.Field(at, "kind"), "is required: consumer-lag, restarts, checkpoint-failures or backpressure"));
            }
            if (alert.Threshold <= 0)
            {
                found.Add(Diagnostic.Error(FieldPath.Field(at, "threshold"), "must be positive"));
            }
            if (alert.For is { } window && !IsPositive(window))
            {
                found.Add(Diagnostic.Error(FieldPath.Field(at, "for"), "must be positive"));
            }
        }
    }

    private static void ValidateOverrides(JobSpec spec, List<Diagnostic> found)
    {
        foreach (var (key, value) in spec.Overrides)
        {
            var path = FieldPath.Key("overrides", key);
            var prefix = OverridePrefixes.FirstOrDefault(p => key.StartsWith(p, StringComparison.Ordinal));
            if (prefix is null || key.Length == prefix.Length)
            {
                found.Add(Diagnostic.Error(path, "framework overrides must be namespaced: flink.<key> or samza.<key>"));
            }
            else
            {
                found.Add(Diagnostic.Warning(path, $"framework override: {prefix[..^1]} key '{key[prefix.Length..]}' = '{value}' is passed through unchecked by Sluice"));
            }
        }
    }

    private static bool IsPositive(Duration duration) => duration.Seconds > 0 || (duration.Seconds == 0 && duration.Nanos > 0);
}
