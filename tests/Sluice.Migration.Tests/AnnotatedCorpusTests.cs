using Sluice.Migration.Annotations;
using Sluice.Migration.Report;
using Sluice.Spec;

namespace Sluice.Migration.Tests;

/// <summary>Corpus jobs with the annotations their owners would write (tests/…/Annotations): what information completes.</summary>
public sealed class AnnotatedCorpusTests
{
    [Theory]
    [InlineData("samza-configs", "samza__samza-test__join__checker.samza.properties", "proven")]
    [InlineData("samza-configs", "samza__samza-test__join__emitter.samza.properties", "proven")]
    [InlineData("samza-configs", "samza__samza-test__join__joiner.samza.properties", "proven")]
    [InlineData("samza-configs", "samza__samza-test__join__watcher.samza.properties", "proven")]
    [InlineData("samza-configs", "hello-samza__v2015-12__wikipedia-stats.properties", "proven")]
    [InlineData("samza-configs", "hello-samza__v2017-06__pageview-adclick-joiner.properties", "differences")]
    [InlineData("flink-configs", "flink-kubernetes-operator__python-example.yaml", "proven")]
    [InlineData("flink-configs", "flink-kubernetes-operator__basic.yaml", "proven")]
    public void Annotations_complete_the_missing_information(string folder, string file, string status)
    {
        var annotations = AnnotationsLoader.LoadFile(Shared.TestFile("Annotations", Path.GetFileNameWithoutExtension(file) + ".yaml"));
        var result = Migrator.ImportFile(Path.Combine(Shared.Corpus(folder), file), annotations, Shared.Reference);

        Assert.Empty(result.Report.Missing);
        Assert.Equal(status, MappingReport.StatusText(result.Report.Status));
        // What is proven is a valid JobSpec that reads back from its authored YAML.
        var reread = SpecLoader.ParseJobSpec(SpecYaml.Write(result.Import.Spec), "imported.yaml");
        Assert.False(reread.HasErrors, string.Join("\n", reread.Errors));
        Assert.Equal(CanonicalSpec.Hash(result.Import.Spec), CanonicalSpec.Hash(reread.Value!));
    }

    [Fact]
    public void Renaming_a_system_to_its_platform_cluster_renames_every_reference_in_the_overrides()
    {
        var annotations = AnnotationsLoader.LoadFile(Shared.TestFile("Annotations", "hello-samza__v2015-12__wikipedia-stats.yaml"));
        var result = Migrator.ImportFile(Path.Combine(Shared.Corpus("samza-configs"), "hello-samza__v2015-12__wikipedia-stats.properties"), annotations, Shared.Reference);
        var overrides = result.Import.Spec.Overrides;
        Assert.Equal("tracking.wikipedia-stats-changelog", overrides["samza.stores.wikipedia-stats.changelog"]);
        Assert.Equal("json", overrides["samza.systems.tracking.samza.msg.serde"]);
        Assert.DoesNotContain(overrides.Keys, key => key.Contains("systems.kafka.", StringComparison.Ordinal));
        Assert.Contains("systems.tracking.samza.factory=", result.Rendered);
    }

    [Fact]
    public void Annotations_that_contradict_the_config_show_as_differences()
    {
        var annotations = new MigrationAnnotations
        {
            Name = "wikipedia-stats-v2",
            Artifact = new ArtifactAnnotation("https://repo.example.org/x-dist.tar.gz", null, null),
            Sinks = [],
        };
        var result = Migrator.ImportFile(Path.Combine(Shared.Corpus("samza-configs"), "hello-samza__v2015-12__wikipedia-stats.properties"), annotations, Shared.Reference);
        var difference = Assert.Single(result.Report.Differences);
        Assert.Equal(("job.name", "wikipedia-stats", "wikipedia-stats-v2"), (difference.Key, difference.Legacy, difference.Sluice));
    }
}
