using System.Text.Json.Nodes;
using Sluice.Runtimes.Rendering;

namespace Sluice.Runtimes.Flink;

/// <summary>Renders a FlinkDeployment as the JSON the Kubernetes API takes, or as YAML for people.</summary>
public static class FlinkManifestWriter
{
    public static JsonObject ToJson(FlinkDeploymentManifest manifest)
    {
        var spec = manifest.Spec;
        var job = new JsonObject { ["jarURI"] = spec.Job.JarUri };
        if (spec.Job.EntryClass is { Length: > 0 } entryClass)
        {
            job["entryClass"] = entryClass;
        }
        if (spec.Job.Args.Count > 0)
        {
            job["args"] = new JsonArray(spec.Job.Args.Select(arg => (JsonNode?)JsonValue.Create(arg)).ToArray());
        }
        job["parallelism"] = spec.Job.Parallelism;
        job["upgradeMode"] = spec.Job.UpgradeMode;
        job["state"] = spec.Job.State;
        if (spec.Job.AllowNonRestoredState)
        {
            job["allowNonRestoredState"] = true;
        }

        return new JsonObject
        {
            ["apiVersion"] = FlinkDeploymentManifest.ApiVersion,
            ["kind"] = FlinkDeploymentManifest.Kind,
            ["metadata"] = new JsonObject
            {
                ["name"] = manifest.Metadata.Name,
                ["namespace"] = manifest.Metadata.Namespace,
                ["labels"] = StringMap(manifest.Metadata.Labels),
            },
            ["spec"] = new JsonObject
            {
                ["image"] = spec.Image,
                ["flinkVersion"] = spec.FlinkVersion,
                ["serviceAccount"] = spec.ServiceAccount,
                ["flinkConfiguration"] = StringMap(spec.FlinkConfiguration),
                ["jobManager"] = Process(spec.JobManager),
                ["taskManager"] = Process(spec.TaskManager),
                ["job"] = job,
            },
        };
    }

    public static string ToYaml(FlinkDeploymentManifest manifest) => YamlWriter.Write(ToJson(manifest));

    private static JsonObject StringMap(IEnumerable<KeyValuePair<string, string>> entries)
    {
        var map = new JsonObject();
        foreach (var (key, value) in entries)
        {
            map[key] = value;
        }
        return map;
    }

    private static JsonObject Process(FlinkProcessResources resources) => new()
    {
        ["resource"] = new JsonObject { ["memory"] = resources.Memory, ["cpu"] = resources.Cpu },
    };
}
