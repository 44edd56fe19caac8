using Sluice.Spec.V1;

namespace Sluice.Spec.Tests;

public class SpecLoaderTests
{
    [Fact]
    public void Reads_every_kind_of_field()
    {
        var result = SpecLoader.ParseJobSpec(SpecTexts.Sessions, "sessions.yaml");

        Assert.False(result.HasErrors, string.Join("\n", result.Errors));
        var spec = result.Value!;
        Assert.Equal("clickstream-sessions", spec.Name);
        Assert.Equal(Runtime.Flink, spec.Runtime);
        Assert.Equal("gold", spec.Labels["tier"]);
        Assert.Equal(["--gap", "30m"], spec.Artifact.Jar.Args);
        Assert.Equal(32, spec.Sources[0].Partitions);
        Assert.Equal(StoreKind.Rocksdb, spec.State.Stores[0].Kind);
        Assert.Equal(7200, spec.State.Stores[0].Ttl.Seconds);
        Assert.Equal(60, spec.State.Checkpointing.Interval.Seconds);
        Assert.Equal(CheckpointMode.ExactlyOnce, spec.State.Checkpointing.Mode);
        Assert.Equal(0.5, spec.Resources.Coordinator.Cpu);
        Assert.Equal("1536Mi", spec.Resources.Coordinator.Memory);
        Assert.Equal(0.7, spec.Autoscaling.TargetUtilization);
        Assert.Equal(UpgradeMode.Savepoint, spec.Upgrade.Mode);
        Assert.Equal(["us-east-1a", "eu-west-1a"], spec.Placement.Fabrics);
        Assert.Equal(AlertKind.ConsumerLag, spec.Observability.Alerts[0].Kind);
        Assert.Equal(600, spec.Observability.Alerts[0].For.Seconds);
        Assert.Equal(Severity.Page, spec.Observability.Alerts[0].Severity);
    }

    [Fact]
    public void Override_is_reported_as_a_warning_at_its_line()
    {
        var result = SpecLoader.ParseJobSpec(SpecTexts.Sessions, "sessions.yaml");

        var warning = Assert.Single(result.Warnings);
        Assert.Equal("overrides[\"flink.taskmanager.numberOfTaskSlots\"]", warning.Path);
        Assert.Equal(60, warning.Line);
    }

    [Fact]
    public void Three_distinct_mistakes_give_three_errors_with_positions()
    {
        const string text = """
            name: Filter_Bots
            namespace: growth
            artifact:
              jar: {uri: "s3://a/filter.jar", entryClass: com.example.Filter}
            sources:
              - {system: kafka, cluster: tracking, name: page-views}
            resources:
              parallelism: 12
              maxParalelism: 8
            autoscaling: {enabled: true, minParallelism: 10, maxParallelism: 4}
            """;

        var result = SpecLoader.ParseJobSpec(text, "bad.yaml");

        Assert.Null(result.Value);
        var errors = result.Errors.Select(e => (e.Path, e.Line, e.Column)).ToList();
        Assert.Equal(
            [
                ("name", 1, 7),
                ("resources.maxParalelism", 9, 3),
                ("autoscaling.minParallelism", 10, 46),
            ],
            errors);
        Assert.Contains("did you mean 'maxParallelism'?", result.Errors.ElementAt(1).Message);
    }

    [Theory]
    [InlineData("resources: {parallelism: four}", "resources.parallelism", "expected a whole number, got 'four'")]
    [InlineData("resources: {parallelism: 2147483648}", "resources.parallelism", "expected a whole number")]
    [InlineData("runtime: spark", "runtime", "expected one of any, flink, samza, got 'spark'")]
    [InlineData("state: {checkpointing: {interval: soon}}", "state.checkpointing.interval", "expected a duration")]
    [InlineData("labels: [a, b]", "labels", "expected a mapping, got a list")]
    [InlineData("placement: {fabrics: {a: b}}", "placement.fabrics", "expected a list, got a mapping")]
    [InlineData("state: {stateful: yes}", "state.stateful", "expected true or false, got 'yes'")]
    public void Wrong_types_name_the_field_and_what_was_expected(string line, string path, string message)
    {
        var result = SpecLoader.ParseJobSpec(SpecTexts.Minimal + "\n" + line, "spec.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
        Assert.Equal(9, error.Line);
    }

    [Fact]
    public void Jar_and_sql_together_is_an_error()
    {
        var text = SpecTexts.Minimal.Replace(
            "  jar: {uri",
            "  sql: {dialect: flink-sql, script: 'SELECT 1'}\n  jar: {uri");

        var error = Assert.Single(SpecLoader.ParseJobSpec(text, "spec.yaml").Errors);

        Assert.Equal("artifact.jar", error.Path);
        Assert.Contains("only one of jar, sql", error.Message);
    }

    [Theory]
    [InlineData("name: [unclosed", 2)]
    [InlineData("name: a\n  bad: indent: here", 2)]
    [InlineData("\"name\": \"a\",,", 1)]
    public void Broken_yaml_is_an_error_with_its_position_not_an_exception(string text, int line)
    {
        var result = SpecLoader.ParseJobSpec(text, "broken.yaml");

        var error = Assert.Single(result.Diagnostics);
        Assert.True(error.IsError);
        Assert.StartsWith("not valid YAML", error.Message);
        Assert.Equal(line, error.Line);
    }

    [Fact]
    public void Several_documents_in_one_file_are_refused()
    {
        var result = SpecLoader.ParseJobSpec(SpecTexts.Minimal + "\n---\n" + SpecTexts.Minimal, "two.yaml");

        Assert.Contains("exactly one document, found 2", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void Json_with_tabs_reads_like_yaml()
    {
        var result = SpecLoader.ParseJobSpec(SpecTexts.SessionsJson, "sessions.json");

        Assert.False(result.HasErrors, string.Join("\n", result.Errors));
        Assert.Equal(2, result.Value!.Placement.Fabrics.Count);
    }

    [Fact]
    public void Missing_file_is_a_diagnostic()
    {
        var result = SpecLoader.LoadJobSpecFile("/nonexistent/spec.yaml");

        Assert.Contains("cannot read /nonexistent/spec.yaml", Assert.Single(result.Errors).Message);
    }

    [Fact]
    public void Platform_config_loads_and_checks_duplicate_fabrics()
    {
        const string text = """
            fabrics:
              - {name: us-east-1a, region: us-east-1, flink: {namespace: streaming, image: "flink:1.20", flinkVersion: v1_20}}
              - {name: us-east-1a}
            kafkaClusters:
              - {name: tracking, bootstrapServers: "kafka-1:9092"}
            """;

        var result = SpecLoader.ParsePlatform(text, "platform.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal("fabrics[1].name", error.Path);
        Assert.Equal(3, error.Line);
    }
}

public class DocumentKindTests
{
    [Theory]
    [InlineData("fabrics: [{name: a}]", DocumentKind.PlatformConfig)]
    [InlineData("kafkaClusters: []\n", DocumentKind.PlatformConfig)]
    [InlineData("name: a\nnamespace: b\n", DocumentKind.JobSpec)]
    [InlineData("name: [broken", DocumentKind.JobSpec)]
    [InlineData("- a\n- b\n", DocumentKind.JobSpec)]
    public void Platform_configs_are_told_apart_by_their_fields(string text, DocumentKind kind)
    {
        Assert.Equal(kind, DocumentKinds.Detect(text));
    }
}
