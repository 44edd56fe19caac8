using System.Text.RegularExpressions;

namespace Sluice.Spec;

/// <summary>Kubernetes naming rules, which job names, namespaces, fabrics and labels follow.</summary>
public static partial class Names
{
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex LabelKey();

    [GeneratedRegex("^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")]
    private static partial Regex LabelValue();

    public const string Dns1123Expected = "a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

    public static bool IsDns1123Label(string name) => Dns1123Label().IsMatch(name);

    public static bool IsLabelKey(string key) => LabelKey().IsMatch(key);

    public static bool IsLabelValue(string value) => LabelValue().IsMatch(value);
}
