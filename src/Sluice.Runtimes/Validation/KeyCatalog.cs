namespace Sluice.Runtimes.Validation;

/// <summary>
/// A set of real configuration keys, loaded from reference TSVs. Keys may be patterns: a placeholder segment
/// such as <c>&lt;system-name&gt;</c> matches one dot-free segment, and a final <c>*</c> segment matches one or
/// more segments (<c>systems.&lt;system-name&gt;.consumer.*</c> accepts any Kafka consumer property).
/// </summary>
public sealed class KeyCatalog
{
    private readonly HashSet<string> _exact;
    private readonly List<string[]> _patterns;

    private KeyCatalog(IEnumerable<string> keys)
    {
        var all = keys.Distinct(StringComparer.Ordinal).ToArray();
        _exact = all.Where(key => !IsPattern(key)).ToHashSet(StringComparer.Ordinal);
        _patterns = all.Where(IsPattern).Select(key => key.Split('.')).ToList();
        Count = all.Length;
    }

    public int Count { get; }

    public static KeyCatalog Of(IEnumerable<string> keys) => new(keys);

    /// <summary>Reads the keys in the named column of a TSV file with a header row.</summary>
    public static KeyCatalog FromTsv(string path, string keyColumn) => new(ReadColumn(path, keyColumn));

    public KeyCatalog Union(KeyCatalog other) =>
        new(_exact.Concat(_patterns.Select(segments => string.Join('.', segments)))
            .Concat(other._exact).Concat(other._patterns.Select(segments => string.Join('.', segments))));

    /// <summary>This catalog with each key of <paramref name="renames"/> replaced by its value.</summary>
    public KeyCatalog Renamed(IReadOnlyDictionary<string, string> renames) =>
        new(_exact.Concat(_patterns.Select(segments => string.Join('.', segments)))
            .Select(key => renames.TryGetValue(key, out var renamed) ? renamed : key));

    public bool Contains(string key)
    {
        if (_exact.Contains(key))
        {
            return true;
        }
        var segments = key.Split('.');
        return _patterns.Any(pattern => Matches(pattern, segments));
    }

    /// <summary>The keys this catalog does not know, in the order given.</summary>
    public IReadOnlyList<string> Unknown(IEnumerable<string> keys) => keys.Where(key => !Contains(key)).ToArray();

    internal static IEnumerable<string> ReadColumn(string path, string column)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0)
        {
            throw new InvalidDataException($"{path}: empty, expected a header row");
        }
        var index = Array.IndexOf(lines[0].Split('\t'), column);
        if (index < 0)
        {
            throw new InvalidDataException($"{path}:1: no column '{column}' in the header");
        }
        for (var number = 1; number < lines.Length; number++)
        {
            var fields = lines[number].Split('\t');
            if (lines[number].Length == 0)
            {
                continue;
            }
            if (fields.Length <= index || fields[index].Trim().Length == 0)
            {
                throw new InvalidDataException($"{path}:{number + 1}: no value in column '{column}'");
            }
            // The Flink docs tables append execution-mode badges to some keys ("table.exec.state.ttl Streaming").
            yield return fields[index].Trim().Split(' ')[0];
        }
    }

    private static bool IsPattern(string key) => key.Contains('<') || key.Split('.').Contains("*");

    private static bool Matches(string[] pattern, string[] segments)
    {
        for (var index = 0; index < pattern.Length; index++)
        {
            var expected = pattern[index];
            if (expected == "*" && index == pattern.Length - 1)
            {
                return segments.Length > index && segments.Skip(index).All(segment => segment.Length > 0);
            }
            if (index >= segments.Length || segments[index].Length == 0)
            {
                return false;
            }
            var isPlaceholder = expected.StartsWith('<') && expected.EndsWith('>');
            if (!isPlaceholder && expected != "*" && expected != segments[index])
            {
                return false;
            }
        }
        return segments.Length == pattern.Length;
    }
}
