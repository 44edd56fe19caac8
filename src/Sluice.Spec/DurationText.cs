using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;

namespace Sluice.Spec;

/// <summary>Durations as people write them: `500ms`, `30s`, `5m`, `1h30m`, `2d` (and protobuf's `1.5s`).</summary>
public static partial class DurationText
{
    [GeneratedRegex(@"^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d))+$")]
    private static partial Regex Pattern();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h|d)")]
    private static partial Regex Part();

    public const string Expected = "a duration such as 500ms, 30s, 5m, 1h30m or 2d";

    public static bool TryParse(string text, out Duration duration)
    {
        duration = new Duration();
        if (!Pattern().IsMatch(text))
        {
            return false;
        }
        decimal seconds = 0;
        foreach (Match part in Part().Matches(text))
        {
            var amount = decimal.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            seconds += part.Groups[2].Value switch
            {
                "ms" => amount / 1000m,
                "s" => amount,
                "m" => amount * 60m,
                "h" => amount * 3600m,
                _ => amount * 86400m,
            };
        }
        if (seconds > Duration.MaxSeconds)
        {
            return false;
        }
        var whole = decimal.Truncate(seconds);
        duration = new Duration { Seconds = (long)whole, Nanos = (int)((seconds - whole) * 1_000_000_000m) };
        return true;
    }

    /// <summary>The shortest exact authored form: 90s → `1m30s`, 0.5s → `500ms`.</summary>
    public static string Format(Duration duration)
    {
        var totalMs = duration.Seconds * 1000 + duration.Nanos / 1_000_000;
        if (duration.Nanos % 1_000_000 != 0 || totalMs == 0)
        {
            return duration.ToTimeSpan().TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";
        }
        if (totalMs % 1000 != 0)
        {
            return totalMs + "ms";
        }
        var seconds = totalMs / 1000;
        var text = "";
        foreach (var (unit, size) in new[] { ("d", 86400L), ("h", 3600L), ("m", 60L), ("s", 1L) })
        {
            if (seconds >= size)
            {
                text += seconds / size + unit;
                seconds %= size;
            }
        }
        return text;
    }
}
