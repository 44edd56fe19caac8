namespace Sluice.Cli.Tests;

/// <summary>
/// Issue 5's end-to-end promise over the shared corpus: every Flink SQL and Beam SQL script transpiles to a JobSpec
/// that `sluice validate` accepts and that `sluice render` compiles for Flink.
/// </summary>
public class SqlCorpusEndToEndTests
{
    public static TheoryData<string> CorpusScripts()
    {
        var corpus = Path.Combine(CliRunner.RepoRoot(), "..", "shared", "corpus");
        var data = new TheoryData<string>();
        foreach (var folder in new[] { "flink-sql", "beam-sql" })
        {
            foreach (var script in Directory.GetFiles(Path.Combine(corpus, folder), "*.sql", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(corpus, script));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusScripts))]
    public void Corpus_script_transpiles_validates_and_renders_for_flink(string script)
    {
        var path = Path.Combine(CliRunner.RepoRoot(), "..", "shared", "corpus", script);
        var platform = Path.Combine(CliRunner.RepoRoot(), "examples", "platform.yaml");

        var transpiled = CliRunner.Run("sql", "transpile", path, "-o", "yaml", "--platform", platform);
        Assert.True(transpiled.ExitCode == 0, transpiled.Error);
        var spec = CliRunner.WriteTemp(Path.GetFileNameWithoutExtension(script) + ".yaml", transpiled.Output);

        var validated = CliRunner.Run("validate", spec, "--platform", platform);
        Assert.True(validated.ExitCode == 0, validated.Error);

        var rendered = CliRunner.Run("render", spec, "--runtime", "flink", "--fabric", "local", "--platform", platform);
        Assert.True(rendered.ExitCode == 0, rendered.Error);
        Assert.Contains("kind: FlinkDeployment", rendered.Output);
    }
}
