using Sluice.Spec;
using Sluice.Spec.V1;
using Sluice.Sql.Analysis;

namespace Sluice.Sql.Tests;

public class SettingsTests
{
    private const string StatefulJob = """
        CREATE TABLE t (k STRING) WITH ('connector' = 'datagen');
        CREATE TABLE s (k STRING, n BIGINT) WITH ('connector' = 'print');
        INSERT INTO s SELECT k, COUNT(*) FROM t GROUP BY k;
        """;

    private static JobSpec Spec(string sets, string job = StatefulJob)
    {
        var result = SqlTranspiler.Transpile(sets + "\n" + job, "job.sql", SqlDialect.FlinkSql);
        Assert.False(result.HasErrors, result.FormatDiagnostics());
        return result.Spec!;
    }

    [Fact]
    public void Settings_with_a_home_move_into_the_spec()
    {
        var spec = Spec("""
            SET 'parallelism.default' = '6';
            SET 'pipeline.max-parallelism' = '128';
            SET 'execution.checkpointing.interval' = '90 s';
            SET 'execution.checkpointing.timeout' = '10min';
            SET 'execution.checkpointing.mode' = 'AT_LEAST_ONCE';
            SET 'state.checkpoints.num-retained' = '3';
            SET 'state.backend.incremental' = 'true';
            SET 'state.backend.type' = 'rocksdb';
            SET 'table.exec.state.ttl' = '36 h';
            """);

        Assert.Equal(6, spec.Resources.Parallelism);
        Assert.Equal(128, spec.Resources.MaxParallelism);
        Assert.Equal("1m30s", DurationText.Format(spec.State.Checkpointing.Interval));
        Assert.Equal("10m", DurationText.Format(spec.State.Checkpointing.Timeout));
        Assert.Equal(CheckpointMode.AtLeastOnce, spec.State.Checkpointing.Mode);
        Assert.Equal(3, spec.State.Checkpointing.Retained);
        Assert.True(spec.State.Checkpointing.Incremental);
        var store = Assert.Single(spec.State.Stores);
        Assert.Equal((StoreKind.Rocksdb, "1d12h"), (store.Kind, DurationText.Format(store.Ttl)));
        Assert.Empty(spec.Overrides);
        Assert.DoesNotContain(SpecValidator.Validate(spec), d => d.IsError);
    }

    [Fact]
    public void Other_settings_stay_visible_as_flink_overrides()
    {
        var spec = Spec("SET 'table.exec.mini-batch.enabled' = 'true';\nSET table.exec.mini-batch.size = 5000;");

        Assert.Equal("true", spec.Overrides["flink.table.exec.mini-batch.enabled"]);
        Assert.Equal("5000", spec.Overrides["flink.table.exec.mini-batch.size"]);
        Assert.Contains(SpecValidator.Validate(spec), d => !d.IsError && d.Path.Contains("flink.table.exec.mini-batch.size", StringComparison.Ordinal));
    }

    [Fact]
    public void State_ttl_of_a_stateless_job_is_an_override_not_a_store()
    {
        var spec = Spec("SET 'table.exec.state.ttl' = '1 h';", """
            CREATE TABLE t (k STRING) WITH ('connector' = 'datagen');
            SELECT k FROM t;
            """);

        Assert.False(spec.State.Stateful);
        Assert.Empty(spec.State.Stores);
        Assert.Equal("1 h", spec.Overrides["flink.table.exec.state.ttl"]);
    }

    [Theory]
    [InlineData("60000", 60)]
    [InlineData("30 s", 30)]
    [InlineData("5min", 300)]
    [InlineData("2 h", 7200)]
    [InlineData("1d", 86400)]
    public void Flink_durations_are_read_with_their_units(string text, long seconds)
    {
        Assert.True(FlinkSettings.TryDuration(text, out var duration));
        Assert.Equal(seconds, duration.Seconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5 fortnights")]
    [InlineData("-5 s")]
    public void Unreadable_durations_are_refused(string text) => Assert.False(FlinkSettings.TryDuration(text, out _));

    [Fact]
    public void Stateful_jobs_upgrade_with_savepoints_and_stateless_ones_without()
    {
        Assert.Equal(UpgradeMode.Savepoint, Spec("").Upgrade.Mode);
        Assert.Equal(UpgradeMode.Stateless, Spec("", "CREATE TABLE t (k STRING) WITH ('connector' = 'datagen');\nSELECT k FROM t;").Upgrade.Mode);
    }
}
