using System.Text;
using Google.Protobuf.Reflection;

namespace Sluice.Spec;

/// <summary>
/// Enum values as users write them: `RUNTIME_FLINK` of enum `Runtime` is `flink`,
/// `CHECKPOINT_MODE_EXACTLY_ONCE` is `exactly-once`. The `*_UNSPECIFIED` zero value has no authored form.
/// </summary>
public static class ProtoEnumNames
{
    public static string ToAuthored(EnumValueDescriptor value)
    {
        var prefix = Prefix(value.EnumDescriptor);
        var name = value.Name.StartsWith(prefix, StringComparison.Ordinal) ? value.Name[prefix.Length..] : value.Name;
        return name.ToLowerInvariant().Replace('_', '-');
    }

    public static string ToAuthored<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        var descriptor = FindDescriptor(typeof(TEnum));
        return ToAuthored(descriptor.FindValueByNumber(Convert.ToInt32(value)));
    }

    /// <summary>Finds the value for its authored form or its full proto name; null when neither matches.</summary>
    public static EnumValueDescriptor? Parse(EnumDescriptor descriptor, string text)
    {
        foreach (var value in descriptor.Values)
        {
            if (value.Number == 0)
            {
                continue;
            }
            if (ToAuthored(value) == text || value.Name == text)
            {
                return value;
            }
        }
        return null;
    }

    public static IEnumerable<string> AuthoredValues(EnumDescriptor descriptor) =>
        descriptor.Values.Where(v => v.Number != 0).Select(ToAuthored);

    private static string Prefix(EnumDescriptor descriptor)
    {
        var builder = new StringBuilder();
        var name = descriptor.Name;
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                builder.Append('_');
            }
            builder.Append(char.ToUpperInvariant(name[i]));
        }
        return builder.Append('_').ToString();
    }

    private static EnumDescriptor FindDescriptor(Type enumType) =>
        V1.JobspecReflection.Descriptor.EnumTypes.FirstOrDefault(e => e.ClrType == enumType)
        ?? throw new ArgumentException($"{enumType.Name} is not a Sluice protobuf enum", nameof(enumType));
}
