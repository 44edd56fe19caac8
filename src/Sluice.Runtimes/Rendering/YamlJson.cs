using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Runtimes.Rendering;

/// <summary>
/// Reads YAML into a JSON tree. Plain scalars resolve by the YAML 1.2 core schema (null, booleans, integers,
/// floats); quoted and block scalars stay strings. Only the first document is read.
/// </summary>
public static partial class YamlJson
{
    public static JsonNode? Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    public static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(entry =>
            KeyValuePair.Create(((YamlScalarNode)entry.Key).Value ?? "", Convert(entry.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar when scalar.Style is ScalarStyle.Plain or ScalarStyle.Any => Resolve(scalar.Value ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => throw new InvalidDataException($"{node.Start}: unsupported YAML node {node.GetType().Name}"),
    };

    private static JsonNode? Resolve(string text)
    {
        if (NullForm().IsMatch(text))
        {
            return null;
        }
        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase));
        }
        if (IntegerForm().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (FloatForm().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }
        return JsonValue.Create(text);
    }

    [GeneratedRegex("^(|~|null|Null|NULL)$")]
    private static partial Regex NullForm();

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerForm();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatForm();
}
