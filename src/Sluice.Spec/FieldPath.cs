namespace Sluice.Spec;

/// <summary>Field paths as diagnostics print them: `sources[0].name`, `labels["team"]`, `resources.parallelism`.</summary>
public static class FieldPath
{
    public static string Field(string parent, string field) => parent.Length == 0 ? field : $"{parent}.{field}";

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    public static string Key(string parent, string key) => $"{parent}[\"{key}\"]";

    /// <summary>The enclosing path: `sources[0].name` → `sources[0]` → `sources` → ``.</summary>
    public static string? Parent(string path)
    {
        if (path.Length == 0)
        {
            return null;
        }
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        // A dot inside a quoted map key is not a separator.
        var quote = path.LastIndexOf("[\"", StringComparison.Ordinal);
        if (quote >= 0 && path.EndsWith("\"]", StringComparison.Ordinal))
        {
            cut = quote;
        }
        return cut <= 0 ? "" : path[..cut];
    }
}
