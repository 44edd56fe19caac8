using System.Text;
using Sluice.Spec.V1;

namespace Sluice.Deployment.Providers;

/// <summary>
/// PromQL for a job's metrics. Series are selected by the labels <c>sluice_namespace</c>, <c>sluice_job</c> and
/// <c>sluice_fabric</c>, which the job's metric reporter must attach (Flink:
/// <c>metrics.reporter.prom.scope.variables.additional</c>). Flink names are those of Flink's Prometheus reporter;
/// Samza names assume the Prometheus JMX exporter's snake_case form of Samza's metric groups and names.
/// A null query means the runtime has no such metric.
/// </summary>
public sealed record JobMetrics(
    string ConsumerLag,
    string RecordsInPerSecond,
    string RecordsOutPerSecond,
    string? CompletedCheckpoints,
    string? FailedCheckpoints,
    string Restarts,
    string? BackpressureMsPerSecond)
{
    /// <summary>The window of the count-based queries (restarts, checkpoints).</summary>
    public const string Window = "10m";

    public static JobMetrics For(Runtime runtime, ResourceOwner owner)
    {
        var s = Selector(owner);
        return runtime switch
        {
            Runtime.Flink => new JobMetrics(
                ConsumerLag: $"sum(flink_taskmanager_job_task_operator_pendingRecords{s})",
                RecordsInPerSecond: $"sum(flink_taskmanager_job_task_numRecordsInPerSecond{s})",
                RecordsOutPerSecond: $"sum(flink_taskmanager_job_task_numRecordsOutPerSecond{s})",
                CompletedCheckpoints: $"max(increase(flink_jobmanager_job_numberOfCompletedCheckpoints{s}[{Window}]))",
                FailedCheckpoints: $"max(increase(flink_jobmanager_job_numberOfFailedCheckpoints{s}[{Window}]))",
                Restarts: $"max(increase(flink_jobmanager_job_numRestarts{s}[{Window}]))",
                BackpressureMsPerSecond: $"max(flink_taskmanager_job_task_backPressuredTimeMsPerSecond{s})"),
            Runtime.Samza => new JobMetrics(
                ConsumerLag: $"sum(samza_kafka_system_consumer_messages_behind_high_watermark{s})",
                RecordsInPerSecond: $"sum(rate(samza_container_process_envelopes{s}[1m]))",
                RecordsOutPerSecond: $"sum(rate(samza_container_send_calls{s}[1m]))",
                CompletedCheckpoints: $"sum(increase(samza_container_commit_calls{s}[{Window}]))",
                FailedCheckpoints: null,
                Restarts: $"sum(increase(samza_cluster_manager_failed_containers{s}[{Window}]))",
                BackpressureMsPerSecond: null),
            _ => throw new ArgumentException($"runtime: expected flink or samza, got {runtime}"),
        };
    }

    public static string Selector(ResourceOwner owner) =>
        $"{{sluice_namespace=\"{Escape(owner.Job.Namespace)}\",sluice_job=\"{Escape(owner.Job.Name)}\",sluice_fabric=\"{Escape(owner.Fabric)}\"}}";

    private static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            escaped.Append(c switch { '\\' => "\\\\", '"' => "\\\"", '\n' => "\\n", _ => c.ToString() });
        }
        return escaped.ToString();
    }
}
