namespace Sluice.Runtimes.Flink;

/// <summary>A FlinkDeployment custom resource (flink.apache.org/v1beta1) in application mode.</summary>
public sealed record FlinkDeploymentManifest(FlinkObjectMeta Metadata, FlinkDeploymentSpec Spec)
{
    public const string ApiVersion = "flink.apache.org/v1beta1";
    public const string Kind = "FlinkDeployment";
}

public sealed record FlinkObjectMeta(
    string Name,
    string Namespace,
    IReadOnlyList<KeyValuePair<string, string>> Labels);

public sealed record FlinkDeploymentSpec(
    string Image,
    string FlinkVersion,
    string ServiceAccount,
    IReadOnlyList<KeyValuePair<string, string>> FlinkConfiguration,
    FlinkProcessResources JobManager,
    FlinkProcessResources TaskManager,
    FlinkJob Job)
{
    /// <summary>The value of one flinkConfiguration key, or null.</summary>
    public string? Configuration(string key) =>
        FlinkConfiguration.Where(entry => entry.Key == key).Select(entry => entry.Value).FirstOrDefault();
}

/// <summary>CPU cores and memory of one JobManager or TaskManager pod; memory in Flink's form ("2048m" = 2048 MiB).</summary>
public sealed record FlinkProcessResources(double Cpu, string Memory);

public sealed record FlinkJob(
    string JarUri,
    string? EntryClass,
    IReadOnlyList<string> Args,
    int Parallelism,
    string UpgradeMode,
    string State,
    bool AllowNonRestoredState);
