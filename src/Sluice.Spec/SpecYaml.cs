using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Spec;

/// <summary>
/// Writes a message in the form users author it (the inverse of <see cref="ProtoYamlReader"/>): lowerCamelCase
/// fields in declaration order, kebab-case enums, durations like `5m`, unset fields left out.
/// </summary>
public static class SpecYaml
{
    public static string Write(IMessage message)
    {
        var document = new YamlDocument(ToNode(message));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(document).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        // YamlStream ends every document with an explicit end marker; an authored file has none.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static YamlMappingNode ToNode(IMessage message)
    {
        var mapping = new YamlMappingNode();
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (IsUnset(field, message, value))
            {
                continue;
            }
            mapping.Add(field.JsonName, FieldNode(field, value));
        }
        return mapping;
    }

    private static bool IsUnset(FieldDescriptor field, IMessage message, object? value) => value switch
    {
        null => true,
        IList list => list.Count == 0,
        IDictionary map => map.Count == 0,
        _ when field.HasPresence => !field.Accessor.HasValue(message),
        string text => text.Length == 0,
        bool flag => !flag,
        System.Enum e => Convert.ToInt32(e, CultureInfo.InvariantCulture) == 0,
        IConvertible number => number.ToDouble(CultureInfo.InvariantCulture) == 0,
        _ => false,
    };

    private static YamlNode FieldNode(FieldDescriptor field, object value)
    {
        if (field.IsMap)
        {
            var mapping = new YamlMappingNode();
            var valueField = field.MessageType.FindFieldByNumber(2);
            var map = (IDictionary)value;
            foreach (var key in map.Keys)
            {
                mapping.Add(Convert.ToString(key, CultureInfo.InvariantCulture)!, ValueNode(valueField, map[key]!));
            }
            return mapping;
        }
        if (field.IsRepeated)
        {
            var sequence = new YamlSequenceNode();
            foreach (var item in (IList)value)
            {
                sequence.Add(ValueNode(field, item!));
            }
            return sequence;
        }
        return ValueNode(field, value);
    }

    private static YamlNode ValueNode(FieldDescriptor field, object value) => value switch
    {
        Duration duration => Plain(DurationText.Format(duration)),
        IMessage child => ToNode(child),
        string text => Text(text),
        bool flag => Plain(flag ? "true" : "false"),
        System.Enum e => Plain(ProtoEnumNames.ToAuthored(field.EnumType.FindValueByNumber(Convert.ToInt32(e, CultureInfo.InvariantCulture)))),
        double d => Plain(d.ToString("R", CultureInfo.InvariantCulture)),
        float f => Plain(f.ToString("R", CultureInfo.InvariantCulture)),
        IFormattable number => Plain(number.ToString(null, CultureInfo.InvariantCulture)),
        _ => throw new NotSupportedException($"{field.FullName}: no YAML form for {value.GetType().Name}"),
    };

    private static YamlScalarNode Plain(string text) => new(text) { Style = ScalarStyle.Plain };

    /// <summary>Multi-line text (a SQL script) as a literal block; everything else as the emitter sees fit.</summary>
    private static YamlScalarNode Text(string text) =>
        new(text) { Style = text.Contains('\n') && !text.Contains('\t') ? ScalarStyle.Literal : ScalarStyle.Any };
}
