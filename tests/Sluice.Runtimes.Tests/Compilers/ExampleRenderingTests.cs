using System.Text.RegularExpressions;
using Sluice.Runtimes.Compilation;
using Sluice.Runtimes.Flink;
using Sluice.Runtimes.Rendering;
using Sluice.Runtimes.Samza;
using Sluice.Runtimes.Validation;
using Sluice.Spec;
using Sluice.Spec.V1;

namespace Sluice.Runtimes.Tests.Compilers;

/// <summary>
/// Every JobSpec in examples/, on every fabric it is placed on, for both runtimes: what its "Renders for:" line
/// promises must render and pass the real CRD schema and key catalogs; the other runtime must refuse it.
/// </summary>
public partial class ExampleRenderingTests
{
    private static readonly PlatformConfig Platform = LoadPlatform();

    public static TheoryData<string, string, string> Renderings()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var file in ExampleFiles())
        {
            foreach (var fabric in Load(file).Placement.Fabrics)
            {
                data.Add(Path.GetFileName(file), fabric, "flink");
                data.Add(Path.GetFileName(file), fabric, "samza");
            }
        }
        return data;
    }

    [Fact]
    public void There_are_at_least_five_examples_and_each_names_its_runtimes()
    {
        var files = ExampleFiles();

        Assert.True(files.Length >= 5, $"only {files.Length} examples");
        Assert.All(files, file => Assert.NotEmpty(DeclaredRuntimes(file)));
        Assert.Contains(files, file => DeclaredRuntimes(file).SetEquals(["flink", "samza"]));
    }

    [Theory]
    [MemberData(nameof(Renderings))]
    public void Example_renders_where_it_says_and_is_refused_elsewhere(string example, string fabricName, string runtime)
    {
        var file = Path.Combine(RepositoryPaths.Examples, example);
        var spec = Load(file);
        var fabric = FabricSelector.Select(spec, Platform, fabricName);

        if (!DeclaredRuntimes(file).Contains(runtime))
        {
            // Refused for what the spec asks, not for missing platform information.
            var refusal = Assert.Throws<CompilationException>(() => Render(spec, fabric, runtime));
            Assert.NotEmpty(refusal.Problems);
            Assert.All(refusal.Problems, problem => Assert.False(problem.StartsWith("fabric ", StringComparison.Ordinal), problem));
            return;
        }
        Render(spec, fabric, runtime);
    }

    private static void Render(JobSpec spec, Fabric fabric, string runtime)
    {
        if (runtime == "flink")
        {
            var manifest = FlinkDeploymentCompiler.Compile(spec, Platform, fabric).Manifest;
            var yaml = FlinkManifestWriter.ToYaml(manifest);
            // Validate the YAML a user sees, read back, so quoting mistakes would show up as type errors.
            Assert.Empty(CustomResourceSchemaTests.FlinkDeployment.Validate(YamlJson.Parse(yaml)!));
            var catalog = ReferenceKeyCatalogs.Flink(RepositoryPaths.Reference, FlinkVersion.TryParse(manifest.Spec.FlinkVersion)!);
            Assert.Empty(catalog.Unknown(manifest.Spec.FlinkConfiguration.Select(entry => entry.Key)));
            Assert.Equal(yaml, FlinkManifestWriter.ToYaml(FlinkDeploymentCompiler.Compile(spec.Clone(), Platform, fabric).Manifest));
        }
        else
        {
            var config = SamzaJobCompiler.Compile(spec, Platform, fabric);
            Assert.Empty(ReferenceKeyCatalogs.Samza(RepositoryPaths.Reference).Unknown(config.Properties.Select(entry => entry.Key)));
            Assert.Equal(config.Properties.Count, config.Properties.Select(entry => entry.Key).Distinct().Count());
            Assert.Equal(SamzaPropertiesWriter.Write(config, "h"), SamzaPropertiesWriter.Write(SamzaJobCompiler.Compile(spec.Clone(), Platform, fabric), "h"));
        }
    }

    private static string[] ExampleFiles() =>
        Directory.GetFiles(RepositoryPaths.Examples, "*.yaml")
            .Where(file => Path.GetFileName(file) != "platform.yaml")
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static JobSpec Load(string file)
    {
        var result = SpecLoader.LoadJobSpecFile(file, Platform);
        Assert.False(result.HasErrors, string.Join("\n", result.Errors.Select(diagnostic => diagnostic.Format(file))));
        return result.Value!;
    }

    private static PlatformConfig LoadPlatform()
    {
        var path = Path.Combine(RepositoryPaths.Examples, "platform.yaml");
        var result = SpecLoader.LoadPlatformFile(path);
        Assert.False(result.HasErrors, string.Join("\n", result.Errors.Select(diagnostic => diagnostic.Format(path))));
        return result.Value!;
    }

    /// <summary>The runtimes named on the example's "# Renders for: flink, samza" line.</summary>
    private static HashSet<string> DeclaredRuntimes(string file)
    {
        var match = RendersFor().Match(File.ReadAllText(file));
        return match.Success
            ? match.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet()
            : [];
    }

    [GeneratedRegex(@"^# Renders for: (.+)$", RegexOptions.Multiline)]
    private static partial Regex RendersFor();
}
