using Sluice.Spec;
using Sluice.Spec.V1;

namespace Sluice.Sql.Tests;

/// <summary>
/// Every Flink SQL and Beam SQL script of the shared corpus parses, transpiles to a JobSpec that SpecValidator
/// accepts, and yields the sources, sinks, state, operators and UDFs worked out by hand in Expected/.
/// </summary>
public class CorpusTests
{
    public static TheoryData<string> Scripts() => new(TestFiles.CorpusScripts());

    [Fact]
    public void The_corpus_is_there()
    {
        Assert.True(Directory.Exists(TestFiles.Corpus), $"the shared corpus is expected at {TestFiles.Corpus}");
        Assert.NotEmpty(TestFiles.CorpusScripts());
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Corpus_script_transpiles_to_the_expected_result(string script)
    {
        var path = Path.Combine(TestFiles.Corpus, script);
        var expectedPath = Path.Combine(TestFiles.ProjectDirectory, "Expected", Path.ChangeExtension(script, ".yaml"));
        Assert.True(File.Exists(expectedPath), $"no expected result for {script}: write {expectedPath} by reading the script");

        var result = SqlTranspiler.Transpile(File.ReadAllText(path), script, SqlDialect.Unspecified);

        Assert.False(result.HasErrors, result.FormatDiagnostics());
        Assert.Equal(script.StartsWith("beam-sql/", StringComparison.Ordinal) ? SqlDialect.BeamSql : SqlDialect.FlinkSql,
            result.Spec!.Artifact.Sql.Dialect);
        var differences = ExpectedResult.Load(expectedPath).Differences(result);
        Assert.True(differences.Count == 0, string.Join("\n", differences) + "\nfound: " + ExpectedResult.Describe(result.Analysis));
        var validation = SpecValidator.Validate(result.Spec).Where(d => d.IsError).ToList();
        Assert.True(validation.Count == 0, string.Join("\n", validation));
        Assert.Equal(File.ReadAllText(path), result.Spec.Artifact.Sql.Script);
    }
}
