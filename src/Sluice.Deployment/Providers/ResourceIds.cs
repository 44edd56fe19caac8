using System.Text.RegularExpressions;
using Sluice.Runtimes.Drivers;
using Sluice.Store.Deployments;

namespace Sluice.Deployment.Providers;

/// <summary>External ids: <c>kind/fabric/namespace/job/name</c>; every part is a safe path segment.</summary>
public static partial class ResourceIds
{
    public static string Format(ResourceKind kind, string fabric, JobRef job, string name) =>
        $"{kind.ToKebab()}/{Segment(fabric, "fabric")}/{Segment(job.Namespace, "namespace")}/{Segment(job.Name, "name")}/{Segment(name, "resource name")}";

    public static (string Kind, string Fabric, JobRef Job, string Name) Parse(string externalId)
    {
        var parts = (externalId ?? "").Split('/');
        if (parts.Length != 5 || parts.Any(p => !SafeSegment().IsMatch(p) || p is "." or ".."))
        {
            throw new ArgumentException($"externalId: expected kind/fabric/namespace/job/name, got '{externalId}'");
        }
        return (parts[0], parts[1], new JobRef(parts[2], parts[3]), parts[4]);
    }

    private static string Segment(string value, string what) =>
        SafeSegment().IsMatch(value ?? "") && value is not ("." or "..")
            ? value!
            : throw new ArgumentException($"{what}: '{value}' may hold only letters, digits, '.', '_' and '-'");

    [GeneratedRegex("^[A-Za-z0-9._-]{1,249}$")]
    private static partial Regex SafeSegment();
}
