using Sluice.Runtimes.Compilation;
using Sluice.Runtimes.Flink;
using Sluice.Runtimes.Samza;
using Sluice.Runtimes.Validation;
using Sluice.Spec.V1;

namespace Sluice.Runtimes.Tests.Compilers;

public class KeyCatalogTests
{
    private static readonly KeyCatalog Samza = ReferenceKeyCatalogs.Samza(RepositoryPaths.Reference);
    private static readonly KeyCatalog Flink2 = ReferenceKeyCatalogs.Flink(RepositoryPaths.Reference, new FlinkVersion(2, 1));
    private static readonly KeyCatalog Flink1 = ReferenceKeyCatalogs.Flink(RepositoryPaths.Reference, new FlinkVersion(1, 20));

    [Theory]
    [InlineData("systems.tracking.samza.factory", true)]
    [InlineData("systems.tracking.consumer.bootstrap.servers", true)]
    [InlineData("stores.open-sessions.changelog", true)]
    [InlineData("job.container.count", true)]
    [InlineData("systems.a.b.samza.factory", false)]
    [InlineData("systems..samza.factory", false)]
    [InlineData("systems.tracking.consumer", false)]
    [InlineData("stores.open-sessions.changelogs", false)]
    [InlineData("job.containers.count", false)]
    public void Samza_placeholders_match_one_dot_free_segment_and_a_final_star_one_or_more(string key, bool known)
    {
        Assert.Equal(known, Samza.Contains(key));
    }

    [Fact]
    public void Flink_catalogs_follow_the_version_naming()
    {
        Assert.True(Flink2.Contains("state.backend.type"));
        Assert.False(Flink2.Contains("state.backend"));
        Assert.True(Flink1.Contains("state.backend"));
        Assert.False(Flink1.Contains("state.backend.type"));
        Assert.True(Flink2.Contains("table.exec.state.ttl"));
        Assert.True(Flink2.Contains("job.autoscaler.utilization.target"));
        Assert.True(Flink2.Contains("job.autoscaler.metrics.custom-evaluator.lag.threshold"));
        Assert.False(Flink2.Contains("job.autoscaler.utilisation.target"));
    }

    [Fact]
    public void Compiler_rename_table_is_the_reference_rename_table()
    {
        var reference = ReferenceKeyCatalogs.Flink1Renames(RepositoryPaths.Reference);

        Assert.Equal(reference.OrderBy(entry => entry.Key), FlinkKeys.Flink1Names.OrderBy(entry => entry.Key));
    }

    [Fact]
    public void Every_key_the_flink_compiler_can_write_is_real_on_both_major_versions()
    {
        var keys = typeof(FlinkKeys).GetFields()
            .Where(field => field.IsLiteral)
            .Select(field => (string)field.GetRawConstantValue()!)
            .ToArray();

        Assert.Empty(Flink2.Unknown(keys));
        Assert.Empty(Flink1.Unknown(keys.Select(key => FlinkKeys.NameOn(new FlinkVersion(1, 20), key))));
    }

    [Fact]
    public void A_bogus_flink_override_key_is_caught()
    {
        var spec = TestSpecs.WindowedAggregation();
        spec.Overrides["flink.execution.checkpointing.intervall"] = "10 s";
        var platform = TestSpecs.Platform();

        var configuration = FlinkDeploymentCompiler.Compile(spec, platform, TestSpecs.East(platform)).Manifest.Spec.FlinkConfiguration;

        Assert.Equal(["execution.checkpointing.intervall"], Flink2.Unknown(configuration.Select(entry => entry.Key)));
    }

    [Fact]
    public void A_bogus_samza_override_key_is_caught()
    {
        var spec = TestSpecs.WindowedAggregation();
        spec.Overrides["samza.stores.revenue-windows.rocksdb.ttl"] = "1000";
        spec.Overrides["samza.task.window.ms"] = "1000";
        var platform = TestSpecs.Platform();

        var properties = SamzaJobCompiler.Compile(spec, platform, TestSpecs.East(platform)).Properties;

        Assert.Equal(["stores.revenue-windows.rocksdb.ttl"], Samza.Unknown(properties.Select(entry => entry.Key)));
    }

    [Fact]
    public void An_override_without_a_runtime_prefix_is_refused()
    {
        var spec = TestSpecs.StatelessFilter();
        spec.Overrides["parallelism.default"] = "3";
        var platform = TestSpecs.Platform();

        var error = Assert.Throws<CompilationException>(() => SamzaJobCompiler.Compile(spec, platform, TestSpecs.East(platform)));

        Assert.Contains("overrides[parallelism.default]: an override key starts with 'flink.' or 'samza.'", error.Problems);
    }

    [Fact]
    public void A_malformed_catalog_is_an_error_naming_file_and_line()
    {
        var path = Path.Combine(Path.GetTempPath(), $"catalog-{Guid.NewGuid():N}.tsv");
        File.WriteAllText(path, "key\tdefault\njob.name\t\n\tx\n");
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => KeyCatalog.FromTsv(path, "key"));
            Assert.Equal($"{path}:3: no value in column 'key'", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
