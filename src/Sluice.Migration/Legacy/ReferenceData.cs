using Sluice.Runtimes.Flink;
using Sluice.Runtimes.Validation;

namespace Sluice.Migration.Legacy;

/// <summary>A documented framework key: its default (null when it has no literal one) and, for Flink, its type.</summary>
public sealed record KeyInfo(string Key, string? Default, string Type);

/// <summary>
/// The reference key lists (shared/reference): which keys are real, their documented defaults and types, and
/// Flink's 1.x → 2.x renames. Found as `&lt;repo root&gt;/../shared/reference`, the repo root holding Sluice.slnx.
/// </summary>
public sealed class ReferenceData
{
    private ReferenceData(string directory)
    {
        Directory = directory;
        SamzaCatalog = ReferenceKeyCatalogs.Samza(directory);
        SamzaKeys = ReadKeys(Path.Combine(directory, "samza", "samza-config-keys.tsv"), "key", "default", null);
        var flinkKeys = ReadKeys(Path.Combine(directory, "flink-config", "flink-job-config-keys.tsv"), "key", "default", "type");
        var operatorKeys = ReadKeys(Path.Combine(directory, "flink-operator", "operator-config-keys.tsv"), "key", "default", "type");
        FlinkKeys = flinkKeys.Concat(operatorKeys).DistinctBy(info => info.Key).ToDictionary(info => info.Key, StringComparer.Ordinal);
        // flink_2x_key → flink_1x_key from the reference; inverted here to read any config in 2.x names.
        Flink1To2 = ReferenceKeyCatalogs.Flink1Renames(directory).ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);
        FlinkCatalog = ReferenceKeyCatalogs.Flink(directory, new FlinkVersion(2, 0)).Union(KeyCatalog.Of(Flink1To2.Keys));
    }

    public string Directory { get; }
    public KeyCatalog SamzaCatalog { get; }
    public IReadOnlyList<KeyInfo> SamzaKeys { get; }
    public KeyCatalog FlinkCatalog { get; }
    public IReadOnlyDictionary<string, KeyInfo> FlinkKeys { get; }
    public IReadOnlyDictionary<string, string> Flink1To2 { get; }

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, ReferenceData> Loaded = new(StringComparer.Ordinal);

    public static ReferenceData Load(string? directory = null)
    {
        var resolved = Path.GetFullPath(directory ?? Locate());
        lock (Gate)
        {
            if (!Loaded.TryGetValue(resolved, out var data))
            {
                data = new ReferenceData(resolved);
                Loaded[resolved] = data;
            }
            return data;
        }
    }

    /// <summary>`SLUICE_REFERENCE_DIR`, else `../shared/reference` beside the repo root above the current or program directory.</summary>
    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable("SLUICE_REFERENCE_DIR") is { Length: > 0 } configured)
        {
            return configured;
        }
        foreach (var start in new[] { System.IO.Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Sluice.slnx")))
                {
                    var shared = Path.Combine(directory.FullName, "..", "shared", "reference");
                    if (System.IO.Directory.Exists(shared))
                    {
                        return shared;
                    }
                }
            }
        }
        throw new DirectoryNotFoundException(
            "cannot find the reference key lists: expected <repo root>/../shared/reference beside the directory holding Sluice.slnx, or SLUICE_REFERENCE_DIR");
    }

    /// <summary>The documented key closest to an unknown one: exact keys, and patterns filled in with the key's own segments.</summary>
    public static string? NearestKey(string key, IEnumerable<string> documented)
    {
        var segments = key.Split('.');
        var candidates = documented.Select(candidate =>
        {
            var parts = candidate.Split('.');
            if (parts.Length != segments.Length)
            {
                return candidate;
            }
            return string.Join('.', parts.Select((part, index) => part.StartsWith('<') ? segments[index] : part));
        }).Where(candidate => candidate != key);
        return Spec.Spelling.Nearest(key, candidates);
    }

    private static IReadOnlyList<KeyInfo> ReadKeys(string path, string keyColumn, string defaultColumn, string? typeColumn)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split('\t');
        int Column(string name) => Array.IndexOf(header, name) is var index and >= 0
            ? index
            : throw new InvalidDataException($"{path}:1: no column '{name}'");
        var keyIndex = Column(keyColumn);
        var defaultIndex = Column(defaultColumn);
        var typeIndex = typeColumn is null ? -1 : Column(typeColumn);
        return lines.Skip(1).Where(line => line.Length > 0).Select(line =>
        {
            var fields = line.Split('\t');
            var key = fields[keyIndex].Trim().Split(' ')[0];
            return new KeyInfo(key, LiteralDefault(fields[defaultIndex]), typeIndex < 0 ? "" : fields[typeIndex]);
        }).ToArray();
    }

    /// <summary>A default usable as a value: not empty, not "(none)", not prose such as "inherited from job.default.system".</summary>
    private static string? LiteralDefault(string text)
    {
        var value = text.Trim();
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"' && value.Count(c => c == '"') == 2)
        {
            value = value[1..^1];
        }
        return value.Length == 0 || value.Contains('(') || value.Contains(' ') || value.Contains('*') || value.Contains('<') || value.Contains('"')
            ? null
            : value;
    }
}
