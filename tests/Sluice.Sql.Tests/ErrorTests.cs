using Sluice.Spec.V1;

namespace Sluice.Sql.Tests;

/// <summary>Malformed scripts: every error at its exact line:column, saying what was expected; several per file.</summary>
public class ErrorTests
{
    public static TheoryData<string, string, string> SyntaxErrors() => new()
    {
        // script, expected line:column of each error (space-separated), a fragment of the first message
        { "CREATE TABLE t (\n  a INT,\n  b STRING\nWITH ('connector' = 'datagen');", "4:1", "expected ')', found 'WITH'" },
        { "SELEC a FROM t;", "1:1", "expected a statement (SET, CREATE, INSERT, SELECT, …), found name 'SELEC'" },
        { "SELECT a FROM WHERE x = 1;", "1:15", "expected a table name" },
        { "SELECT 1;\nSELECT 'abc FROM t;", "2:8", "unterminated string literal" },
        { "SELECT a, FROM t;", "1:11", "expected an expression, found 'FROM'" },
        { "DELETE FROM t WHERE a = 1;", "1:1", "the DELETE statement is not supported" },
        { "WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r;", "1:6", "WITH RECURSIVE is not supported" },
        { "CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\nSELECT a FROM t WHERE;\nSELECT b FROM t GROUP a;\nSELECT a FROM t;",
            "2:22 3:17", "expected an expression, found ';'" },
        { "SELECT INTERVAL '5' MINUTESS FROM t;", "1:21", "expected a time unit" },
        { "CREATE VIEW v SELECT 1;", "1:15", "expected AS and the view's query, found 'SELECT'" },
        { "BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;", "2:24", "expected END to close the statement set begun at 1:1" },
        { "EXECUTE STATEMENT SET BEGIN\n  SELECT 1;\nEND;", "2:3", "a statement set may only hold INSERT statements, found SELECT" },
        { "END;", "1:1", "END without an open statement set" },
        { "CREATE EXTERNAL TABLE t (a INT) TYPE text;", "1:1", "CREATE EXTERNAL TABLE is Beam SQL" },
        { "CREATE TABLE t (a INT) TYPE text LOCATION '/x';", "1:24", "CREATE TABLE … TYPE is Beam SQL" },
        { "SELECT a @ b FROM t;", "1:10", "unexpected character '@'" },
        { "SELECT 1;\n/* never closed", "2:1", "unterminated comment" },
        { "SELECT * FROM t /*+ OPTIONS('a'='b') ;", "1:38", "expected '*/', found ';'" },
        { "SELECT \"a\" FROM t;", "1:8", "double quotes are not valid here" },
        { "CREATE TABLE t (a INT, WATERMARK a AS a) WITH ('connector' = 'datagen');", "1:34", "expected FOR after WATERMARK, found name 'a'" },
        { "CREATE TABLE t (a STRIN) WITH ('connector' = 'datagen');", "1:19", "unknown data type 'STRIN'" },
        { "SELECT CAST(a AS) FROM t;", "1:17", "expected a data type" },
        { "SELECT a FROM t1 JOIN t2 WHERE a = 1;", "1:26", "expected ON or USING after the joined table, found 'WHERE'" },
        { "CREATE FUNCTION f AS 'x.F' LANGUAGE COBOL;", "1:37", "expected JAVA, SCALA, PYTHON or SQL, found name 'COBOL'" },
        { "SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts MEASURES A.x AS x PATTERN (A+ ;) DEFINE A AS TRUE);", "1:76 1:77",
            "expected a pattern variable, a quantifier" },
        { "INSERT t SELECT 1;", "1:8", "expected INTO or OVERWRITE after INSERT, found name 't'" },
        { "ALTER TABLE t ADD c INT;", "1:15", "ALTER TABLE … ADD (schema changes) is not supported" },
        { "SELECT a FROM t QUALIFY ROW_NUMBER() OVER (ORDER BY a) = 1;", "1:17", "QUALIFY is not supported" },
        { "CREATE TABLE t (a INT) WITH ('connector' 'datagen');", "1:42", "expected '=', found string 'datagen'" },
        { "SET 'parallelism.default' = ;\nSELECT 1;", "1:29", "expected an option value" },
    };

    [Theory]
    [MemberData(nameof(SyntaxErrors))]
    public void Syntax_error_is_reported_at_its_line_and_column(string script, string positions, string message)
    {
        var result = SqlTranspiler.Transpile(script, "bad.sql", SqlDialect.FlinkSql);

        var errors = result.Errors.ToList();
        Assert.Null(result.Spec);
        Assert.Equal(positions, string.Join(" ", errors.Select(e => e.Position.ToString())));
        Assert.Contains(message, errors[0].Message);
    }

    public static TheoryData<string, string, string> AnalysisErrors() => new()
    {
        { "SELECT * FROM nope;", "1:15", "table or view nope is not declared in this script" },
        { "CREATE TABLE Orders (a INT) WITH ('connector' = 'datagen');\nSELECT * FROM orders;", "2:15", "did you mean Orders?" },
        { "CREATE TABLE k (a INT) WITH ('connector' = 'kafka', 'topic' = 't');\nSELECT a FROM k;", "2:15",
            "kafka table k has no 'properties.bootstrap.servers'" },
        { "CREATE TABLE k (a INT) WITH ('format' = 'json');\nSELECT a FROM k;", "2:15", "table k has no 'connector' option" },
        { "SET 'parallelism.default' = 'many';\nCREATE TABLE t (a INT) WITH ('connector' = 'datagen');\nSELECT a FROM t;", "1:1",
            "needs a positive whole number, found 'many'" },
        { "SET 'execution.checkpointing.interval' = 'soon';\nCREATE TABLE t (a INT) WITH ('connector' = 'datagen');\nSELECT a FROM t;", "1:1",
            "needs a duration" },
        { "CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\nCREATE VIEW v AS SELECT a FROM t;\nINSERT INTO v SELECT a FROM t;", "3:13",
            "cannot INSERT INTO v: it is a view" },
        { "CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\nCREATE TABLE t (b INT) WITH ('connector' = 'datagen');", "2:14",
            "table t is already declared at 1:14" },
        { "USE CATALOG nowhere;", "1:13", "catalog nowhere is not declared in this script" },
        { "CREATE TABLE f (a INT) WITH ('connector' = 'filesystem', 'format' = 'csv');\nSELECT a FROM f;", "2:15", "filesystem table f has no 'path'" },
        { "CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\nCREATE VIEW v AS SELECT a FROM missing;", "2:32",
            "table or view missing is not declared" },
    };

    [Theory]
    [MemberData(nameof(AnalysisErrors))]
    public void Analysis_error_is_reported_at_its_line_and_column(string script, string positions, string message)
    {
        var result = SqlTranspiler.Transpile(script, "bad.sql", SqlDialect.FlinkSql);

        var errors = result.Errors.ToList();
        Assert.Null(result.Spec);
        Assert.Equal(positions, string.Join(" ", errors.Select(e => e.Position.ToString())));
        Assert.Contains(message, errors[0].Message);
    }

    [Fact]
    public void Beam_table_without_type_is_an_error_at_the_clause()
    {
        var result = SqlTranspiler.Transpile("CREATE EXTERNAL TABLE t (a INT) LOCATION 'x';", "bad.sql", SqlDialect.BeamSql);

        var error = Assert.Single(result.Errors);
        Assert.Equal("1:33", error.Position.ToString());
        Assert.Contains("expected TYPE and the table provider", error.Message);
    }

    [Fact]
    public void Error_is_formatted_like_a_compiler_with_the_line_and_a_caret()
    {
        var result = SqlTranspiler.Transpile("CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\nSELECT a FROM t WHERE;", "jobs/bad.sql", SqlDialect.FlinkSql);

        Assert.Equal(
            "jobs/bad.sql:2:22: error: expected an expression, found ';'\n  SELECT a FROM t WHERE;\n                       ^",
            result.FormatDiagnostics());
    }

    [Fact]
    public void Deep_nesting_is_an_error_not_a_stack_overflow()
    {
        var script = "SELECT " + new string('(', 20000) + "1" + new string(')', 20000) + ";";

        var result = SqlTranspiler.Transpile(script, "deep.sql", SqlDialect.FlinkSql);

        Assert.Contains(result.Errors, e => e.Message.Contains("nesting is deeper than", StringComparison.Ordinal));
    }

    [Fact]
    public void Primary_key_without_not_enforced_is_a_warning()
    {
        var result = SqlTranspiler.Transpile(
            "CREATE TABLE t (a INT PRIMARY KEY) WITH ('connector' = 'datagen');\nSELECT a FROM t;", "w.sql", SqlDialect.FlinkSql);

        Assert.False(result.HasErrors);
        var warning = Assert.Single(result.Diagnostics, d => !d.IsError && d.Message.Contains("NOT ENFORCED", StringComparison.Ordinal));
        Assert.Equal("1:34", warning.Position.ToString());
    }

    [Fact]
    public void ParseOrThrow_throws_only_the_parse_exception_with_every_error()
    {
        var source = new Syntax.SourceText("SELECT FROM;\nSELECT a FROM t WHERE;", "x.sql");

        var error = Assert.Throws<SqlParseException>(() => Syntax.Parser.ParseOrThrow(source, SqlDialect.FlinkSql));

        Assert.Equal(2, error.Diagnostics.Count);
        Assert.Contains("x.sql:1:8: error:", error.Message);
    }
}
