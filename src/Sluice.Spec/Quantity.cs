using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Spec;

/// <summary>Memory sizes in Kubernetes quantity form: `512Mi`, `2Gi`, `1536M`, `1G`, plain bytes.</summary>
public static partial class Quantity
{
    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$")]
    private static partial Regex Pattern();

    public const string Expected = "a memory quantity such as 512Mi, 2Gi or 1536M";

    public static bool TryParseBytes(string text, out long bytes)
    {
        bytes = 0;
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }
        var amount = decimal.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        decimal multiplier = match.Groups[2].Value switch
        {
            "Ki" => 1L << 10,
            "Mi" => 1L << 20,
            "Gi" => 1L << 30,
            "Ti" => 1L << 40,
            "k" => 1_000L,
            "M" => 1_000_000L,
            "G" => 1_000_000_000L,
            "T" => 1_000_000_000_000L,
            _ => 1L,
        };
        var total = amount * multiplier;
        if (total > long.MaxValue)
        {
            return false;
        }
        bytes = (long)decimal.Round(total);
        return true;
    }

    /// <summary>Whole mebibytes, rounded up (a container never gets less than asked for).</summary>
    public static long ParseMebibytes(string text) =>
        TryParseBytes(text, out var bytes)
            ? (bytes + (1L << 20) - 1) >> 20
            : throw new FormatException($"'{text}' is not {Expected}");
}
