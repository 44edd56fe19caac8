using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Sluice.Runtimes.Drivers;

namespace Sluice.Runtimes.Tests.Drivers.Kubernetes;

/// <summary>The operator's CRD schemas (openAPIV3Schema of flink.apache.org/v1beta1) from the shared reference data.</summary>
internal sealed class CrdSchemas
{
    private static readonly Lazy<CrdSchemas> Instance = new(() => new CrdSchemas());

    private readonly Dictionary<string, JsonSchema> byPlural = new(StringComparer.Ordinal)
    {
        ["flinkdeployments"] = LoadSchema("flinkdeployments.flink.apache.org-v1.yml"),
        ["flinkstatesnapshots"] = LoadSchema("flinkstatesnapshots.flink.apache.org-v1.yml"),
    };

    public static CrdSchemas Load() => Instance.Value;

    /// <summary>Null when valid, else the first violation with its location.</summary>
    public string? Validate(string plural, JsonObject resource)
    {
        using var document = JsonDocument.Parse(resource.ToJsonString());
        var result = byPlural[plural].Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return null;
        }
        var failure = result.Details?.FirstOrDefault(d => d.Errors is { Count: > 0 }) ?? result;
        return $"{failure.InstanceLocation}: {string.Join("; ", failure.Errors?.Values.AsEnumerable() ?? [])}";
    }

    private static JsonSchema LoadSchema(string file)
    {
        var crd = YamlJson.Parse(File.ReadAllText(SharedReference.PathOf("flink-operator", file)))!;
        var version = crd["spec"]!["versions"]!.AsArray().Single(v => (string?)v!["name"] == "v1beta1")!;
        var schema = version["schema"]!["openAPIV3Schema"]!.ToJsonString();
        // Kubernetes structural schemas carry x-kubernetes-* extension keywords; the validator must let them pass.
        var dialect = Dialect.Draft202012.With([], allowUnknownKeywords: true);
        return JsonSchema.FromText(schema, new BuildOptions { Dialect = dialect }, new Uri($"https://sluice.test/crds/{file}"));
    }
}
