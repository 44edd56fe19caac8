using System.Collections;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Sluice.Spec;
using Sluice.Spec.V1;

namespace Sluice.Metadata;

/// <summary>
/// Field-level difference between two specs by protobuf reflection. Paths use the JSON field names the validator
/// prints (<c>resources.parallelism</c>, <c>sources[1].name</c>, <c>labels["team"]</c>); values are rendered as JSON.
/// Repeated fields are compared by position; well-known types (durations) are compared whole.
/// </summary>
internal static class SpecDiff
{
    public static IReadOnlyList<FieldChange> Compare(JobSpec from, JobSpec to)
    {
        var changes = new List<FieldChange>();
        CompareMessages(from, to, "", changes);
        return changes;
    }

    private static void CompareMessages(IMessage from, IMessage to, string path, List<FieldChange> changes)
    {
        foreach (var field in from.Descriptor.Fields.InFieldNumberOrder())
        {
            var fieldPath = FieldPath.Field(path, field.JsonName);
            var a = field.Accessor.GetValue(from);
            var b = field.Accessor.GetValue(to);
            if (field.IsMap) CompareMaps(field, (IDictionary)a, (IDictionary)b, fieldPath, changes);
            else if (field.IsRepeated) CompareLists(field, (IList)a, (IList)b, fieldPath, changes);
            else CompareValues(field, a, b, fieldPath, changes);
        }
    }

    private static void CompareMaps(FieldDescriptor field, IDictionary from, IDictionary to, string path, List<FieldChange> changes)
    {
        var valueField = field.MessageType.FindFieldByNumber(2);
        var keys = from.Keys.Cast<object>().Concat(to.Keys.Cast<object>()).Select(k => k.ToString()!).Distinct().Order(StringComparer.Ordinal);
        foreach (var key in keys)
            CompareValues(valueField, from.Contains(key) ? from[key] : null, to.Contains(key) ? to[key] : null,
                FieldPath.Key(path, key), changes, presenceByKey: true);
    }

    private static void CompareLists(FieldDescriptor field, IList from, IList to, string path, List<FieldChange> changes)
    {
        for (var i = 0; i < Math.Max(from.Count, to.Count); i++)
            CompareValues(field, i < from.Count ? from[i] : null, i < to.Count ? to[i] : null, FieldPath.Index(path, i), changes,
                presenceByKey: true);
    }

    private static void CompareValues(FieldDescriptor field, object? from, object? to, string path, List<FieldChange> changes,
        bool presenceByKey = false)
    {
        if (field.FieldType == FieldType.Message && !IsWellKnown(field.MessageType) && (from is not null || to is not null))
        {
            if (from is null || to is null)
            {
                // A message appearing or disappearing: list its set fields one by one against an empty message.
                var empty = field.MessageType.Parser.ParseFrom(ByteString.Empty);
                var before = changes.Count;
                CompareMessages((IMessage?)from ?? empty, (IMessage?)to ?? empty, path, changes);
                if (changes.Count == before)
                    changes.Add(Change(path, from is null ? FieldChange.Types.Kind.Added : FieldChange.Types.Kind.Removed, from, to, field));
                return;
            }
            CompareMessages((IMessage)from, (IMessage)to, path, changes);
            return;
        }
        if (Equals(from, to)) return;
        var fromAbsent = from is null || (!presenceByKey && IsDefault(field, from));
        var toAbsent = to is null || (!presenceByKey && IsDefault(field, to));
        var kind = fromAbsent ? FieldChange.Types.Kind.Added : toAbsent ? FieldChange.Types.Kind.Removed : FieldChange.Types.Kind.Changed;
        changes.Add(Change(path, kind, fromAbsent ? null : from, toAbsent ? null : to, field));
    }

    private static FieldChange Change(string path, FieldChange.Types.Kind kind, object? from, object? to, FieldDescriptor field) => new()
    {
        Path = path,
        Kind = kind,
        OldValue = from is null ? "" : Render(field, from),
        NewValue = to is null ? "" : Render(field, to),
    };

    private static bool IsWellKnown(MessageDescriptor type) => type.File.Package == "google.protobuf";

    private static bool IsDefault(FieldDescriptor field, object value) => field.FieldType switch
    {
        FieldType.String => (string)value == "",
        FieldType.Bool => !(bool)value,
        FieldType.Enum => Convert.ToInt32(value) == 0,
        FieldType.Double => (double)value == 0,
        FieldType.Float => (float)value == 0,
        FieldType.Bytes => ((ByteString)value).IsEmpty,
        FieldType.Message => false,
        _ => Convert.ToInt64(value) == 0,
    };

    private static string Render(FieldDescriptor field, object value) => field.FieldType switch
    {
        FieldType.Message => JsonFormatter.Default.Format((IMessage)value),
        FieldType.Enum => JsonSerializer.Serialize(field.EnumType.FindValueByNumber(Convert.ToInt32(value))?.Name ?? value.ToString()),
        FieldType.String => JsonSerializer.Serialize((string)value),
        FieldType.Bool => (bool)value ? "true" : "false",
        FieldType.Double => ((double)value).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        FieldType.Float => ((float)value).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
