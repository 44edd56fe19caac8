using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Runtimes.Flink;

/// <summary>A Flink version in the operator's enum form (v1_20, v2_0).</summary>
public sealed partial record FlinkVersion(int Major, int Minor)
{
    public static FlinkVersion? TryParse(string text)
    {
        var match = OperatorForm().Match(text);
        return match.Success
            ? new FlinkVersion(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
            : null;
    }

    public override string ToString() => $"v{Major}_{Minor}";

    [GeneratedRegex(@"^v([0-9]+)_([0-9]+)$")]
    private static partial Regex OperatorForm();
}
