using Sluice.Spec;
using Sluice.Store;

namespace Sluice.Metadata;

/// <summary>
/// Kubernetes equality-based label selectors: <c>k=v</c> (or <c>k==v</c>), <c>k!=v</c>, <c>k</c> (has the label),
/// <c>!k</c> (has not), joined by commas; every requirement must hold.
/// </summary>
internal static class LabelSelector
{
    public static IReadOnlyList<LabelRequirement> Parse(string selector)
    {
        var requirements = new List<LabelRequirement>();
        if (string.IsNullOrWhiteSpace(selector)) return requirements;
        var offset = 0;
        foreach (var part in selector.Split(','))
        {
            requirements.Add(ParseOne(part, offset + 1 + (part.Length - part.TrimStart().Length)));
            offset += part.Length + 1;
        }
        return requirements;
    }

    private static LabelRequirement ParseOne(string raw, int column)
    {
        var text = raw.Trim();
        if (text.Length == 0) throw Error(column, "empty requirement (two commas in a row, or a trailing comma)");
        if (text.StartsWith('!') && !text.Contains('='))
            return new LabelRequirement(Key(text[1..].Trim(), column + 1), LabelOperator.NotExists);
        var notEquals = text.IndexOf("!=", StringComparison.Ordinal);
        if (notEquals >= 0)
            return new LabelRequirement(Key(text[..notEquals].Trim(), column), LabelOperator.NotEquals,
                Value(text[(notEquals + 2)..].Trim(), column + notEquals + 2));
        var equals = text.IndexOf('=');
        if (equals >= 0)
        {
            var valueStart = text.AsSpan(equals).StartsWith("==") ? equals + 2 : equals + 1;
            return new LabelRequirement(Key(text[..equals].Trim(), column), LabelOperator.Equals,
                Value(text[valueStart..].Trim(), column + valueStart));
        }
        return new LabelRequirement(Key(text, column), LabelOperator.Exists);
    }

    private static string Key(string key, int column) =>
        Names.IsLabelKey(key) ? key : throw Error(column, $"'{key}' is not a label key (optional DNS prefix and '/', then at most 63 of A-Z a-z 0-9 - _ .)");

    private static string Value(string value, int column) =>
        Names.IsLabelValue(value) ? value : throw Error(column, $"'{value}' is not a label value (at most 63 of A-Z a-z 0-9 - _ .)");

    private static SpecValidationException Error(int column, string message) =>
        new([new FieldViolation("label_selector", 1, column, message)]);
}
