using Sluice.Spec;
using Sluice.Spec.V1;

namespace Sluice.Sql.Tests;

/// <summary>
/// Our own scripts (Scripts/), one or more per construct the parser supports, each with its hand-written expected
/// analysis (Expected/scripts/). Together they cover every statement and query construct of the issue.
/// </summary>
public class ScriptTests
{
    public static TheoryData<string> Scripts() => new(TestFiles.OwnScripts());

    [Fact]
    public void There_are_at_least_forty_scripts() => Assert.True(TestFiles.OwnScripts().Count() >= 40);

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_transpiles_to_the_expected_result(string name)
    {
        var path = Path.Combine(TestFiles.ProjectDirectory, "Scripts", name);
        var expectedPath = Path.Combine(TestFiles.ProjectDirectory, "Expected", "scripts", Path.ChangeExtension(name, ".yaml"));
        Assert.True(File.Exists(expectedPath), $"no expected result for {name}");

        var result = SqlTranspiler.Transpile(File.ReadAllText(path), name, SqlDialect.Unspecified);

        Assert.False(result.HasErrors, result.FormatDiagnostics());
        var differences = ExpectedResult.Load(expectedPath).Differences(result);
        Assert.True(differences.Count == 0, string.Join("\n", differences) + "\nfound: " + ExpectedResult.Describe(result.Analysis));
        var validation = SpecValidator.Validate(result.Spec!).Where(d => d.IsError).ToList();
        Assert.True(validation.Count == 0, string.Join("\n", validation));
    }
}
