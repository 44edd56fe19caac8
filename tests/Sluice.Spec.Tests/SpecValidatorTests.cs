using Sluice.Spec.V1;

namespace Sluice.Spec.Tests;

public class SpecValidatorTests
{
    private static IReadOnlyList<Diagnostic> Check(string extra, PlatformConfig? platform = null) =>
        SpecLoader.ParseJobSpec(SpecTexts.Minimal + "\n" + extra, "spec.yaml", platform).Diagnostics;

    [Fact]
    public void Minimal_spec_is_clean()
    {
        Assert.Empty(Check(""));
    }

    [Theory]
    [InlineData("state: {stateful: true}\nupgrade: {mode: stateless}", "upgrade.mode", "loses its state")]
    [InlineData("autoscaling: {enabled: true, minParallelism: 2}", "autoscaling.maxParallelism", "is required when autoscaling is enabled")]
    [InlineData("resources: {maxParallelism: 16}\nautoscaling: {enabled: true, maxParallelism: 32}", "autoscaling.maxParallelism", "greater than resources.maxParallelism (16)")]
    [InlineData("autoscaling: {targetUtilization: 1.5}", "autoscaling.targetUtilization", "is not in (0, 1]")]
    [InlineData("resources: {task: {memory: 2GB}}", "resources.task.memory", "not a memory quantity")]
    [InlineData("resources: {parallelism: -1}", "resources.parallelism", "must be at least 1")]
    [InlineData("state: {stores: [{name: counts}]}", "state.stores", "state.stateful is false")]
    [InlineData("state: {stateful: true, stores: [{name: counts}, {name: counts}]}", "state.stores[1].name", "declared twice")]
    [InlineData("overrides: {taskmanager.numberOfTaskSlots: '2'}", "overrides[\"taskmanager.numberOfTaskSlots\"]", "must be namespaced")]
    [InlineData("labels: {'bad key!': x}", "labels[\"bad key!\"]", "not a valid label key")]
    [InlineData("observability: {alerts: [{kind: restarts}]}", "observability.alerts[0].threshold", "must be positive")]
    [InlineData("placement: {fabrics: [a, a]}", "placement.fabrics[1]", "listed twice")]
    public void Rule_violations_are_errors_at_their_field(string extra, string path, string message)
    {
        var error = Assert.Single(Check(extra), d => d.IsError);

        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
        Assert.True(error.Line > 0, "the error points at a line");
    }

    [Fact]
    public void Stateful_job_with_stateless_upgrades_is_fine_when_checkpointed()
    {
        Assert.Empty(Check("state: {stateful: true, checkpointing: {interval: 30s}}\nupgrade: {mode: stateless}"));
    }

    [Fact]
    public void Savepoint_upgrade_of_a_stateless_job_is_a_warning()
    {
        var warning = Assert.Single(Check("upgrade: {mode: savepoint}"));

        Assert.False(warning.IsError);
        Assert.Equal("upgrade.mode", warning.Path);
    }

    [Fact]
    public void Unknown_dataset_system_suggests_the_nearest()
    {
        var text = SpecTexts.Minimal.Replace("- {system: kafka, cluster: tracking, name: human-page-views}", "- {system: kafak, cluster: tracking, name: x}");

        var error = Assert.Single(SpecLoader.ParseJobSpec(text, "spec.yaml").Errors);

        Assert.Equal("sinks[0].system", error.Path);
        Assert.Contains("did you mean 'kafka'?", error.Message);
    }

    [Fact]
    public void Kafka_dataset_needs_its_cluster_and_a_job_needs_a_source()
    {
        var spec = new JobSpec
        {
            Name = "a",
            Namespace = "b",
            Artifact = new Artifact { Jar = new JarArtifact { Uri = "s3://x/y.jar", EntryClass = "C" } },
            Sinks = { new Dataset { System = "kafka", Name = "out" } },
        };

        var paths = SpecValidator.Validate(spec).Where(d => d.IsError).Select(d => d.Path).ToList();

        Assert.Equal(["sources", "sinks[0].cluster"], paths);
    }

    [Fact]
    public void Unknown_fabric_is_checked_only_against_a_given_platform()
    {
        var platform = new PlatformConfig { Fabrics = { new Fabric { Name = "us-east-1a" }, new Fabric { Name = "eu-west-1a" } } };
        const string placement = "placement: {fabrics: [us-east-1a, us-east-1b]}";

        Assert.Empty(Check(placement));
        var error = Assert.Single(Check(placement, platform));
        Assert.Equal("placement.fabrics[1]", error.Path);
        Assert.Contains("did you mean 'us-east-1a'?", error.Message);
    }

    [Fact]
    public void Missing_artifact_points_at_the_document()
    {
        var text = string.Join("\n", SpecTexts.Minimal.Split('\n').Where(l => !l.Contains("artifact") && !l.Contains("jar:")));

        var error = Assert.Single(SpecLoader.ParseJobSpec(text, "spec.yaml").Errors);

        Assert.Equal("artifact", error.Path);
        Assert.Equal((1, 1), (error.Line, error.Column));
    }
}
