using Sluice.Migration.Annotations;
using Sluice.Migration.Legacy;

namespace Sluice.Migration.Tests;

public sealed class AnnotationsTests
{
    [Fact]
    public void A_full_annotations_file_is_read()
    {
        var annotations = AnnotationsLoader.Parse("""
            name: clicks
            namespace: growth
            owner: growth@example.org
            artifact: {uri: "s3://jobs/clicks.tar.gz", entryClass: com.example.Clicks, args: [a, b]}
            systems:
              kafka: {cluster: tracking, bootstrapServers: "k1:9092"}
            sources: [{cluster: kafka, name: clicks}]
            sinks: []
            keep: [task.window.ms]
            """, "a.yaml");
        Assert.Equal(("clicks", "growth", "growth@example.org"), (annotations.Name, annotations.Namespace, annotations.Owner));
        Assert.Equal(["a", "b"], annotations.Artifact!.Args);
        Assert.Equal("tracking", annotations.Systems["kafka"].Cluster);
        Assert.Equal(new DatasetAnnotation("kafka", "kafka", "clicks", ""), Assert.Single(annotations.Sources!));
        Assert.Empty(annotations.Sinks!);
        Assert.Equal(["task.window.ms"], annotations.Keep);
    }

    [Fact]
    public void Sinks_left_out_are_unknown_not_empty()
    {
        Assert.Null(AnnotationsLoader.Parse("namespace: x\n", "a.yaml").Sinks);
    }

    [Theory]
    [InlineData("namespace: x\nsink: []\n", 2, 1, "unknown field 'sink' in the annotations; did you mean 'sinks'?")]
    [InlineData("artifact:\n  url: s3://x\n", 2, 3, "unknown field 'url' in artifact; did you mean 'uri'?")]
    [InlineData("sinks:\n  - {cluster: kafka}\n", 2, 5, "sinks[0].name is required: the topic, table or path")]
    [InlineData("sinks: none\n", 1, 8, "sinks must be a list of {system, cluster, name, format} (or [] for none)")]
    [InlineData("keep: [a, [b]]\n", 1, 11, "each item of keep must be a text value")]
    [InlineData("name: [unclosed\n", 2, 1, "not valid YAML")]
    public void Mistakes_are_errors_at_their_line_and_column(string text, int line, int column, string message)
    {
        var error = Assert.Throws<LegacyConfigException>(() => AnnotationsLoader.Parse(text, "job.yaml"));
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(message, error.Message);
        Assert.StartsWith($"job.yaml:{line}:{column}: ", error.Message);
    }
}
