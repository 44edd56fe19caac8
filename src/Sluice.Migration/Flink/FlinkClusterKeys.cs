namespace Sluice.Migration.Flink;

/// <summary>Flink keys the migrator treats specially.</summary>
internal static class FlinkClusterKeys
{
    /// <summary>Addresses and ports of a standalone cluster; on Kubernetes the operator sets them.</summary>
    public static readonly IReadOnlySet<string> Addressing = new HashSet<string>(StringComparer.Ordinal)
    {
        "jobmanager.rpc.address", "jobmanager.rpc.port", "blob.server.port", "query.server.port", "rest.port", "rest.address",
        "rest.bind-port", "rest.bind-address", "taskmanager.host", "taskmanager.rpc.port", "jobmanager.bind-host", "taskmanager.bind-host",
    };

    /// <summary>Resource fields that only trigger an operator action; they do not change the running job.</summary>
    public static readonly IReadOnlySet<string> Triggers = new HashSet<string>(StringComparer.Ordinal)
    {
        "spec.job.savepointTriggerNonce", "spec.job.checkpointTriggerNonce", "spec.job.savepointRedeployNonce",
        "spec.job.autoscalerResetNonce", "spec.restartNonce", "spec.job.initialSavepointPath",
    };
}
