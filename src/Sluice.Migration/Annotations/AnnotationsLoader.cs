using Sluice.Migration.Legacy;
using Sluice.Spec;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Migration.Annotations;

/// <summary>Reads an annotations file (YAML); any mistake is an error naming the file, line:column and what was expected.</summary>
public static class AnnotationsLoader
{
    private static readonly string[] TopFields = ["name", "namespace", "owner", "artifact", "systems", "sources", "sinks", "keep"];

    public static MigrationAnnotations LoadFile(string path) => Parse(File.ReadAllText(path), path);

    public static MigrationAnnotations Parse(string text, string source)
    {
        var (stream, syntaxError) = YamlText.Load(text);
        if (stream is null)
        {
            throw new LegacyConfigException(source, syntaxError!.Line, syntaxError.Column, syntaxError.Message);
        }
        if (stream.Documents.Count == 0)
        {
            return MigrationAnnotations.None;
        }
        var reader = new Reader(source);
        var root = reader.Mapping(stream.Documents[0].RootNode, "the annotations", TopFields);
        return new MigrationAnnotations
        {
            Name = reader.OptionalText(root, "name"),
            Namespace = reader.OptionalText(root, "namespace"),
            Owner = reader.OptionalText(root, "owner"),
            Artifact = root.TryGetValue("artifact", out var artifact) ? reader.Artifact(artifact) : null,
            Systems = root.TryGetValue("systems", out var systems) ? reader.Systems(systems) : new Dictionary<string, SystemAnnotation>(),
            Sources = root.TryGetValue("sources", out var sources) ? reader.Datasets(sources, "sources") : null,
            Sinks = root.TryGetValue("sinks", out var sinks) ? reader.Datasets(sinks, "sinks") : null,
            Keep = root.TryGetValue("keep", out var keep) ? reader.TextList(keep, "keep") : [],
        };
    }

    private sealed class Reader(string source)
    {
        public Dictionary<string, YamlNode> Mapping(YamlNode node, string what, string[] fields)
        {
            if (node is not YamlMappingNode mapping)
            {
                throw Error(node, $"{what} must be a mapping with the fields {string.Join(", ", fields)}");
            }
            var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in mapping.Children)
            {
                var key = ((YamlScalarNode)keyNode).Value ?? "";
                if (!fields.Contains(key))
                {
                    var nearest = Spec.Spelling.Nearest(key, fields);
                    throw Error(keyNode, $"unknown field '{key}' in {what}" + (nearest is null ? $"; expected one of {string.Join(", ", fields)}" : $"; did you mean '{nearest}'?"));
                }
                result[key] = value;
            }
            return result;
        }

        public string? OptionalText(Dictionary<string, YamlNode> map, string field) =>
            map.TryGetValue(field, out var node) ? Text(node, field) : null;

        public string Text(YamlNode node, string field) => node is YamlScalarNode { Value: { } value }
            ? value
            : throw Error(node, $"{field} must be a text value");

        public IReadOnlyList<string> TextList(YamlNode node, string field) => node is YamlSequenceNode sequence
            ? sequence.Children.Select(item => Text(item, $"each item of {field}")).ToArray()
            : throw Error(node, $"{field} must be a list");

        public ArtifactAnnotation Artifact(YamlNode node)
        {
            var map = Mapping(node, "artifact", ["uri", "entryClass", "args"]);
            return new ArtifactAnnotation(OptionalText(map, "uri"), OptionalText(map, "entryClass"),
                map.TryGetValue("args", out var args) ? TextList(args, "artifact.args") : null);
        }

        public IReadOnlyDictionary<string, SystemAnnotation> Systems(YamlNode node)
        {
            if (node is not YamlMappingNode mapping)
            {
                throw Error(node, "systems must map each legacy system name to {cluster, bootstrapServers, zookeeperConnect}");
            }
            var result = new Dictionary<string, SystemAnnotation>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in mapping.Children)
            {
                var name = Text(keyNode, "a system name");
                var map = Mapping(value, $"systems.{name}", ["cluster", "bootstrapServers", "zookeeperConnect"]);
                result[name] = new SystemAnnotation(OptionalText(map, "cluster"), OptionalText(map, "bootstrapServers"), OptionalText(map, "zookeeperConnect"));
            }
            return result;
        }

        public IReadOnlyList<DatasetAnnotation> Datasets(YamlNode node, string field)
        {
            if (node is not YamlSequenceNode sequence)
            {
                throw Error(node, $"{field} must be a list of {{system, cluster, name, format}} (or [] for none)");
            }
            return sequence.Children.Select((item, index) =>
            {
                var map = Mapping(item, $"{field}[{index}]", ["system", "cluster", "name", "format"]);
                var name = OptionalText(map, "name") ?? throw Error(item, $"{field}[{index}].name is required: the topic, table or path");
                return new DatasetAnnotation(OptionalText(map, "system") ?? "kafka", OptionalText(map, "cluster") ?? "", name, OptionalText(map, "format") ?? "");
            }).ToArray();
        }

        private LegacyConfigException Error(YamlNode node, string message) =>
            new(source, (int)node.Start.Line, (int)node.Start.Column, message);
    }
}
