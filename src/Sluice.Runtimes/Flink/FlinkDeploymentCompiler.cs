using System.Globalization;
using Sluice.Runtimes.Compilation;
using Sluice.Spec.V1;

namespace Sluice.Runtimes.Flink;

/// <summary>
/// JobSpec → FlinkDeployment (application mode, native Kubernetes). A pure function: the same inputs always give
/// the same manifest, and an input it cannot honour is a <see cref="CompilationException"/> listing every problem.
/// </summary>
public static class FlinkDeploymentCompiler
{
    /// <summary>Used when a stateful job does not say how often to checkpoint.</summary>
    public static readonly TimeSpan DefaultCheckpointInterval = TimeSpan.FromMinutes(1);

    public static FlinkCompilation Compile(JobSpec spec, PlatformConfig platform, Fabric fabric)
    {
        var problems = new Problems();
        var notes = new List<string>();
        var flink = FlinkFabricSettings(fabric, problems);
        var version = flink is null ? null : FlinkVersion.TryParse(flink.FlinkVersion);
        if (flink is not null && version is null && flink.FlinkVersion.Length > 0)
        {
            problems.Add($"fabric {fabric.Name}: flink.flinkVersion", $"'{flink.FlinkVersion}' is not in the operator's form (e.g. v1_20, v2_1)");
        }

        var resources = EffectiveResources.Resolve(spec, fabric, platform, problems);
        KafkaDatasets.Resolve(spec, platform, problems);
        var overrides = RuntimeOverrides.For(spec, RuntimeOverrides.FlinkPrefix, problems);
        var program = Program(spec, flink, fabric, problems);
        var stateful = IsStateful(spec);
        var upgradeMode = UpgradeMode(spec, stateful, notes);

        var configuration = new List<KeyValuePair<string, string>>();
        if (flink is not null && version is not null)
        {
            var keys = new ConfigurationBuilder(version, configuration);
            Parallelism(keys, resources, problems);
            if (program.UdfJars.Count > 0)
            {
                keys.Set(FlinkKeys.PipelineClasspaths, string.Join(";", program.UdfJars));
            }
            Checkpointing(keys, spec, stateful, flink, fabric, upgradeMode, problems, notes);
            StateTtl(keys, spec, notes);
            keys.Set(FlinkKeys.RestartStrategy, "exponential-delay");
            HighAvailability(keys, spec, flink, fabric, upgradeMode, problems);
            Autoscaling(keys, spec, resources, problems);
            RuntimeOverrides.ApplyTo(configuration, overrides);
        }

        problems.ThrowIfAny($"job {spec.Namespace}/{spec.Name} for flink on fabric {fabric.Name}");
        var manifest = new FlinkDeploymentManifest(
            new FlinkObjectMeta(spec.Name, flink!.Namespace, Labels(spec)),
            new FlinkDeploymentSpec(
                flink.Image,
                flink.FlinkVersion,
                flink.ServiceAccount,
                configuration,
                Process(resources.Coordinator),
                Process(resources.Task),
                new FlinkJob(program.JarUri, program.EntryClass, program.Args, resources.Parallelism, upgradeMode,
                    "running", spec.Upgrade?.AllowNonRestoredState ?? false)));
        return new FlinkCompilation(manifest, notes);
    }

    private static FlinkFabric? FlinkFabricSettings(Fabric fabric, Problems problems)
    {
        var flink = fabric.Flink;
        if (flink is null)
        {
            problems.Add($"fabric {fabric.Name}", "has no flink section, so Flink jobs cannot run there");
            return null;
        }
        Require(flink.Namespace, "namespace");
        Require(flink.Image, "image");
        Require(flink.FlinkVersion, "flinkVersion");
        Require(flink.ServiceAccount, "serviceAccount");
        return flink;

        void Require(string value, string field)
        {
            if (string.IsNullOrEmpty(value))
            {
                problems.Add($"fabric {fabric.Name}: flink.{field}", "is required to run Flink jobs");
            }
        }
    }

    private sealed record FlinkProgram(string JarUri, string? EntryClass, IReadOnlyList<string> Args, IReadOnlyList<string> UdfJars);

    private static FlinkProgram Program(JobSpec spec, FlinkFabric? flink, Fabric fabric, Problems problems)
    {
        var artifact = spec.Artifact;
        switch (artifact?.KindCase)
        {
            case Artifact.KindOneofCase.Jar:
                var jar = artifact.Jar;
                if (string.IsNullOrEmpty(jar.Uri))
                {
                    problems.Add("artifact.jar.uri", "is required");
                }
                if (jar.EntryKind == EntryKind.Task)
                {
                    problems.Add("artifact.jar.entryKind", "Flink runs application entry classes only; a per-partition task class runs on Samza");
                }
                return new FlinkProgram(jar.Uri, jar.EntryClass, jar.Args.ToArray(), []);
            case Artifact.KindOneofCase.Sql:
                var sql = artifact.Sql;
                var runner = SqlRunner(sql.Dialect, flink, fabric, problems);
                if (string.IsNullOrWhiteSpace(sql.Script))
                {
                    problems.Add("artifact.sql.script", "is empty");
                }
                var udfJars = sql.Functions.SelectMany(function => function.Jars).Distinct(StringComparer.Ordinal).ToArray();
                // The SQL runner receives the whole script as its one argument.
                return new FlinkProgram(runner.Jar, runner.EntryClass, [sql.Script], udfJars);
            default:
                problems.Add("artifact", "names neither a jar nor a SQL script");
                return new FlinkProgram("", null, [], []);
        }
    }

    /// <summary>
    /// Flink SQL runs through the platform's SQL runner; Beam SQL through a Beam pipeline on Beam's Flink runner.
    /// Either is a jar the platform names per fabric.
    /// </summary>
    private static (string Jar, string? EntryClass) SqlRunner(SqlDialect dialect, FlinkFabric? flink, Fabric fabric, Problems problems)
    {
        var (jar, entryClass, field) = dialect switch
        {
            SqlDialect.FlinkSql => (flink?.SqlRunnerJar, flink?.SqlRunnerClass, "sqlRunnerJar"),
            SqlDialect.BeamSql => (flink?.BeamSqlRunnerJar, flink?.BeamSqlRunnerClass, "beamSqlRunnerJar"),
            _ => (null, null, null),
        };
        if (field is null)
        {
            problems.Add("artifact.sql.dialect", "is required: flink-sql or beam-sql");
        }
        else if (flink is not null && string.IsNullOrEmpty(jar))
        {
            problems.Add($"fabric {fabric.Name}: flink.{field}", $"is required to run {Kebab(dialect)} artifacts");
        }
        return (jar ?? "", string.IsNullOrEmpty(entryClass) ? null : entryClass);
    }

    private static bool IsStateful(JobSpec spec) =>
        (spec.State is { } state && (state.Stateful || state.Stores.Count > 0 || Durations.IsSet(state.Checkpointing?.Interval)))
        || spec.Artifact?.Sql?.StatefulOperators.Count > 0;

    private static string UpgradeMode(JobSpec spec, bool stateful, List<string> notes)
    {
        switch (spec.Upgrade?.Mode ?? Spec.V1.UpgradeMode.Unspecified)
        {
            case Spec.V1.UpgradeMode.Stateless: return "stateless";
            case Spec.V1.UpgradeMode.Savepoint: return "savepoint";
            case Spec.V1.UpgradeMode.LastState: return "last-state";
            default:
                var mode = stateful ? "savepoint" : "stateless";
                notes.Add($"upgrade.mode: not set; a {(stateful ? "stateful" : "stateless")} job upgrades with '{mode}'");
                return mode;
        }
    }

    private static void Parallelism(ConfigurationBuilder keys, EffectiveResources resources, Problems problems)
    {
        keys.Set(FlinkKeys.ParallelismDefault, Integer(resources.Parallelism));
        if (resources.MaxParallelism is { } max)
        {
            if (max < resources.Parallelism)
            {
                problems.Add("resources.maxParallelism", $"{max} is below parallelism {resources.Parallelism}");
            }
            keys.Set(FlinkKeys.MaxParallelism, Integer(max));
        }
        // One slot per TaskManager: resources.task describes one parallel task, so one TaskManager pod.
        keys.Set(FlinkKeys.TaskSlots, "1");
    }

    private static void Checkpointing(ConfigurationBuilder keys, JobSpec spec, bool stateful, FlinkFabric flink, Fabric fabric,
        string upgradeMode, Problems problems, List<string> notes)
    {
        if (!stateful)
        {
            if (upgradeMode != "stateless")
            {
                problems.Add("upgrade.mode", $"'{upgradeMode}' keeps state, but the job declares none (state.stateful is false)");
            }
            return;
        }
        var checkpointing = spec.State.Checkpointing ?? new Checkpointing();
        if (Durations.IsSet(checkpointing.Interval))
        {
            keys.Set(FlinkKeys.CheckpointInterval, Durations.ToFlink(checkpointing.Interval));
        }
        else
        {
            var interval = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(DefaultCheckpointInterval);
            keys.Set(FlinkKeys.CheckpointInterval, Durations.ToFlink(interval));
            notes.Add($"state.checkpointing.interval: not set; checkpointing every {Durations.ToFlink(interval)}");
        }
        keys.Set(FlinkKeys.CheckpointMode, checkpointing.Mode == CheckpointMode.AtLeastOnce ? "AT_LEAST_ONCE" : "EXACTLY_ONCE");
        if (Durations.IsSet(checkpointing.Timeout))
        {
            keys.Set(FlinkKeys.CheckpointTimeout, Durations.ToFlink(checkpointing.Timeout));
        }
        if (checkpointing.Retained > 0)
        {
            keys.Set(FlinkKeys.CheckpointsRetained, Integer(checkpointing.Retained));
        }

        var rocksDb = spec.State.Stores.Count == 0 || spec.State.Stores.Any(store => store.Kind != StoreKind.InMemory);
        keys.Set(FlinkKeys.StateBackend, rocksDb ? "rocksdb" : "hashmap");
        if (checkpointing.Incremental)
        {
            if (rocksDb)
            {
                keys.Set(FlinkKeys.CheckpointIncremental, "true");
            }
            else
            {
                notes.Add("state.checkpointing.incremental: in-memory stores use the hashmap backend, which checkpoints in full");
            }
        }

        if (string.IsNullOrEmpty(flink.CheckpointBaseDir))
        {
            problems.Add($"fabric {fabric.Name}: flink.checkpointBaseDir", "is required for stateful jobs");
        }
        else
        {
            keys.Set(FlinkKeys.CheckpointDir, JobDirectory(flink.CheckpointBaseDir, spec.Name));
        }
        if (!string.IsNullOrEmpty(flink.SavepointBaseDir))
        {
            keys.Set(FlinkKeys.SavepointDir, JobDirectory(flink.SavepointBaseDir, spec.Name));
        }
        else if (upgradeMode == "savepoint")
        {
            problems.Add($"fabric {fabric.Name}: flink.savepointBaseDir", "is required for upgrade mode 'savepoint'");
        }
    }

    private static void StateTtl(ConfigurationBuilder keys, JobSpec spec, List<string> notes)
    {
        var ttls = spec.State?.Stores.Where(store => Durations.IsSet(store.Ttl)).ToArray() ?? [];
        if (ttls.Length == 0)
        {
            return;
        }
        if (spec.Artifact?.KindCase != Artifact.KindOneofCase.Sql)
        {
            notes.Add("state.stores[].ttl: a Flink jar job sets state TTL in its code (StateTtlConfig); no Flink key carries it");
            return;
        }
        // A SQL job has one state TTL for all its operators: the shortest the spec asks for.
        var shortest = ttls.MinBy(store => Durations.ToMilliseconds(store.Ttl))!;
        keys.Set(FlinkKeys.TableStateTtl, Durations.ToFlink(shortest.Ttl));
        if (ttls.Select(store => Durations.ToMilliseconds(store.Ttl)).Distinct().Count() > 1)
        {
            notes.Add($"state.stores[].ttl: Flink SQL has one state TTL; using the shortest, {Durations.ToFlink(shortest.Ttl)} (store '{shortest.Name}')");
        }
    }

    private static void HighAvailability(ConfigurationBuilder keys, JobSpec spec, FlinkFabric flink, Fabric fabric, string upgradeMode, Problems problems)
    {
        if (string.IsNullOrEmpty(flink.HighAvailabilityDir))
        {
            if (upgradeMode == "last-state")
            {
                problems.Add($"fabric {fabric.Name}: flink.highAvailabilityDir", "is required for upgrade mode 'last-state' (the operator needs HA metadata)");
            }
            return;
        }
        keys.Set(FlinkKeys.HighAvailability, "kubernetes");
        keys.Set(FlinkKeys.HighAvailabilityStorageDir, JobDirectory(flink.HighAvailabilityDir, spec.Name));
    }

    private static void Autoscaling(ConfigurationBuilder keys, JobSpec spec, EffectiveResources resources, Problems problems)
    {
        var autoscaling = spec.Autoscaling;
        if (autoscaling is not { Enabled: true })
        {
            return;
        }
        keys.Set(FlinkKeys.AutoscalerEnabled, "true");
        if (autoscaling.MinParallelism > 0)
        {
            keys.Set(FlinkKeys.AutoscalerMinParallelism, Integer(autoscaling.MinParallelism));
        }
        if (autoscaling.MaxParallelism > 0)
        {
            if (resources.MaxParallelism is { } max && autoscaling.MaxParallelism > max)
            {
                problems.Add("autoscaling.maxParallelism", $"{autoscaling.MaxParallelism} exceeds resources.maxParallelism {max}, which the job's state cannot scale past");
            }
            keys.Set(FlinkKeys.AutoscalerMaxParallelism, Integer(autoscaling.MaxParallelism));
        }
        if (autoscaling.TargetUtilization > 0)
        {
            keys.Set(FlinkKeys.AutoscalerTargetUtilization, autoscaling.TargetUtilization.ToString("0.###", CultureInfo.InvariantCulture));
        }
        // The adaptive scheduler lets the operator apply a new parallelism in place instead of a full redeploy.
        keys.Set(FlinkKeys.Scheduler, "adaptive");
    }

    private static IReadOnlyList<KeyValuePair<string, string>> Labels(JobSpec spec)
    {
        KeyValuePair<string, string>[] owned =
        [
            new("app.kubernetes.io/name", spec.Name),
            new("app.kubernetes.io/managed-by", "sluice"),
            new("sluice.io/namespace", spec.Namespace),
        ];
        return spec.Labels
            .Where(entry => owned.All(label => label.Key != entry.Key))
            .OrderBy(entry => entry.Key, StringComparer.Ordinal)
            .Concat(owned)
            .ToArray();
    }

    private static FlinkProcessResources Process(ComputeNeeds needs) => new(needs.Cpu, $"{needs.MemoryMebibytes}m");

    private static string JobDirectory(string baseUri, string jobName) => $"{baseUri.TrimEnd('/')}/{jobName}";

    private static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Kebab(SqlDialect dialect) => dialect switch
    {
        SqlDialect.BeamSql => "beam-sql",
        SqlDialect.FlinkSql => "flink-sql",
        _ => "unspecified",
    };

    /// <summary>Writes keys under the names the target Flink version knows.</summary>
    private sealed class ConfigurationBuilder(FlinkVersion version, List<KeyValuePair<string, string>> entries)
    {
        public void Set(string flink2Key, string value) => entries.Add(new(FlinkKeys.NameOn(version, flink2Key), value));
    }
}
