using Sluice.Spec.V1;

namespace Sluice.Runtimes.Compilation;

/// <summary>The spec's escape hatch: `flink.&lt;key&gt;` / `samza.&lt;key&gt;` overrides, applied last by each compiler.</summary>
public static class RuntimeOverrides
{
    public const string FlinkPrefix = "flink.";
    public const string SamzaPrefix = "samza.";

    /// <summary>The overrides for one runtime, prefix stripped, sorted by key (ordinal) so output is deterministic.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> For(JobSpec spec, string prefix, Problems problems)
    {
        var selected = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in spec.Overrides.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            if (!key.StartsWith(FlinkPrefix, StringComparison.Ordinal) && !key.StartsWith(SamzaPrefix, StringComparison.Ordinal))
            {
                problems.Add($"overrides[{key}]", $"an override key starts with '{FlinkPrefix}' or '{SamzaPrefix}'");
            }
            else if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                var stripped = key[prefix.Length..];
                if (stripped.Length == 0)
                {
                    problems.Add($"overrides[{key}]", "names no key after the prefix");
                }
                else
                {
                    selected.Add(new(stripped, value));
                }
            }
        }
        return selected;
    }

    /// <summary>Replaces or appends each override: overridden keys move to the end, where a reader expects them.</summary>
    public static void ApplyTo(List<KeyValuePair<string, string>> entries, IReadOnlyList<KeyValuePair<string, string>> overrides)
    {
        foreach (var entry in overrides)
        {
            entries.RemoveAll(existing => existing.Key == entry.Key);
            entries.Add(entry);
        }
    }
}
