using System.Text.Json;

namespace Sluice.Cli.Tests;

public class SpecCommandsTests
{
    private const string Valid = """
        name: filter-bots
        namespace: growth
        artifact:
          jar: {uri: "s3://a/filter.jar", entryClass: com.example.Filter}
        sources:
          - {system: kafka, cluster: tracking, name: page-views}
        """;

    [Fact]
    public void Validate_accepts_a_valid_file()
    {
        var file = CliRunner.WriteTemp("ok.yaml", Valid);

        var (exit, output, error) = CliRunner.Run("validate", file);

        Assert.Equal(0, exit);
        Assert.Contains("valid (growth/filter-bots)", output);
        Assert.Equal("", error);
    }

    [Fact]
    public void Validate_prints_every_error_with_position_and_caret_and_fails()
    {
        var file = CliRunner.WriteTemp("bad.yaml", Valid.Replace("filter-bots", "Filter Bots") + "\nresources: {parallelism: 9, maxParallelism: 4}\nbogus: 1\n");

        var (exit, _, error) = CliRunner.Run("validate", file);

        Assert.Equal(1, exit);
        Assert.Contains($"{file}:1:7: error: name:", error);
        Assert.Contains($"{file}:7:26: error: resources.parallelism:", error);
        Assert.Contains($"{file}:8:1: error: bogus: unknown field 'bogus'", error);
        Assert.Contains("  bogus: 1\n  ^", error);
    }

    [Fact]
    public void Validate_checks_placement_against_the_platform()
    {
        var platform = CliRunner.WriteTemp("platform.yaml", "fabrics: [{name: us-east-1a}]\n");
        var file = CliRunner.WriteTemp("job.yaml", Valid + "\nplacement: {fabrics: [mars-1]}\n");

        var (exit, _, error) = CliRunner.Run("validate", file, "--platform", platform);

        Assert.Equal(1, exit);
        Assert.Contains("unknown fabric 'mars-1'", error);
    }

    [Fact]
    public void Hash_is_the_same_for_yaml_and_json()
    {
        var yaml = CliRunner.WriteTemp("a.yaml", Valid);
        var json = CliRunner.WriteTemp("a.json", """
            {"sources": [{"name": "page-views", "cluster": "tracking", "system": "kafka"}],
             "artifact": {"jar": {"entryClass": "com.example.Filter", "uri": "s3://a/filter.jar"}},
             "namespace": "growth", "name": "filter-bots"}
            """);

        var fromYaml = CliRunner.Run("hash", yaml);
        var fromJson = CliRunner.Run("hash", json);

        Assert.Equal(0, fromYaml.ExitCode);
        Assert.Matches("^sha256:[0-9a-f]{64}\n$", fromYaml.Output);
        Assert.Equal(fromYaml.Output, fromJson.Output);
    }

    [Fact]
    public void Hash_of_an_invalid_file_fails()
    {
        var file = CliRunner.WriteTemp("bad.yaml", "name: [");

        Assert.Equal(1, CliRunner.Run("hash", file).ExitCode);
    }

    [Fact]
    public void Schema_is_json_schema_of_the_jobspec()
    {
        var (exit, output, _) = CliRunner.Run("schema");

        Assert.Equal(0, exit);
        using var schema = JsonDocument.Parse(output);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", schema.RootElement.GetProperty("$schema").GetString());
        var runtime = schema.RootElement.GetProperty("properties").GetProperty("runtime").GetProperty("enum");
        Assert.Equal(["any", "flink", "samza"], runtime.EnumerateArray().Select(v => v.GetString()));
    }
}

public class ValidateFolderTests
{
    [Fact]
    public void Examples_folder_validates_with_its_platform_config()
    {
        var examples = Path.Combine(CliRunner.RepoRoot(), "examples");
        var files = Directory.GetFiles(examples, "*.yaml").Order().ToArray();

        var (exit, output, error) = CliRunner.Run(["validate", .. files]);

        Assert.True(exit == 0, error);
        Assert.Contains("platform.yaml: valid platform config", output);
        Assert.Equal(files.Length, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Placement_is_checked_against_a_platform_config_among_the_files()
    {
        var platform = CliRunner.WriteTemp("platform.yaml", "fabrics: [{name: us-east-1a}]\n");
        var job = CliRunner.WriteTemp("job.yaml", """
            name: a
            namespace: b
            artifact: {jar: {uri: "s3://x/a.jar", entryClass: A}}
            sources: [{system: kafka, cluster: c, name: t}]
            placement: {fabrics: [us-east-1b]}
            """);

        var (exit, _, error) = CliRunner.Run("validate", platform, job);

        Assert.Equal(1, exit);
        Assert.Contains($"{job}:5:23: error: placement.fabrics[0]: unknown fabric 'us-east-1b'; did you mean 'us-east-1a'?", error);
    }
}
