using Sluice.Migration.Report;
using Sluice.Spec.V1;

namespace Sluice.Migration.Legacy;

/// <summary>
/// An imported job: the JobSpec, the platform slice it needs (the Kafka clusters and the fabric settings the
/// legacy config implies), and the account of every key.
/// </summary>
public sealed record LegacyImport(
    JobSpec Spec,
    PlatformConfig Platform,
    Fabric Fabric,
    IReadOnlyList<KeyMapping> Keys,
    IReadOnlyList<MissingInformation> Missing,
    IReadOnlyList<string> Notes)
{
    /// <summary>Legacy Samza system name → the platform Kafka cluster it is compared and rendered under.</summary>
    public IReadOnlyDictionary<string, string> SystemRenames { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// What the legacy job runs with but its file does not show, as the annotations state it: a build-time template
    /// (a Maven-filtered package path) resolved, or the Main-Class a jar's manifest supplies.
    /// </summary>
    public IReadOnlyDictionary<string, string> ResolvedTemplates { get; init; } = new Dictionary<string, string>();
}
