using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Sluice.Spec.V1;

namespace Sluice.Spec;

/// <summary>
/// A JSON Schema (draft 2020-12) of the authored JobSpec, generated from the protobuf descriptor so it never drifts
/// from the contract. Editors use it to complete and check YAML (yaml-language-server's `$schema` comment).
/// </summary>
public static class JobSpecJsonSchema
{
    public static JsonObject Generate()
    {
        var definitions = new JsonObject();
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "https://sluice.dev/schemas/v1/jobspec.json",
            ["title"] = "Sluice JobSpec",
        };
        foreach (var (key, value) in MessageSchema(JobSpec.Descriptor, definitions).ToList())
        {
            root[key] = value?.DeepClone();
        }
        root["required"] = new JsonArray("name", "namespace", "artifact", "sources");
        root["$defs"] = definitions;
        return root;
    }

    private static JsonObject MessageSchema(MessageDescriptor descriptor, JsonObject definitions)
    {
        var properties = new JsonObject();
        foreach (var field in descriptor.Fields.InDeclarationOrder())
        {
            properties[field.JsonName] = FieldSchema(field, definitions);
        }
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["properties"] = properties,
        };
        var oneofs = descriptor.Oneofs.Where(o => !o.IsSynthetic).ToList();
        if (oneofs.Count > 0)
        {
            // At most one member of each oneof.
            schema["not"] = new JsonObject
            {
                ["anyOf"] = new JsonArray(oneofs.SelectMany(o => Pairs(o.Fields)).Select(pair =>
                    (JsonNode)new JsonObject { ["required"] = new JsonArray(pair.Item1, pair.Item2) }).ToArray()),
            };
        }
        return schema;
    }

    private static IEnumerable<(string, string)> Pairs(IList<FieldDescriptor> fields) =>
        from a in fields from b in fields where a.Index < b.Index select (a.JsonName, b.JsonName);

    private static JsonNode FieldSchema(FieldDescriptor field, JsonObject definitions)
    {
        if (field.IsMap)
        {
            return new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = ValueSchema(field.MessageType.FindFieldByNumber(2), definitions),
            };
        }
        var value = ValueSchema(field, definitions);
        return field.IsRepeated ? new JsonObject { ["type"] = "array", ["items"] = value } : value;
    }

    private static JsonNode ValueSchema(FieldDescriptor field, JsonObject definitions)
    {
        switch (field.FieldType)
        {
            case FieldType.Message when field.MessageType.FullName == Duration.Descriptor.FullName:
                return new JsonObject
                {
                    ["type"] = "string",
                    ["pattern"] = @"^(\d+(\.\d+)?(ms|s|m|h|d))+$",
                    ["description"] = DurationText.Expected,
                };
            case FieldType.Message:
                var name = field.MessageType.Name;
                if (!definitions.ContainsKey(name))
                {
                    definitions[name] = null; // reserve first: messages may refer to themselves
                    definitions[name] = MessageSchema(field.MessageType, definitions);
                }
                return new JsonObject { ["$ref"] = $"#/$defs/{name}" };
            case FieldType.Enum:
                return new JsonObject
                {
                    ["type"] = "string",
                    ["enum"] = new JsonArray(ProtoEnumNames.AuthoredValues(field.EnumType).Select(v => (JsonNode)v).ToArray()),
                };
            case FieldType.Bool:
                return new JsonObject { ["type"] = "boolean" };
            case FieldType.Double or FieldType.Float:
                return new JsonObject { ["type"] = "number" };
            case FieldType.String:
                return new JsonObject { ["type"] = "string" };
            default:
                return new JsonObject { ["type"] = "integer" };
        }
    }
}
