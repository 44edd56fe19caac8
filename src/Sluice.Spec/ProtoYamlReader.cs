using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Spec;

/// <summary>
/// Reads YAML (or JSON, which the YAML parser also reads) into a protobuf message, guided by the message's
/// descriptor. Unlike going through protobuf's JSON parser, it keeps every value's line:column and reports every
/// mistake at once instead of stopping at the first.
/// </summary>
public sealed class ProtoYamlReader
{
    private readonly List<Diagnostic> _diagnostics = [];

    private ProtoYamlReader()
    {
    }

    public SourceMap SourceMap { get; } = new();

    public static (T? Message, IReadOnlyList<Diagnostic> Diagnostics, SourceMap SourceMap) Read<T>(string text)
        where T : class, IMessage<T>, new()
    {
        var reader = new ProtoYamlReader();
        var message = reader.ReadDocument<T>(text);
        return (message, reader._diagnostics, reader.SourceMap);
    }

    private T? ReadDocument<T>(string text)
        where T : class, IMessage<T>, new()
    {
        var (stream, syntaxError) = YamlText.Load(text);
        if (stream is null)
        {
            _diagnostics.Add(syntaxError!);
            return null;
        }
        if (stream.Documents.Count != 1)
        {
            _diagnostics.Add(Diagnostic.Error("", $"expected exactly one document, found {stream.Documents.Count}")
                .At(new SourcePosition(1, 1)));
            return null;
        }
        var message = new T();
        ReadMessage(stream.Documents[0].RootNode, message, "");
        return message;
    }

    private void ReadMessage(YamlNode node, IMessage message, string path)
    {
        SourceMap.Record(path, Position(node.Start));
        if (node is not YamlMappingNode mapping)
        {
            Error(path, node, $"expected a mapping of {message.Descriptor.Name} fields, got {Describe(node)}");
            return;
        }
        var setOneofs = new Dictionary<OneofDescriptor, string>();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = ((keyNode as YamlScalarNode)?.Value) ?? "";
            var field = message.Descriptor.Fields.InDeclarationOrder()
                .FirstOrDefault(f => f.JsonName == key || f.Name == key);
            var fieldPath = FieldPath.Field(path, key);
            if (field is null)
            {
                Error(fieldPath, keyNode, UnknownField(message.Descriptor, key));
                continue;
            }
            SourceMap.Record(fieldPath, Position(valueNode.Start));
            if (IsNull(valueNode))
            {
                continue;
            }
            if (field.RealContainingOneof is { } oneof)
            {
                if (setOneofs.TryGetValue(oneof, out var other))
                {
                    Error(fieldPath, keyNode, $"only one of {string.Join(", ", oneof.Fields.Select(f => f.JsonName))} may be set; {other} is set already");
                    continue;
                }
                setOneofs[oneof] = field.JsonName;
            }
            ReadField(valueNode, message, field, fieldPath);
        }
    }

    private void ReadField(YamlNode node, IMessage message, FieldDescriptor field, string path)
    {
        if (field.IsMap)
        {
            ReadMap(node, message, field, path);
        }
        else if (field.IsRepeated)
        {
            if (node is not YamlSequenceNode sequence)
            {
                Error(path, node, $"expected a list, got {Describe(node)}");
                return;
            }
            var list = (IList)field.Accessor.GetValue(message);
            var index = 0;
            foreach (var item in sequence.Children)
            {
                var itemPath = FieldPath.Index(path, index++);
                SourceMap.Record(itemPath, Position(item.Start));
                if (ReadValue(item, field, itemPath) is { } value)
                {
                    list.Add(value);
                }
            }
        }
        else if (ReadValue(node, field, path) is { } value)
        {
            field.Accessor.SetValue(message, value);
        }
    }

    private void ReadMap(YamlNode node, IMessage message, FieldDescriptor field, string path)
    {
        if (node is not YamlMappingNode mapping)
        {
            Error(path, node, $"expected a mapping, got {Describe(node)}");
            return;
        }
        var map = (IDictionary)field.Accessor.GetValue(message);
        var valueField = field.MessageType.FindFieldByNumber(2);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var entryPath = FieldPath.Key(path, key);
            SourceMap.Record(entryPath, Position(valueNode.Start));
            if (ReadValue(valueNode, valueField, entryPath) is { } value)
            {
                map[key] = value;
            }
        }
    }

    private object? ReadValue(YamlNode node, FieldDescriptor field, string path)
    {
        if (field.FieldType == FieldType.Message)
        {
            if (field.MessageType.FullName == Duration.Descriptor.FullName)
            {
                return ReadScalar(node, path, DurationText.Expected, text =>
                    DurationText.TryParse(text, out var duration) ? duration : null);
            }
            var child = (IMessage)Activator.CreateInstance(field.MessageType.ClrType)!;
            ReadMessage(node, child, path);
            return child;
        }
        return field.FieldType switch
        {
            FieldType.String => ReadScalar(node, path, "a string", text => text),
            FieldType.Bool => ReadScalar(node, path, "true or false", text => text switch
            {
                "true" => true,
                "false" => false,
                _ => null,
            }),
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => ReadScalar(node, path, "a whole number",
                text => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => ReadScalar(node, path, "a whole number",
                text => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null),
            FieldType.UInt32 or FieldType.Fixed32 => ReadScalar(node, path, "a non-negative whole number",
                text => uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null),
            FieldType.UInt64 or FieldType.Fixed64 => ReadScalar(node, path, "a non-negative whole number",
                text => ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null),
            FieldType.Double => ReadScalar(node, path, "a number",
                text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null),
            FieldType.Float => ReadScalar(node, path, "a number",
                text => float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && float.IsFinite(v) ? v : null),
            FieldType.Enum => ReadScalar(node, path,
                "one of " + string.Join(", ", ProtoEnumNames.AuthoredValues(field.EnumType)),
                text => ProtoEnumNames.Parse(field.EnumType, text) is { } value
                    ? System.Enum.ToObject(field.EnumType.ClrType, value.Number)
                    : null),
            _ => throw new NotSupportedException($"{path}: protobuf field type {field.FieldType} has no YAML form in Sluice"),
        };
    }

    private object? ReadScalar(YamlNode node, string path, string expected, Func<string, object?> convert)
    {
        if (node is not YamlScalarNode scalar)
        {
            Error(path, node, $"expected {expected}, got {Describe(node)}");
            return null;
        }
        var value = convert(scalar.Value ?? "");
        if (value is null)
        {
            Error(path, node, $"expected {expected}, got '{scalar.Value}'");
        }
        return value;
    }

    private static string UnknownField(MessageDescriptor descriptor, string key)
    {
        var names = descriptor.Fields.InDeclarationOrder().Select(f => f.JsonName).ToList();
        var nearest = Spelling.Nearest(key, names);
        var hint = nearest is null ? $"known fields: {string.Join(", ", names)}" : $"did you mean '{nearest}'?";
        return $"unknown field '{key}' in {descriptor.Name}; {hint}";
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "null" or "~" or "" };

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "an alias",
    };

    private void Error(string path, YamlNode node, string message) =>
        _diagnostics.Add(Diagnostic.Error(path, message).At(Position(node.Start)));

    private static SourcePosition Position(Mark mark) => new((int)mark.Line, (int)mark.Column);
}
