using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Sluice.Spec.V1;
using Sluice.Sql.Syntax;

namespace Sluice.Sql.Analysis;

/// <summary>
/// Puts a script's `SET` options where the JobSpec has a home for them (parallelism, checkpointing, state TTL and
/// backend) and keeps every other one as a visible `flink.&lt;key&gt;` override. A value that cannot be read is an error.
/// </summary>
public static class FlinkSettings
{
    public static void Apply(
        IReadOnlyDictionary<string, (string Value, int At)> settings,
        JobSpec spec,
        SqlAnalysis analysis,
        SourceText source,
        bool beam,
        List<SqlDiagnostic> diagnostics)
    {
        foreach (var (key, (value, at)) in settings.OrderBy(s => s.Value.At))
        {
            var position = source.PositionOf(at);
            if (beam)
            {
                diagnostics.Add(SqlDiagnostic.Warning(position, $"SET '{key}' is a Beam pipeline option; the JobSpec has no place for it and it is not applied"));
                analysis.Settings.Add(new SqlSetting(key, value, "(not applied)", position));
                continue;
            }
            string? error = null;
            var target = key switch
            {
                // State settings of a job without state have no home in the JobSpec; they stay visible as overrides.
                "table.exec.state.ttl" or "state.backend" or "state.backend.type" when !State(spec).Stateful =>
                    Set(() => spec.Overrides["flink." + key] = value, "overrides[flink." + key + "]"),
                "parallelism.default" or "table.exec.resource.default-parallelism" when TryPositive(value, out var p) =>
                    Set(() => Resources(spec).Parallelism = p, "resources.parallelism"),
                "pipeline.max-parallelism" when TryPositive(value, out var max) =>
                    Set(() => Resources(spec).MaxParallelism = max, "resources.max_parallelism"),
                "execution.checkpointing.interval" when TryDuration(value, out var interval) =>
                    Set(() => Checkpointing(spec).Interval = interval, "state.checkpointing.interval"),
                "execution.checkpointing.timeout" when TryDuration(value, out var timeout) =>
                    Set(() => Checkpointing(spec).Timeout = timeout, "state.checkpointing.timeout"),
                "execution.checkpointing.mode" when TryMode(value, out var mode) =>
                    Set(() => Checkpointing(spec).Mode = mode, "state.checkpointing.mode"),
                "state.checkpoints.num-retained" or "execution.checkpointing.num-retained" when TryPositive(value, out var retained) =>
                    Set(() => Checkpointing(spec).Retained = retained, "state.checkpointing.retained"),
                "state.backend.incremental" or "execution.checkpointing.incremental" when bool.TryParse(value, out var incremental) =>
                    Set(() => Checkpointing(spec).Incremental = incremental, "state.checkpointing.incremental"),
                "table.exec.state.ttl" when TryDuration(value, out var ttl) =>
                    Set(() => Store(spec).Ttl = ttl, "state.stores[sql-state].ttl"),
                "state.backend" or "state.backend.type" when TryStoreKind(value, out var kind) =>
                    Set(() => Store(spec).Kind = kind, "state.stores[sql-state].kind"),
                "parallelism.default" or "table.exec.resource.default-parallelism" or "pipeline.max-parallelism"
                    or "state.checkpoints.num-retained" or "execution.checkpointing.num-retained" =>
                    Fail(out error, $"SET '{key}' needs a positive whole number, found '{value}'"),
                "execution.checkpointing.interval" or "execution.checkpointing.timeout" or "table.exec.state.ttl" =>
                    Fail(out error, $"SET '{key}' needs a duration such as 30 s, 5 min or 60000 (ms), found '{value}'"),
                "execution.checkpointing.mode" => Fail(out error, $"SET '{key}' needs EXACTLY_ONCE or AT_LEAST_ONCE, found '{value}'"),
                "state.backend.incremental" or "execution.checkpointing.incremental" => Fail(out error, $"SET '{key}' needs true or false, found '{value}'"),
                "state.backend" or "state.backend.type" => Fail(out error, $"SET '{key}' needs rocksdb or hashmap, found '{value}'"),
                _ => Set(() => spec.Overrides["flink." + key] = value, "overrides[flink." + key + "]"),
            };
            if (error is not null)
            {
                diagnostics.Add(SqlDiagnostic.Error(position, error));
                continue;
            }
            analysis.Settings.Add(new SqlSetting(key, value, target, position));
        }
    }

    private static string Set(Action apply, string target)
    {
        apply();
        return target;
    }

    private static string Fail(out string? error, string message)
    {
        error = message;
        return "";
    }

    private static Resources Resources(JobSpec spec) => spec.Resources ??= new Resources();

    private static State State(JobSpec spec) => spec.State ??= new State();

    private static Checkpointing Checkpointing(JobSpec spec) => State(spec).Checkpointing ??= new Checkpointing();

    private static StateStore Store(JobSpec spec)
    {
        var state = State(spec);
        if (state.Stores.Count == 0)
        {
            state.Stores.Add(new StateStore { Name = "sql-state" });
        }
        return state.Stores[0];
    }

    private static bool TryPositive(string value, out int number) =>
        int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0;

    private static bool TryMode(string value, out CheckpointMode mode)
    {
        mode = value.Trim().ToUpperInvariant().Replace('-', '_') switch
        {
            "EXACTLY_ONCE" => CheckpointMode.ExactlyOnce,
            "AT_LEAST_ONCE" => CheckpointMode.AtLeastOnce,
            _ => CheckpointMode.Unspecified,
        };
        return mode != CheckpointMode.Unspecified;
    }

    private static bool TryStoreKind(string value, out StoreKind kind)
    {
        kind = value.Trim().ToLowerInvariant() switch
        {
            "rocksdb" or "org.apache.flink.contrib.streaming.state.embeddedrocksdbstatebackend" => StoreKind.Rocksdb,
            "hashmap" or "filesystem" or "memory" or "jobmanager" => StoreKind.InMemory,
            _ => StoreKind.Unspecified,
        };
        return kind != StoreKind.Unspecified;
    }

    /// <summary>Flink's duration syntax: a number and an optional unit (ms when none): `10s`, `1 min`, `2 h`, `60000`.</summary>
    public static bool TryDuration(string text, out Duration duration)
    {
        duration = new Duration();
        var trimmed = text.Trim();
        var split = 0;
        while (split < trimmed.Length && char.IsAsciiDigit(trimmed[split]))
        {
            split++;
        }
        if (split == 0 || !long.TryParse(trimmed.AsSpan(0, split), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }
        var unit = trimmed[split..].Trim().ToLowerInvariant();
        var millisPerUnit = unit switch
        {
            "" or "ms" or "milli" or "millis" or "millisecond" or "milliseconds" => 1m,
            "s" or "sec" or "secs" or "second" or "seconds" => 1000m,
            "m" or "min" or "mins" or "minute" or "minutes" => 60_000m,
            "h" or "hour" or "hours" => 3_600_000m,
            "d" or "day" or "days" => 86_400_000m,
            _ => -1m,
        };
        if (millisPerUnit < 0)
        {
            return false;
        }
        var millis = amount * millisPerUnit;
        if (millis / 1000m > Duration.MaxSeconds)
        {
            return false;
        }
        duration = new Duration { Seconds = (long)(millis / 1000m), Nanos = (int)(millis % 1000m * 1_000_000m) };
        return true;
    }
}
