using Sluice.Spec.V1;

namespace Sluice.Spec;

/// <summary>
/// A dataset's stable identity across jobs and runtimes: `system://cluster/name`, e.g. `kafka://tracking/page-views`.
/// Lineage joins jobs on it, so two specs naming the same topic must produce the same URI.
/// </summary>
public static class DatasetUri
{
    public static string Of(Dataset dataset) => Of(dataset.System, dataset.Cluster, dataset.Name);

    public static string Of(string system, string cluster, string name) =>
        $"{system.Trim().ToLowerInvariant()}://{cluster.Trim()}/{name.Trim().TrimStart('/')}";
}
