using Sluice.Spec;
using Sluice.Spec.V1;

namespace Sluice.Cli.Tests;

public class SqlCommandsTests
{
    private const string Job = """
        SET 'parallelism.default' = '3';
        CREATE TABLE clicks (user_id BIGINT, url STRING) WITH (
          'connector' = 'kafka', 'topic' = 'clicks', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
        CREATE TABLE per_user (user_id BIGINT, n BIGINT, PRIMARY KEY (user_id) NOT ENFORCED) WITH (
          'connector' = 'upsert-kafka', 'topic' = 'per-user', 'properties.bootstrap.servers' = 'k:9092',
          'key.format' = 'json', 'value.format' = 'json');
        CREATE TABLE unused (v STRING) WITH ('connector' = 'datagen');
        INSERT INTO per_user SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id;
        """;

    [Fact]
    public void Transpile_prints_a_jobspec_that_validates_with_the_analysis_as_a_comment()
    {
        var file = CliRunner.WriteTemp("clicks_per_user.sql", Job);

        var (exit, output, error) = CliRunner.Run("sql", "transpile", file, "--namespace", "growth");

        Assert.Equal(0, exit);
        Assert.StartsWith("# Sluice analysis of clicks_per_user.sql (flink-sql): 5 statements, 1 run as the job", output);
        Assert.Contains("#   kafka://k:9092/clicks  (table clicks, declared at 2:14)", output);
        Assert.Contains("#   group aggregation (GROUP BY) at 8:68", output);
        Assert.Contains("#   unused (declared at 7:14)", output);
        Assert.Contains("'parallelism.default' = '3' -> resources.parallelism", output);
        var loaded = SpecLoader.ParseJobSpec(output, "out.yaml");
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Diagnostics));
        Assert.Equal(("clicks-per-user", "growth", 3), (loaded.Value!.Name, loaded.Value.Namespace, loaded.Value.Resources.Parallelism));
        Assert.Equal(Job, loaded.Value.Artifact.Sql.Script);
        Assert.Equal("", error);
    }

    [Fact]
    public void Transpile_prints_json_on_request()
    {
        var file = CliRunner.WriteTemp("job.sql", Job);

        var (exit, output, error) = CliRunner.Run("sql", "transpile", file, "-o", "json");

        Assert.Equal(0, exit);
        var spec = JobSpec.Parser.ParseJson(output);
        Assert.Equal("kafka://k:9092/per-user", DatasetUri.Of(spec.Sinks.Single()));
        Assert.Contains("stateful: yes, because of", error);
    }

    [Fact]
    public void Transpile_reports_errors_like_a_compiler_and_fails()
    {
        var file = CliRunner.WriteTemp("bad.sql", "CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\nSELECT a FROM t WHERE;\nSELECT FROM t;\n");

        var (exit, output, error) = CliRunner.Run("sql", "transpile", file);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains($"{file}:2:22: error: expected an expression, found ';'\n  SELECT a FROM t WHERE;\n                       ^", error);
        Assert.Contains($"{file}:3:8: error: expected an expression, found 'FROM'", error);
    }

    [Fact]
    public void Lineage_lists_what_the_script_reads_and_writes()
    {
        var file = CliRunner.WriteTemp("job.sql", Job);

        var (exit, output, _) = CliRunner.Run("sql", "lineage", file);

        Assert.Equal(0, exit);
        Assert.Equal(
            "sources:\n  kafka://k:9092/clicks  table clicks\nsinks:\n  kafka://k:9092/per-user  table per_user\nunused tables (no lineage): unused (7:14)\n",
            output.Replace("\r\n", "\n"));
    }

    [Fact]
    public void Beam_scripts_are_detected_or_named()
    {
        var file = CliRunner.WriteTemp("beam.sql", """
            CREATE EXTERNAL TABLE clicks (url VARCHAR, ts TIMESTAMP) TYPE kafka LOCATION 'k:9092/clicks';
            CREATE EXTERNAL TABLE counts (url VARCHAR, n BIGINT) TYPE bigquery LOCATION 'proj:web.counts';
            INSERT INTO counts SELECT url, COUNT(*) FROM clicks GROUP BY url, TUMBLE(ts, INTERVAL '1' MINUTE);
            """);

        var detected = CliRunner.Run("sql", "lineage", file, "-o", "json");
        var named = CliRunner.Run("sql", "transpile", file, "--dialect", "beam");
        var wrong = CliRunner.Run("sql", "transpile", file, "--dialect", "flink");

        Assert.Equal(0, detected.ExitCode);
        Assert.Contains("\"uri\": \"bigquery://proj/web.counts\"", detected.Output);
        Assert.Equal(0, named.ExitCode);
        Assert.Contains("dialect: beam-sql", named.Output);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("CREATE EXTERNAL TABLE is Beam SQL; run with --dialect beam", wrong.Error);
    }

    [Fact]
    public void A_missing_file_is_an_error()
    {
        var (exit, _, error) = CliRunner.Run("sql", "transpile", "/nonexistent/job.sql");

        Assert.Equal(1, exit);
        Assert.Contains("/nonexistent/job.sql: error: cannot read the script", error);
    }
}
