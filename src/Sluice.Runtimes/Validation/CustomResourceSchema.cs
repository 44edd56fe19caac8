using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Sluice.Runtimes.Rendering;

namespace Sluice.Runtimes.Validation;

/// <summary>One schema violation: where in the resource, and what was wrong.</summary>
public sealed record SchemaViolation(string Location, string Message)
{
    public override string ToString() => $"{Location}: {Message}";
}

/// <summary>
/// The validation schema of one version of a CustomResourceDefinition, read from the CRD file itself and
/// evaluated with JsonSchema.Net.
/// </summary>
/// <remarks>
/// A CRD's openAPIV3Schema is OpenAPI 3.0 "structural schema", not JSON Schema. The translation is honest about
/// the differences rather than ignoring them:
/// <list type="bullet">
/// <item><c>nullable: true</c> (OpenAPI) has no JSON Schema keyword; it becomes <c>null</c> added to <c>type</c>.</item>
/// <item><c>x-kubernetes-int-or-string: true</c> allows an integer or a string; the CRD generator already pairs it
/// with that <c>anyOf</c>, which is added when missing.</item>
/// <item><c>x-kubernetes-preserve-unknown-fields: true</c> lets the object hold any field.</item>
/// <item>An object schema with <c>properties</c> and neither <c>additionalProperties</c> nor preserve-unknown-fields
/// gets <c>additionalProperties: false</c>: the API server prunes unknown fields (or, with kubectl's default
/// strict field validation, rejects them), so an unknown field would never reach the operator.</item>
/// <item>apiVersion, kind and metadata, which Kubernetes validates itself and the CRD schema leaves out, are
/// checked from the CRD's group, version and kind.</item>
/// <item>Any other <c>x-kubernetes-*</c> extension, or a keyword outside the translated set, throws
/// <see cref="NotSupportedException"/> rather than being ignored.</item>
/// </list>
/// </remarks>
public sealed class CustomResourceSchema
{
    private static readonly HashSet<string> SameInJsonSchema = new(StringComparer.Ordinal)
    {
        "type", "properties", "items", "additionalProperties", "anyOf", "allOf", "oneOf", "not", "enum", "required",
        "description", "title", "default", "format", "pattern", "minimum", "maximum", "minLength", "maxLength",
        "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "multipleOf", "example",
    };

    private readonly JsonSchema _schema;

    private CustomResourceSchema(JsonSchema schema, JsonObject translated, string apiVersion, string kind)
    {
        _schema = schema;
        Translated = translated;
        ApiVersion = apiVersion;
        Kind = kind;
    }

    public string ApiVersion { get; }
    public string Kind { get; }

    /// <summary>The JSON Schema the resource is evaluated against (for inspection).</summary>
    public JsonObject Translated { get; }

    public static CustomResourceSchema Load(string crdPath, string version)
    {
        var crd = YamlJson.Parse(File.ReadAllText(crdPath)) as JsonObject
            ?? throw new InvalidDataException($"{crdPath}: not a YAML mapping");
        var spec = crd["spec"]?.AsObject() ?? throw new InvalidDataException($"{crdPath}: no spec");
        var group = spec["group"]?.GetValue<string>() ?? throw new InvalidDataException($"{crdPath}: no spec.group");
        var kind = spec["names"]?["kind"]?.GetValue<string>() ?? throw new InvalidDataException($"{crdPath}: no spec.names.kind");
        var served = spec["versions"]?.AsArray().FirstOrDefault(entry => entry?["name"]?.GetValue<string>() == version)
            ?? throw new InvalidDataException($"{crdPath}: no version '{version}' in spec.versions");
        var openApi = served["schema"]?["openAPIV3Schema"]?.AsObject()
            ?? throw new InvalidDataException($"{crdPath}: version '{version}' has no schema.openAPIV3Schema");

        var root = Translate(openApi.DeepClone().AsObject(), "openAPIV3Schema");
        AddObjectMeta(root, $"{group}/{version}", kind);
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        return new CustomResourceSchema(JsonSchema.FromText(root.ToJsonString()), root, $"{group}/{version}", kind);
    }

    /// <summary>Every violation of the schema by <paramref name="resource"/>; empty when it is valid.</summary>
    public IReadOnlyList<SchemaViolation> Validate(JsonNode resource)
    {
        using var document = JsonDocument.Parse(resource.ToJsonString());
        var results = _schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }
        return (results.Details ?? [])
            .Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error =>
                new SchemaViolation(Location(detail.InstanceLocation.ToString()), $"{error.Value} ({error.Key} at {detail.EvaluationPath})")))
            .Distinct()
            .ToArray();
    }

    private static string Location(string pointer) => pointer.Length == 0 ? "/" : pointer;

    private static JsonObject Translate(JsonObject schema, string path)
    {
        var preserveUnknown = false;
        foreach (var (keyword, value) in schema.ToArray())
        {
            switch (keyword)
            {
                case "nullable":
                    schema.Remove(keyword);
                    if (value?.GetValue<bool>() == true && schema["type"] is JsonValue type)
                    {
                        schema["type"] = new JsonArray(type.GetValue<string>(), "null");
                    }
                    break;
                case "x-kubernetes-int-or-string":
                    schema.Remove(keyword);
                    if (value?.GetValue<bool>() == true && schema["anyOf"] is null)
                    {
                        schema["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" });
                    }
                    break;
                case "x-kubernetes-preserve-unknown-fields":
                    schema.Remove(keyword);
                    preserveUnknown = value?.GetValue<bool>() == true;
                    break;
                case "properties":
                    foreach (var (name, property) in value!.AsObject())
                    {
                        Translate(property!.AsObject(), $"{path}.properties.{name}");
                    }
                    break;
                case "items" or "additionalProperties" or "not" when value is JsonObject child:
                    Translate(child, $"{path}.{keyword}");
                    break;
                case "anyOf" or "allOf" or "oneOf":
                    foreach (var (child, index) in value!.AsArray().Select((child, index) => (child, index)))
                    {
                        Translate(child!.AsObject(), $"{path}.{keyword}[{index}]");
                    }
                    break;
                case var known when SameInJsonSchema.Contains(known):
                    break;
                default:
                    throw new NotSupportedException($"{path}: the CRD uses '{keyword}', which this validator does not translate to JSON Schema");
            }
        }
        if (!preserveUnknown && schema["properties"] is not null && schema["additionalProperties"] is null)
        {
            schema["additionalProperties"] = false;
        }
        return schema;
    }

    private static void AddObjectMeta(JsonObject root, string apiVersion, string kind)
    {
        var properties = root["properties"]?.AsObject() ?? throw new InvalidDataException("openAPIV3Schema has no properties");
        properties["apiVersion"] = new JsonObject { ["const"] = apiVersion };
        properties["kind"] = new JsonObject { ["const"] = kind };
        properties["metadata"] = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("name"),
            ["properties"] = new JsonObject
            {
                // A DNS-1123 subdomain, as Kubernetes requires of object names.
                ["name"] = new JsonObject { ["type"] = "string", ["maxLength"] = 253, ["pattern"] = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$" },
                ["namespace"] = new JsonObject { ["type"] = "string" },
                ["labels"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" } },
                ["annotations"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" } },
            },
        };
        root["required"] = new JsonArray("apiVersion", "kind", "metadata");
    }
}
