using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Runtimes.Compilation;
using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Flink;
using Sluice.Runtimes.Samza;
using Sluice.Spec.V1;

namespace Sluice.Deployment.Workflow;

/// <summary>The Rendering step over the compilers: a FlinkDeployment resource or Samza properties for the fabric.</summary>
public sealed class CompilerRenderer(PlatformConfig platform) : IArtifactRenderer
{
    public const string FlinkFormat = "flink-deployment+json";
    public const string SamzaFormat = "samza-properties+json";

    public RenderedArtifact Render(JobSpec spec, long revision, string fabric)
    {
        try
        {
            var target = FabricSelector.Select(spec, platform, fabric);
            return RuntimeChoice.For(spec, platform) switch
            {
                Runtime.Samza => new RenderedArtifact(SamzaFormat,
                    JsonSerializer.Serialize(SamzaJobCompiler.Compile(spec, platform, target).Properties.Select(p => new[] { p.Key, p.Value }))),
                _ => new RenderedArtifact(FlinkFormat,
                    FlinkManifestWriter.ToJson(FlinkDeploymentCompiler.Compile(spec, platform, target).Manifest).ToJsonString()),
            };
        }
        catch (CompilationException error)
        {
            throw new PermanentStepException($"rendering revision {revision} for fabric {fabric}: {error.Message}");
        }
    }

    public RuntimeArtifact Load(RenderedArtifact rendered) => rendered.Format switch
    {
        FlinkFormat => FlinkDeploymentArtifact.FromJson(JsonNode.Parse(rendered.Text) as JsonObject
                                                        ?? throw new InvalidDataException("stored FlinkDeployment is not a JSON object")),
        SamzaFormat => new SamzaPropertiesArtifact(
            (JsonSerializer.Deserialize<string[][]>(rendered.Text) ?? throw new InvalidDataException("stored Samza properties are empty"))
            .Select(pair => new KeyValuePair<string, string>(pair[0], pair[1]))),
        var format => throw new InvalidDataException($"rendered_format: unknown format '{format}'"),
    };
}
