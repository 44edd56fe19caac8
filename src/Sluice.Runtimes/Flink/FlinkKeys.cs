namespace Sluice.Runtimes.Flink;

/// <summary>
/// The Flink configuration keys the compiler writes, in their Flink 2.x names, and their names on a Flink 1.x
/// cluster. The renames mirror flink-1x-key-names.tsv in the reference data (a test holds them equal).
/// </summary>
public static class FlinkKeys
{
    public const string ParallelismDefault = "parallelism.default";
    public const string MaxParallelism = "pipeline.max-parallelism";
    public const string PipelineClasspaths = "pipeline.classpaths";
    public const string TaskSlots = "taskmanager.numberOfTaskSlots";
    public const string CheckpointInterval = "execution.checkpointing.interval";
    public const string CheckpointMode = "execution.checkpointing.mode";
    public const string CheckpointTimeout = "execution.checkpointing.timeout";
    public const string CheckpointsRetained = "execution.checkpointing.num-retained";
    public const string CheckpointIncremental = "execution.checkpointing.incremental";
    public const string CheckpointDir = "execution.checkpointing.dir";
    public const string SavepointDir = "execution.checkpointing.savepoint-dir";
    public const string StateBackend = "state.backend.type";
    public const string TableStateTtl = "table.exec.state.ttl";
    public const string RestartStrategy = "restart-strategy.type";
    public const string HighAvailability = "high-availability.type";
    public const string HighAvailabilityStorageDir = "high-availability.storageDir";
    public const string Scheduler = "jobmanager.scheduler";
    public const string AutoscalerEnabled = "job.autoscaler.enabled";
    public const string AutoscalerMinParallelism = "job.autoscaler.vertex.min-parallelism";
    public const string AutoscalerMaxParallelism = "job.autoscaler.vertex.max-parallelism";
    public const string AutoscalerTargetUtilization = "job.autoscaler.utilization.target";

    /// <summary>Flink 2.x name → Flink 1.x name, for the keys Flink 2.0 renamed.</summary>
    public static IReadOnlyDictionary<string, string> Flink1Names { get; } = new Dictionary<string, string>
    {
        [StateBackend] = "state.backend",
        [CheckpointDir] = "state.checkpoints.dir",
        [SavepointDir] = "state.savepoints.dir",
        [CheckpointsRetained] = "state.checkpoints.num-retained",
        [CheckpointIncremental] = "state.backend.incremental",
        ["execution.checkpointing.storage"] = "state.checkpoint-storage",
        ["execution.state-recovery.path"] = "execution.savepoint.path",
        ["execution.state-recovery.ignore-unclaimed-state"] = "execution.savepoint.ignore-unclaimed-state",
        ["execution.state-recovery.claim-mode"] = "execution.savepoint-restore-mode",
        [RestartStrategy] = "restart-strategy",
        [HighAvailability] = "high-availability",
    };

    /// <summary>The name of a key on the given Flink version.</summary>
    public static string NameOn(FlinkVersion version, string flink2Name) =>
        version.Major < 2 && Flink1Names.TryGetValue(flink2Name, out var flink1Name) ? flink1Name : flink2Name;
}
