using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Migration.Flink;

/// <summary>Flink's own value syntaxes: durations (TimeUtils) and memory sizes (MemorySize), to compare by meaning.</summary>
public static partial class FlinkValues
{
    private static readonly (string[] Units, decimal Millis)[] DurationUnits =
    [
        (["d", "day", "days"], 86_400_000m),
        (["h", "hour", "hours"], 3_600_000m),
        (["min", "m", "minute", "minutes"], 60_000m),
        (["s", "sec", "secs", "second", "seconds"], 1000m),
        (["ms", "milli", "millis", "millisecond", "milliseconds", ""], 1m),
        (["µs", "micro", "micros", "microsecond", "microseconds"], 0.001m),
        (["ns", "nano", "nanos", "nanosecond", "nanoseconds"], 0.000001m),
    ];

    private static readonly (string[] Units, long Bytes)[] MemoryUnits =
    [
        (["b", "bytes", ""], 1),
        (["k", "kb", "kibibytes"], 1L << 10),
        (["m", "mb", "mebibytes"], 1L << 20),
        (["g", "gb", "gibibytes"], 1L << 30),
        (["t", "tb", "tebibytes"], 1L << 40),
    ];

    /// <summary>"5000" (ms), "5 s", "1 min", "60s" → milliseconds.</summary>
    public static decimal? DurationMillis(string text)
    {
        var match = NumberAndUnit().Match(text.Trim());
        if (!match.Success)
        {
            return null;
        }
        var unit = match.Groups["unit"].Value.ToLowerInvariant();
        var size = DurationUnits.FirstOrDefault(entry => entry.Units.Contains(unit));
        return size.Units is null ? null : decimal.Parse(match.Groups["number"].Value, CultureInfo.InvariantCulture) * size.Millis;
    }

    /// <summary>"1024m", "1g", "1600Mb", "1728 mb" → bytes (Flink's units are binary: m = MiB).</summary>
    public static long? MemoryBytes(string text)
    {
        var match = NumberAndUnit().Match(text.Trim());
        if (!match.Success)
        {
            return null;
        }
        var unit = match.Groups["unit"].Value.ToLowerInvariant();
        var size = MemoryUnits.FirstOrDefault(entry => entry.Units.Contains(unit));
        return size.Units is null ? null : (long)(decimal.Parse(match.Groups["number"].Value, CultureInfo.InvariantCulture) * size.Bytes);
    }

    /// <summary>A memory size as a Kubernetes quantity for the JobSpec: whole MiB as "NMi", else bytes.</summary>
    public static string? ToQuantity(string text) => MemoryBytes(text) is { } bytes
        ? bytes % (1L << 20) == 0 ? $"{bytes >> 20}Mi" : bytes.ToString(CultureInfo.InvariantCulture)
        : null;

    [GeneratedRegex(@"^(?<number>[0-9]+(\.[0-9]+)?)\s*(?<unit>[a-zA-Zµ]*)$")]
    private static partial Regex NumberAndUnit();
}
