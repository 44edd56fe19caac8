using System.Globalization;
using Sluice.Migration.Legacy;
using Sluice.Runtimes.Compilation;
using Sluice.Runtimes.Flink;
using Sluice.Spec.V1;

namespace Sluice.Migration.CrossRuntime;

/// <summary>What a Samza notion becomes on Flink, and what that changes.</summary>
public sealed record MeaningChange(string Samza, string Flink, string Note);

/// <summary>A Samza-origin JobSpec rendered for Flink: the manifest (or why it cannot be), and every change of meaning.</summary>
public sealed record CrossRuntimeResult(JobSpec Spec, FlinkCompilation? Compilation, IReadOnlyList<string> Problems, IReadOnlyList<MeaningChange> Changes);

/// <summary>
/// Moves a job imported from Samza to Flink by changing its spec's runtime, not its code: the same JobSpec is
/// rendered by the Flink compiler, `samza.` overrides are dropped, and the report says what changes meaning.
/// </summary>
public static class SamzaToFlink
{
    /// <summary>The Flink fabric used when the caller names none; its paths are placeholders for the platform's.</summary>
    public static Fabric DefaultFabric() => new()
    {
        Name = "flink",
        Flink = new FlinkFabric
        {
            Namespace = "default",
            Image = "flink:2.2",
            FlinkVersion = "v2_2",
            ServiceAccount = "flink",
            CheckpointBaseDir = "platform://checkpoints",
            SavepointBaseDir = "platform://savepoints",
        },
    };

    public static CrossRuntimeResult Render(LegacyImport samza, Fabric? flinkFabric = null)
    {
        var fabric = (flinkFabric ?? DefaultFabric()).Clone();
        // What the Samza platform supplied where the spec is silent (the coordinator's CPU) still holds.
        fabric.DefaultResources ??= samza.Fabric.DefaultResources?.Clone();
        var spec = samza.Spec.Clone();
        spec.Runtime = Runtime.Flink;
        var changes = new List<MeaningChange>();
        foreach (var key in spec.Overrides.Keys.Where(key => key.StartsWith(RuntimeOverrides.SamzaPrefix, StringComparison.Ordinal)).ToList())
        {
            changes.Add(Override(key[RuntimeOverrides.SamzaPrefix.Length..], spec.Overrides[key]));
            spec.Overrides.Remove(key);
        }
        changes.InsertRange(0, Structural(spec, fabric));
        var platform = new PlatformConfig { DefaultRuntime = Runtime.Flink, KafkaClusters = { samza.Platform.KafkaClusters } };
        platform.Fabrics.Add(fabric);
        try
        {
            return new CrossRuntimeResult(spec, FlinkDeploymentCompiler.Compile(spec, platform, fabric), [], changes);
        }
        catch (CompilationException e)
        {
            return new CrossRuntimeResult(spec, null, e.Problems, changes);
        }
    }

    private static IEnumerable<MeaningChange> Structural(JobSpec spec, Fabric fabric)
    {
        var parallelism = spec.Resources?.Parallelism ?? 1;
        yield return new MeaningChange($"job.container.count={parallelism}", $"parallelism {parallelism}, one slot per TaskManager",
            "a Samza container runs several partition tasks; a Flink subtask reads the partitions assigned to it, so the same count spreads work differently");
        if (spec.Resources?.Task?.Memory is { Length: > 0 } memory)
        {
            yield return new MeaningChange($"container memory {memory}", $"TaskManager pod memory {memory}", "Flink divides it into heap, managed (RocksDB) and network memory");
        }
        if (spec.Artifact?.Jar is { EntryKind: EntryKind.Task } jar)
        {
            yield return new MeaningChange($"task.class {jar.EntryClass}", "(none)", "a StreamTask is Samza's per-partition callback; Flink runs programs, so this job must be rewritten, not re-rendered");
        }
        foreach (var store in spec.State?.Stores ?? [])
        {
            yield return store.Changelog
                ? new MeaningChange($"store '{store.Name}' with a changelog topic", $"keyed state in the {(store.Kind == StoreKind.InMemory ? "hashmap" : "rocksdb")} backend, checkpointed under {fabric.Flink.CheckpointBaseDir}",
                    "the changelog topic is no longer written; Samza state cannot be restored into Flink, so rebuild it (replay the changelog or reprocess the inputs) before the move")
                : new MeaningChange($"store '{store.Name}' without a changelog", "checkpointed keyed state", "the state becomes durable: it survives restarts, which the Samza store did not");
        }
        if (spec.State?.Checkpointing is { } checkpointing)
        {
            if (checkpointing.Interval is { } interval)
            {
                yield return new MeaningChange($"task.commit.ms={(long)interval.ToTimeSpan().TotalMilliseconds}", $"execution.checkpointing.interval {Durations.ToFlink(interval)}",
                    "input offsets are committed with each checkpoint instead of to a checkpoint topic");
            }
            yield return new MeaningChange("Kafka checkpoint topic (task.checkpoint.*)", $"checkpointing mode {(checkpointing.Mode == CheckpointMode.ExactlyOnce ? "EXACTLY_ONCE" : "AT_LEAST_ONCE")}",
                "offsets live in Flink's checkpoints; the Samza checkpoint topic is not read, so the first Flink run starts from the source's configured offsets");
        }
    }

    private static MeaningChange Override(string key, string value)
    {
        var setting = $"{key}={value}";
        return key switch
        {
            "task.window.ms" => new MeaningChange(setting, $"a processing-time timer every {long.Parse(value, CultureInfo.InvariantCulture)} ms, registered in code",
                "window() has no Flink key: the program registers timers (ProcessFunction.onTimer) instead"),
            _ when key.EndsWith("auto.offset.reset", StringComparison.Ordinal) || key.EndsWith("samza.offset.default", StringComparison.Ordinal)
                => new MeaningChange(setting, "the Kafka source's starting offsets, set in code", "dropped from the config"),
            _ when key.EndsWith(".serde", StringComparison.Ordinal) || key.StartsWith("serializers.", StringComparison.Ordinal)
                => new MeaningChange(setting, "a (de)serialization schema in code", "dropped from the config"),
            _ when key.StartsWith("stores.", StringComparison.Ordinal) && key.EndsWith(".changelog", StringComparison.Ordinal)
                => new MeaningChange(setting, "(none)", "the changelog topic is not used by Flink's checkpointed state"),
            _ => new MeaningChange(setting, "(none)", "a Samza setting with no Flink meaning; dropped"),
        };
    }
}
