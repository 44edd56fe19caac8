using System.Collections;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Sluice.Spec.V1;

namespace Sluice.Spec;

/// <summary>
/// The one stored form of a JobSpec and its content hash. Two specs that mean the same — keys in another order,
/// other whitespace, JSON instead of YAML — have the same canonical JSON and so the same hash.
/// </summary>
public static class CanonicalSpec
{
    // Fields in field-number order, default values omitted, enums by their proto names: protobuf's JSON mapping.
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default);

    public static string ToCanonicalJson(JobSpec spec) => Formatter.Format(Canonicalize(spec));

    /// <summary>`sha256:` and the hex SHA-256 of the canonical JSON's UTF-8 bytes.</summary>
    public static string Hash(JobSpec spec) => HashOf(ToCanonicalJson(spec));

    public static string HashOf(string canonicalJson) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJson)));

    public static JobSpec FromCanonicalJson(string json) => JobSpec.Parser.ParseJson(json);

    /// <summary>A copy whose map entries are in key order (protobuf writes maps in insertion order).</summary>
    public static T Canonicalize<T>(T message)
        where T : IMessage<T>
    {
        var copy = message.Clone();
        SortMaps(copy);
        return copy;
    }

    private static void SortMaps(IMessage message)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.IsMap)
            {
                var map = (IDictionary)field.Accessor.GetValue(message);
                // MapField enumerates KeyValuePairs, not DictionaryEntries: go through its keys.
                var entries = map.Keys.Cast<string>().Order(StringComparer.Ordinal).Select(key => (key, map[key])).ToList();
                map.Clear();
                foreach (var (key, value) in entries)
                {
                    map[key] = value;
                }
            }
            else if (field.FieldType == FieldType.Message && field.IsRepeated)
            {
                foreach (IMessage item in (IList)field.Accessor.GetValue(message))
                {
                    SortMaps(item);
                }
            }
            else if (field.FieldType == FieldType.Message && field.Accessor.GetValue(message) is IMessage child)
            {
                SortMaps(child);
            }
        }
    }
}
