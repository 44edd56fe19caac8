using System.CommandLine;
using Sluice.Runtimes.Compilation;
using Sluice.Runtimes.Flink;
using Sluice.Runtimes.Samza;
using Sluice.Runtimes.Validation;
using Sluice.Spec;
using Sluice.Spec.V1;

namespace Sluice.Cli.Commands;

/// <summary>`sluice render`: a JobSpec compiled to the framework config one runtime would get on one fabric.</summary>
public static class RenderCommand
{
    public const string DefaultPlatformPath = "examples/platform.yaml";

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "a JobSpec file (YAML or JSON)" };
        var runtime = new Option<string?>("--runtime")
        {
            Description = "flink (a FlinkDeployment resource, YAML) or samza (job .properties); default: the spec's runtime, else the platform's",
        };
        runtime.AcceptOnlyFromAmong("flink", "samza");
        var fabric = new Option<string?>("--fabric") { Description = "the fabric to render for; default: the first of the spec's placement" };
        var platform = new Option<string?>("--platform") { Description = $"the platform config; default: ./{DefaultPlatformPath} when it exists" };
        var reference = new Option<string?>("--reference")
        {
            Description = "a reference data folder (flink-config/, flink-operator/, samza/): also check every key and the FlinkDeployment CRD schema",
        };
        var command = new Command("render", "Print the framework config a JobSpec compiles to: FlinkDeployment YAML or Samza properties.")
        {
            file, runtime, fabric, platform, reference,
        };
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var text = Render(parse.GetValue(file)!, parse.GetValue(runtime), parse.GetValue(fabric), parse.GetValue(platform), parse.GetValue(reference), error);
                if (text is null)
                {
                    return 1;
                }
                parse.InvocationConfiguration.Output.Write(text);
                return 0;
            }
            catch (CompilationException exception)
            {
                error.WriteLine($"error: {exception.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>The rendered text, or null after reporting why there is none.</summary>
    private static string? Render(string path, string? runtimeName, string? fabricName, string? platformPath, string? referenceDirectory, TextWriter error)
    {
        platformPath ??= File.Exists(DefaultPlatformPath) ? DefaultPlatformPath : null;
        if (platformPath is null)
        {
            error.WriteLine($"error: no platform config: pass --platform FILE (./{DefaultPlatformPath} does not exist)");
            return null;
        }
        var platform = SpecLoader.LoadPlatformFile(platformPath);
        if (SpecCommands.Report(platform.Diagnostics, platformPath, error))
        {
            return null;
        }
        var loaded = SpecLoader.LoadJobSpecFile(path, platform.Value);
        if (SpecCommands.Report(loaded.Diagnostics, path, error))
        {
            return null;
        }
        var spec = loaded.Value!;
        var target = runtimeName switch
        {
            "flink" => Runtime.Flink,
            "samza" => Runtime.Samza,
            _ => RuntimeChoice.For(spec, platform.Value!),
        };
        if (spec.Runtime is Runtime.Flink or Runtime.Samza && spec.Runtime != target)
        {
            error.WriteLine($"warning: {path}: the spec asks for runtime {Name(spec.Runtime)}; rendering for {Name(target)} as requested");
        }
        var fabric = FabricSelector.Select(spec, platform.Value!, fabricName);
        var header = $"Rendered by sluice from {spec.Namespace}/{spec.Name} ({CanonicalSpec.Hash(spec)}) for {Name(target)} on fabric {fabric.Name}.";

        string text;
        IReadOnlyList<string> notes;
        IReadOnlyList<string> problems = [];
        if (target == Runtime.Flink)
        {
            var compiled = FlinkDeploymentCompiler.Compile(spec, platform.Value!, fabric);
            (text, notes) = ($"# {header}\n{FlinkManifestWriter.ToYaml(compiled.Manifest)}", compiled.Notes);
            if (referenceDirectory is not null)
            {
                problems = CheckFlink(compiled.Manifest, referenceDirectory);
            }
        }
        else
        {
            var compiled = SamzaJobCompiler.Compile(spec, platform.Value!, fabric);
            (text, notes) = (SamzaPropertiesWriter.Write(compiled, header), compiled.Notes);
            if (referenceDirectory is not null)
            {
                problems = ReferenceKeyCatalogs.Samza(referenceDirectory).Unknown(compiled.Properties.Select(entry => entry.Key))
                    .Select(key => $"'{key}' is not a Samza configuration key").ToArray();
            }
        }
        foreach (var note in notes)
        {
            error.WriteLine($"note: {note}");
        }
        foreach (var problem in problems)
        {
            error.WriteLine($"error: {problem}");
        }
        return problems.Count > 0 ? null : text;
    }

    private static IReadOnlyList<string> CheckFlink(FlinkDeploymentManifest manifest, string referenceDirectory)
    {
        var version = FlinkVersion.TryParse(manifest.Spec.FlinkVersion)!;
        var unknownKeys = ReferenceKeyCatalogs.Flink(referenceDirectory, version)
            .Unknown(manifest.Spec.FlinkConfiguration.Select(entry => entry.Key))
            .Select(key => $"flinkConfiguration: '{key}' is not a Flink {version} or operator configuration key");
        var crd = Path.Combine(referenceDirectory, "flink-operator", "flinkdeployments.flink.apache.org-v1.yml");
        var violations = CustomResourceSchema.Load(crd, "v1beta1").Validate(FlinkManifestWriter.ToJson(manifest))
            .Select(violation => $"FlinkDeployment CRD schema: {violation}");
        return unknownKeys.Concat(violations).ToArray();
    }

    private static string Name(Runtime runtime) => runtime == Runtime.Samza ? "samza" : "flink";
}
