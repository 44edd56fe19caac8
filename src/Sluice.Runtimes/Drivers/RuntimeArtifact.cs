using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sluice.Runtimes.Rendering;
using YamlDotNet.Core;

namespace Sluice.Runtimes.Drivers;

/// <summary>A rendered job, as the compilers produce it; drivers take it as data.</summary>
public abstract class RuntimeArtifact;

/// <summary>A <c>flink.apache.org/v1beta1</c> FlinkDeployment custom resource in application mode.</summary>
public sealed partial class FlinkDeploymentArtifact : RuntimeArtifact
{
    public const string ApiVersion = "flink.apache.org/v1beta1";

    private readonly JsonObject resource;

    private FlinkDeploymentArtifact(JsonObject resource) => this.resource = resource;

    public string Name => (string)resource["metadata"]!["name"]!;

    public string? Namespace => resource["metadata"]?["namespace"]?.GetValue<string>();

    /// <summary>A fresh copy the caller may change.</summary>
    public JsonObject ToJson() => (JsonObject)resource.DeepClone();

    /// <summary>Reads a FlinkDeployment from JSON or YAML text and checks the fields a driver relies on.</summary>
    public static FlinkDeploymentArtifact Parse(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        JsonNode? node;
        try
        {
            node = document.TrimStart().StartsWith('{') ? JsonNode.Parse(document) : YamlJson.Parse(document);
        }
        catch (YamlException e)
        {
            throw new ArgumentException($"FlinkDeployment {e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}", nameof(document), e);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ArgumentException($"FlinkDeployment {e.LineNumber + 1}:{e.BytePositionInLine + 1}: {e.Message}", nameof(document), e);
        }
        return FromJson(node as JsonObject ?? throw new ArgumentException("FlinkDeployment: the document must be a mapping", nameof(document)));
    }

    public static FlinkDeploymentArtifact FromJson(JsonObject resource)
    {
        Require(resource, "apiVersion", ApiVersion);
        Require(resource, "kind", "FlinkDeployment");
        var name = resource["metadata"]?["name"] is JsonValue n && n.TryGetValue<string>(out var s) ? s : null;
        if (name is null || !Dns1123Subdomain().IsMatch(name))
        {
            throw new ArgumentException($"metadata.name: expected a DNS-1123 name, got '{name}'");
        }
        if (resource["spec"]?["job"] is not JsonObject)
        {
            throw new ArgumentException("spec.job: an application-mode FlinkDeployment needs a job section");
        }
        return new FlinkDeploymentArtifact((JsonObject)resource.DeepClone());
    }

    public string ToYaml() => YamlWriter.Write(resource);

    private static void Require(JsonObject resource, string field, string expected)
    {
        var actual = resource[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (actual != expected)
        {
            throw new ArgumentException($"{field}: expected '{expected}', got '{actual}'");
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();
}

/// <summary>A Samza job's configuration as ordered key/value pairs (the content of its <c>.properties</c> file).</summary>
public sealed class SamzaPropertiesArtifact : RuntimeArtifact
{
    public SamzaPropertiesArtifact(IEnumerable<KeyValuePair<string, string>> properties)
    {
        var list = properties.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(list[i].Key))
            {
                throw new ArgumentException($"properties[{i}]: empty key");
            }
            if (!seen.Add(list[i].Key))
            {
                throw new ArgumentException($"properties[{i}]: duplicate key '{list[i].Key}'");
            }
        }
        Properties = list;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Properties { get; }

    public string? Get(string key) => Properties.FirstOrDefault(p => p.Key == key).Value;

    /// <summary>The <c>java.util.Properties</c> text form, keys in their given order.</summary>
    public string ToPropertiesText()
    {
        var text = new StringBuilder();
        foreach (var (key, value) in Properties)
        {
            text.Append(Escape(key, isKey: true)).Append('=').Append(Escape(value, isKey: false)).Append('\n');
        }
        return text.ToString();
    }

    private static string Escape(string text, bool isKey)
    {
        var escaped = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\\': escaped.Append("\\\\"); break;
                case '\n': escaped.Append("\\n"); break;
                case '\r': escaped.Append("\\r"); break;
                case '\t': escaped.Append("\\t"); break;
                case '\f': escaped.Append("\\f"); break;
                case '=' or ':' when isKey: escaped.Append('\\').Append(c); break;
                case '#' or '!' when i == 0: escaped.Append('\\').Append(c); break;
                case ' ' when isKey || i == 0: escaped.Append("\\ "); break;
                case < ' ' or > '~': escaped.Append("\\u").Append(((int)c).ToString("x4")); break;
                default: escaped.Append(c); break;
            }
        }
        return escaped.ToString();
    }
}
