using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Runtimes.Compilation;

/// <summary>Kubernetes memory quantities (512Mi, 2Gi, 1536M, 1e9) in whole mebibytes, rounded up.</summary>
internal static partial class MemoryQuantity
{
    private static readonly Dictionary<string, double> Multipliers = new()
    {
        [""] = 1, ["k"] = 1e3, ["M"] = 1e6, ["G"] = 1e9, ["T"] = 1e12,
        ["Ki"] = 1024, ["Mi"] = 1024d * 1024, ["Gi"] = 1024d * 1024 * 1024, ["Ti"] = 1024d * 1024 * 1024 * 1024,
    };

    public static long ToMebibytes(string quantity, string path, Problems problems)
    {
        var match = QuantityPattern().Match(quantity);
        if (!match.Success || !double.TryParse(match.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            problems.Add(path, $"'{quantity}' is not a memory quantity (expected e.g. 512Mi, 2Gi, 1536M)");
            return 0;
        }
        var bytes = number * Multipliers[match.Groups["unit"].Value];
        var mebibytes = (long)Math.Ceiling(bytes / (1024d * 1024));
        if (mebibytes <= 0)
        {
            problems.Add(path, $"'{quantity}' is less than one mebibyte");
        }
        return mebibytes;
    }

    [GeneratedRegex(@"^(?<number>[0-9]+(\.[0-9]+)?([eE][0-9]+)?)(?<unit>|k|M|G|T|Ki|Mi|Gi|Ti)$")]
    private static partial Regex QuantityPattern();
}
