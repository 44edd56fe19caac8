using System.Text.Json.Nodes;

namespace Sluice.Runtimes.Drivers.Kubernetes;

/// <summary>
/// Reads a FlinkDeployment's status as the Flink Kubernetes Operator writes it (<c>status.lifecycleState</c>,
/// <c>status.jobStatus.state</c>, <c>status.jobManagerDeploymentStatus</c>, <c>status.observedGeneration</c>).
/// </summary>
public static class FlinkDeploymentStatus
{
    public static JobObservation Observe(JsonObject deployment)
    {
        var status = deployment["status"] as JsonObject;
        var lifecycle = Text(status?["lifecycleState"]);
        var job = Text(status?["jobStatus"]?["state"]);
        var jobManager = Text(status?["jobManagerDeploymentStatus"]);
        var native = $"lifecycleState={lifecycle ?? "-"} jobStatus={job ?? "-"} jobManager={jobManager ?? "-"}";
        var suspendedInSpec = Text(deployment["spec"]?["job"]?["state"]) == "suspended";

        if (deployment["metadata"]?["deletionTimestamp"] is not null)
        {
            return new JobObservation(RuntimeJobState.Stopping, native, "being deleted");
        }
        var generation = Number(deployment["metadata"]?["generation"]);
        var observed = Number(status?["observedGeneration"]);
        if (status is null || (generation is not null && (observed is null || observed < generation)))
        {
            return new JobObservation(suspendedInSpec ? RuntimeJobState.Stopping : RuntimeJobState.Starting, native,
                $"the operator has not reconciled generation {generation} yet");
        }
        if (lifecycle == "FAILED" || job == "FAILED" || jobManager == "ERROR")
        {
            return new JobObservation(RuntimeJobState.Failed, native, Text(status["error"]) ?? "the operator reports a failure");
        }
        if (suspendedInSpec)
        {
            return lifecycle == "SUSPENDED"
                ? new JobObservation(RuntimeJobState.Suspended, native)
                : new JobObservation(RuntimeJobState.Stopping, native, "suspending");
        }
        return job switch
        {
            "FINISHED" => new JobObservation(RuntimeJobState.Finished, native),
            "CANCELED" => new JobObservation(RuntimeJobState.Cancelled, native),
            "RUNNING" when lifecycle == "STABLE" => new JobObservation(RuntimeJobState.Running, native),
            _ => new JobObservation(RuntimeJobState.Starting, native, "waiting for jobStatus RUNNING and lifecycleState STABLE"),
        };
    }

    internal static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    internal static long? Number(JsonNode? node) =>
        node is JsonValue v && long.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
}
