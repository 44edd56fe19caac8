using System.Text.Json.Nodes;
using Sluice.Migration.Legacy;
using Sluice.Runtimes.Rendering;
using Sluice.Spec;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Migration.Flink;

/// <summary>One YAML document of a legacy Flink file: a custom resource (kind + name) or a Flink configuration file.</summary>
public sealed record FlinkDocument(string? Kind, string? Name, int Line, IReadOnlyList<ConfigEntry> Entries);

/// <summary>
/// Flattens Flink YAML to keys: `flinkConfiguration` (or a whole configuration file) to Flink keys — nested maps
/// joined with dots, as Flink 2's config.yaml reads them — and the rest of a resource to `spec.…` / `metadata.…`
/// paths. Subtrees Sluice treats as a whole (pod templates, ingress, args) become one entry holding their JSON.
/// </summary>
public static class FlinkYaml
{
    private static readonly HashSet<string> Opaque = new(StringComparer.Ordinal)
    {
        "metadata.labels", "metadata.annotations", "spec.podTemplate", "spec.ingress", "spec.logConfiguration",
        "spec.jobManager.podTemplate", "spec.taskManager.podTemplate", "spec.job.args", "spec.jobManager.resources.limits",
        "spec.taskManager.resources.limits",
    };

    public static IReadOnlyList<FlinkDocument> Parse(string text, string source)
    {
        var (stream, syntaxError) = YamlText.Load(text);
        if (stream is null)
        {
            throw new LegacyConfigException(source, syntaxError!.Line, syntaxError.Column, syntaxError.Message);
        }
        var documents = new List<FlinkDocument>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root)
            {
                throw new LegacyConfigException(source, (int)document.RootNode.Start.Line, (int)document.RootNode.Start.Column,
                    "expected a mapping: a Flink custom resource or a Flink configuration file");
            }
            var kind = Scalar(root, "kind");
            var entries = new List<ConfigEntry>();
            if (kind is null)
            {
                FlattenConfiguration(root, "", entries);
            }
            else
            {
                FlattenResource(root, "", entries);
            }
            var name = root.Children.TryGetValue(new YamlScalarNode("metadata"), out var metadata) && metadata is YamlMappingNode meta ? Scalar(meta, "name") : null;
            documents.Add(new FlinkDocument(kind, name, (int)root.Start.Line, entries));
        }
        return documents;
    }

    private static void FlattenConfiguration(YamlMappingNode node, string prefix, List<ConfigEntry> entries)
    {
        foreach (var (keyNode, value) in node.Children)
        {
            var key = prefix + ((YamlScalarNode)keyNode).Value;
            switch (value)
            {
                case YamlMappingNode map:
                    FlattenConfiguration(map, key + ".", entries);
                    break;
                case YamlSequenceNode list:
                    // Flink reads a YAML list as its `;`-separated list form.
                    entries.Add(new ConfigEntry(key, string.Join(";", list.Children.Select(Text)), (int)keyNode.Start.Line, (int)keyNode.Start.Column));
                    break;
                default:
                    entries.Add(new ConfigEntry(key, Text(value), (int)keyNode.Start.Line, (int)keyNode.Start.Column));
                    break;
            }
        }
    }

    private static void FlattenResource(YamlMappingNode node, string prefix, List<ConfigEntry> entries)
    {
        foreach (var (keyNode, value) in node.Children)
        {
            var key = prefix + ((YamlScalarNode)keyNode).Value;
            var (line, column) = ((int)keyNode.Start.Line, (int)keyNode.Start.Column);
            if (key is "apiVersion" or "kind")
            {
                continue;
            }
            if (key == "spec.flinkConfiguration" && value is YamlMappingNode configuration)
            {
                FlattenConfiguration(configuration, "", entries);
            }
            else if (Opaque.Contains(key) || value is YamlSequenceNode)
            {
                entries.Add(new ConfigEntry(key, Json(value), line, column));
            }
            else if (value is YamlMappingNode map)
            {
                FlattenResource(map, key + ".", entries);
            }
            else
            {
                entries.Add(new ConfigEntry(key, Text(value), line, column));
            }
        }
    }

    /// <summary>A subtree as compact JSON, for entries compared as a whole.</summary>
    public static string Json(YamlNode node) => YamlJson.Convert(node)?.ToJsonString() ?? "null";

    private static string Text(YamlNode node) => node switch
    {
        YamlScalarNode scalar => scalar.Value ?? "",
        _ => Json(node),
    };

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;

    /// <summary>A JSON tree (a rendered FlinkDeployment) through the same flattening, so both sides have the same keys.</summary>
    public static IReadOnlyList<ConfigEntry> FlattenRendered(JsonObject manifest) =>
        Parse(YamlWriter.Write(manifest), "<rendered>").Single().Entries;
}
