namespace Sluice.Cli.Tests;

public class RenderCommandTests
{
    private static readonly string Root = CliRunner.RepoRoot();
    private static readonly string Examples = Path.Combine(Root, "examples");
    private static readonly string Platform = Path.Combine(Examples, "platform.yaml");
    private static readonly string Reference = Path.GetFullPath(Path.Combine(Root, "..", "shared", "reference"));

    [Fact]
    public void Flink_render_prints_a_checked_flink_deployment_and_notes_on_stderr()
    {
        var (exit, output, error) = CliRunner.Run("render", Path.Combine(Examples, "checkout-revenue-per-minute.yaml"),
            "--runtime", "flink", "--platform", Platform, "--reference", Reference);

        Assert.Equal(0, exit);
        Assert.StartsWith("# Rendered by sluice from payments/checkout-revenue-per-minute (sha256:", output);
        Assert.Contains("\nkind: FlinkDeployment\n", output);
        Assert.Contains("    execution.checkpointing.interval: \"30 s\"\n", output);
        Assert.Contains("note: state.stores[].ttl:", error);
        Assert.DoesNotContain("error", error);
    }

    [Fact]
    public void Samza_render_prints_properties_for_the_named_fabric()
    {
        var (exit, output, _) = CliRunner.Run("render", Path.Combine(Examples, "member-session-tracker.yaml"),
            "--runtime", "samza", "--fabric", "eu-west-1a", "--platform", Platform, "--reference", Reference);

        Assert.Equal(0, exit);
        Assert.Contains("\ntask.class=com.example.identity.sessions.SessionTrackerTask\n", output);
        Assert.Contains("\nstores.open-sessions.changelog=tracking.member-session-tracker-open-sessions-changelog\n", output);
        Assert.Contains("for samza on fabric eu-west-1a.", output);
    }

    [Fact]
    public void Runtime_defaults_to_the_one_the_spec_asks_for()
    {
        var (exit, output, _) = CliRunner.Run("render", Path.Combine(Examples, "member-session-tracker.yaml"), "--platform", Platform);

        Assert.Equal(0, exit);
        Assert.StartsWith("# Rendered by sluice from identity/member-session-tracker", output);
        Assert.Contains("\njob.factory.class=org.apache.samza.job.yarn.YarnJobFactory\n", output);
    }

    [Fact]
    public void A_job_the_runtime_cannot_run_fails_with_the_reason_and_prints_nothing()
    {
        var (exit, output, error) = CliRunner.Run("render", Path.Combine(Examples, "member-session-tracker.yaml"),
            "--runtime", "flink", "--platform", Platform);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("error: cannot compile job identity/member-session-tracker for flink on fabric us-east-1a: 1 problem", error);
        Assert.Contains("artifact.jar.entryKind: Flink runs application entry classes only", error);
    }

    [Theory]
    [InlineData("flink", "flink.execution.checkpointing.intervall", "flinkConfiguration: 'execution.checkpointing.intervall' is not a Flink v2_1 or operator configuration key")]
    [InlineData("samza", "samza.job.containers.count", "'job.containers.count' is not a Samza configuration key")]
    public void With_reference_data_a_bogus_override_key_fails_the_render(string runtime, string key, string message)
    {
        var spec = File.ReadAllText(Path.Combine(Examples, "page-view-filter.yaml")) + $"overrides:\n  {key}: \"3\"\n";
        var file = CliRunner.WriteTemp("bogus.yaml", spec);

        var (exit, output, error) = CliRunner.Run("render", file, "--runtime", runtime, "--platform", Platform, "--reference", Reference);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains($"error: {message}", error);
    }

    [Fact]
    public void Without_a_platform_config_the_error_names_the_flag()
    {
        var (exit, _, error) = CliRunner.Run("render", Path.Combine(Examples, "page-view-filter.yaml"), "--runtime", "flink");

        Assert.Equal(1, exit);
        Assert.Contains("error: no platform config: pass --platform FILE (./examples/platform.yaml does not exist)", error);
    }

    [Fact]
    public void A_fabric_the_job_is_not_placed_on_is_refused()
    {
        var (exit, _, error) = CliRunner.Run("render", Path.Combine(Examples, "page-view-filter.yaml"), "--fabric", "local", "--platform", Platform);

        Assert.Equal(1, exit);
        Assert.Contains("placement.fabrics: the job is not placed on fabric 'local' (placed on: us-east-1a, eu-west-1a)", error);
    }

    [Fact]
    public void An_unknown_runtime_is_a_usage_error()
    {
        var (exit, _, error) = CliRunner.Run("render", Path.Combine(Examples, "page-view-filter.yaml"), "--runtime", "storm", "--platform", Platform);

        Assert.NotEqual(0, exit);
        Assert.Contains("storm", error);
    }
}
