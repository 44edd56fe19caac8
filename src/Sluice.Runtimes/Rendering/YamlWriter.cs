using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Sluice.Runtimes.Rendering;

/// <summary>
/// Writes a JSON tree as block YAML, keeping key order. Strings that a YAML reader would take for a number,
/// boolean or null are quoted, so the YAML reads back as exactly the same JSON.
/// </summary>
public static partial class YamlWriter
{
    public static string Write(JsonNode node)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(writer);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, node);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject map:
                emitter.Emit(new MappingStart());
                foreach (var (key, value) in map)
                {
                    EmitString(emitter, key);
                    Emit(emitter, value);
                }
                emitter.Emit(new MappingEnd());
                break;
            case JsonArray list:
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, SequenceStyle.Block));
                foreach (var item in list)
                {
                    Emit(emitter, item);
                }
                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                EmitString(emitter, value.GetValue<string>());
                break;
            case JsonValue value:
                // Numbers and booleans: their JSON text is also their plain YAML form.
                emitter.Emit(new Scalar(null, null, value.ToJsonString(), ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
            default:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
        }
    }

    private static void EmitString(IEmitter emitter, string text)
    {
        var style = text.Contains('\n') ? ScalarStyle.Literal
            : LooksLikeAnotherType().IsMatch(text) ? ScalarStyle.DoubleQuoted
            : ScalarStyle.Plain;
        emitter.Emit(new Scalar(null, null, text, style, isPlainImplicit: style == ScalarStyle.Plain, isQuotedImplicit: true));
    }

    // Empty, YAML 1.1/1.2 booleans and nulls, and anything starting like a number (covers ints, floats,
    // octal/hex forms, 1.1 sexagesimals and timestamps).
    [GeneratedRegex(@"^$|^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N)$|^[-+.]?[0-9]|^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$")]
    private static partial Regex LooksLikeAnotherType();
}
