using Sluice.Spec;
using Sluice.Spec.V1;
using Sluice.Sql.Syntax;

namespace Sluice.Sql.Tests;

public class TranspilerTests
{
    [Theory]
    [InlineData("CREATE EXTERNAL TABLE t (a INT) TYPE text;", SqlDialect.BeamSql)]
    [InlineData("CREATE TABLE t (a INT)\nTYPE bigquery LOCATION 'p:d.t';", SqlDialect.BeamSql)]
    [InlineData("CREATE CATALOG c TYPE iceberg PROPERTIES ('warehouse' = 'x');", SqlDialect.BeamSql)]
    [InlineData("CREATE TABLE t (a INT, type STRING) WITH ('type' = 'x');", SqlDialect.FlinkSql)]
    [InlineData("CREATE CATALOG c WITH ('type' = 'hive');", SqlDialect.FlinkSql)]
    [InlineData("SELECT CAST(a AS INT) FROM t;", SqlDialect.FlinkSql)]
    public void Dialect_is_detected_from_what_only_beam_writes(string script, SqlDialect dialect) =>
        Assert.Equal(dialect, SqlDialectDetector.Detect(script));

    [Theory]
    [InlineData("01_Create Table", "01-create-table")]
    [InlineData("beam__cet-text", "beam-cet-text")]
    [InlineData("___", "sql-job")]
    [InlineData("Ünïcode job", "n-code-job")]
    public void File_names_become_dns_labels(string file, string label)
    {
        var name = SqlTranspiler.ToDnsLabel(file);

        Assert.Equal(label, name);
        Assert.True(Names.IsDns1123Label(name));
    }

    [Fact]
    public void Spec_carries_the_script_dialect_functions_and_operators()
    {
        const string script = """
            CREATE FUNCTION f AS 'com.example.F' USING JAR 's3://jars/f.jar';
            CREATE TABLE t (k STRING) WITH ('connector' = 'kafka', 'topic' = 'in', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
            CREATE TABLE s (k STRING, n BIGINT) WITH ('connector' = 'kafka', 'topic' = 'out', 'properties.bootstrap.servers' = 'k:9092', 'format' = 'json');
            INSERT INTO s SELECT f(k), COUNT(*) FROM t GROUP BY f(k);
            """;

        var result = SqlTranspiler.Transpile(script, "dir/My Job.sql", SqlDialect.FlinkSql, new TranspileOptions { Namespace = "growth" });

        var spec = result.Spec!;
        Assert.Equal(("my-job", "growth", Runtime.Flink), (spec.Name, spec.Namespace, spec.Runtime));
        Assert.Equal(script, spec.Artifact.Sql.Script);
        Assert.Equal(SqlDialect.FlinkSql, spec.Artifact.Sql.Dialect);
        var function = Assert.Single(spec.Artifact.Sql.Functions);
        Assert.Equal(("f", "com.example.F", "java", "s3://jars/f.jar"), (function.Name, function.ClassName, function.Language, function.Jars.Single()));
        Assert.Equal(["group aggregation"], spec.Artifact.Sql.StatefulOperators);
        Assert.Equal("kafka://k:9092/in", DatasetUri.Of(spec.Sources.Single()));
        Assert.Equal(("t", "json"), (spec.Sources[0].Alias, spec.Sources[0].Format));
        Assert.Equal("kafka://k:9092/out", DatasetUri.Of(spec.Sinks.Single()));
        Assert.True(spec.State.Stateful);
        Assert.DoesNotContain(SpecValidator.Validate(spec), d => d.IsError);
        Assert.Equal("4:53", result.Analysis.StatefulOperators.Single().Position.ToString());
    }

    [Fact]
    public void Secrets_in_connector_options_are_masked_in_the_dataset()
    {
        var result = SqlTranspiler.Transpile("""
            CREATE TABLE u (id INT) WITH ('connector' = 'jdbc', 'url' = 'jdbc:mysql://db:3306/x', 'table-name' = 'u', 'password' = 'hunter2');
            SELECT id FROM u;
            """, "j.sql", SqlDialect.FlinkSql);

        Assert.Equal("******", result.Spec!.Sources[0].Options["password"]);
        Assert.Equal("u", result.Spec.Sources[0].Options["table-name"]);
    }

    [Fact]
    public void Test_connector_datasets_are_marked_ephemeral()
    {
        var result = SqlTranspiler.Transpile("""
            CREATE TABLE g (id INT) WITH ('connector' = 'datagen');
            CREATE TABLE k (id INT) WITH ('connector' = 'kafka', 'topic' = 'x', 'properties.bootstrap.servers' = 'k:9092');
            INSERT INTO k SELECT id FROM g;
            """, "j.sql", SqlDialect.FlinkSql);

        Assert.True(result.Spec!.Sources.Single().Ephemeral);
        Assert.False(result.Spec.Sinks.Single().Ephemeral);
        Assert.False(result.Analysis.Sources.Single().Durable);
    }

    [Fact]
    public void Platform_names_the_kafka_cluster()
    {
        var platform = new PlatformConfig { KafkaClusters = { new KafkaCluster { Name = "tracking", BootstrapServers = "k1:9092,k2:9092" } } };
        const string script = """
            CREATE TABLE a (v STRING) WITH ('connector' = 'kafka', 'topic' = 'in', 'properties.bootstrap.servers' = 'k2:9092');
            CREATE TABLE b (v STRING) WITH ('connector' = 'kafka', 'topic' = 'out', 'properties.bootstrap.servers' = 'other:9092');
            INSERT INTO b SELECT v FROM a;
            """;

        var result = SqlTranspiler.Transpile(script, "j.sql", SqlDialect.FlinkSql, new TranspileOptions { Platform = platform });

        Assert.Equal("kafka://tracking/in", result.Analysis.Sources.Single().Uri);
        Assert.Equal("kafka://other:9092/out", result.Analysis.Sinks.Single().Uri);
        var warning = Assert.Single(result.Diagnostics, d => !d.IsError);
        Assert.Equal("2:14", warning.Position.ToString());
    }

    [Fact]
    public void A_script_that_runs_nothing_says_so()
    {
        var result = SqlTranspiler.Transpile("\nCREATE TABLE t (a INT) WITH ('connector' = 'datagen');", "ddl.sql", SqlDialect.FlinkSql);

        Assert.NotNull(result.Spec);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal("2:1", warning.Position.ToString());
        Assert.Contains("runs nothing", warning.Message);
        Assert.Equal(["t"], result.Analysis.UnusedTables.Select(u => u.Table));
    }

    [Fact]
    public void Lexer_finds_keywords_in_any_case_and_keeps_positions()
    {
        var source = new SourceText("select `a``b`, 'it''s' -- c\n /*+ OPTIONS('k'='v') */ x'0F' 1.5e3", "l.sql");

        var tokens = Lexer.Tokenize(source, []);

        Assert.Equal(
            [TokenKind.Word, TokenKind.QuotedIdentifier, TokenKind.Comma, TokenKind.String, TokenKind.HintStart, TokenKind.Word, TokenKind.LeftParen,
                TokenKind.String, TokenKind.Equals, TokenKind.String, TokenKind.RightParen, TokenKind.HintEnd, TokenKind.BinaryString, TokenKind.Number,
                TokenKind.EndOfFile],
            tokens.Select(t => t.Kind));
        Assert.Equal(Keyword.Select, tokens[0].Keyword);
        Assert.Equal("2:2", source.PositionOf(tokens[4].Start).ToString());
    }
}
