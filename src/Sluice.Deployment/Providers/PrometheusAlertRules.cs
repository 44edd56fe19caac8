using System.Globalization;
using System.Text;
using Sluice.Spec.V1;
using YamlDotNet.Serialization;

namespace Sluice.Deployment.Providers;

/// <summary>A Prometheus alerting rules file (one group) for a job's <c>observability.alerts</c>.</summary>
public static class PrometheusAlertRules
{
    /// <summary>Bump when <see cref="Render"/> changes, so existing rule files count as changed and are rewritten.</summary>
    public const int ModelVersion = 1;

    private static readonly ISerializer Yaml = new SerializerBuilder().WithQuotingNecessaryStrings().Build();

    public static string GroupName(ResourceOwner owner) => $"sluice.{owner.Job.Namespace}.{owner.Job.Name}.{owner.Fabric}";

    /// <summary>Checks every alert, naming the field at fault (<c>observability.alerts[i].kind</c>, ...).</summary>
    public static void Validate(JobSpec spec, Runtime runtime, ResourceOwner owner)
    {
        var metrics = JobMetrics.For(runtime, owner);
        var alerts = spec.Observability?.Alerts ?? [];
        for (var i = 0; i < alerts.Count; i++)
        {
            var alert = alerts[i];
            var field = $"observability.alerts[{i}]";
            if (alert.Kind == AlertKind.Unspecified)
            {
                throw new ArgumentException($"{field}.kind: expected consumer-lag, restarts, checkpoint-failures or backpressure");
            }
            if (alert.Severity == Severity.Unspecified)
            {
                throw new ArgumentException($"{field}.severity: expected info, warning or page");
            }
            if (!double.IsFinite(alert.Threshold) || alert.Threshold < 0)
            {
                throw new ArgumentException($"{field}.threshold: expected a number >= 0, got {alert.Threshold.ToString(CultureInfo.InvariantCulture)}");
            }
            if (alert.Kind == AlertKind.Backpressure && alert.Threshold > 1000)
            {
                throw new ArgumentException($"{field}.threshold: backpressure is measured in back-pressured ms per second, at most 1000");
            }
            if (alert.For is { } duration && (duration.Seconds < 0 || duration.Nanos < 0))
            {
                throw new ArgumentException($"{field}.for: expected a duration >= 0");
            }
            if (Query(alert.Kind, metrics) is null)
            {
                throw new ArgumentException($"{field}.kind: {Kebab(alert.Kind)} is not available for {runtime.ToString().ToLowerInvariant()} jobs");
            }
        }
    }

    public static string Render(JobSpec spec, ResourceOwner owner, Runtime runtime)
    {
        Validate(spec, runtime, owner);
        var metrics = JobMetrics.For(runtime, owner);
        var rules = new List<object>();
        foreach (var alert in spec.Observability.Alerts)
        {
            var rule = new Dictionary<string, object>
            {
                ["alert"] = "Sluice" + string.Concat(Kebab(alert.Kind).Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..])),
                ["expr"] = $"{Query(alert.Kind, metrics)} > {alert.Threshold.ToString("R", CultureInfo.InvariantCulture)}",
            };
            if (alert.For is { } duration && duration.ToTimeSpan() > TimeSpan.Zero)
            {
                rule["for"] = Duration(duration.ToTimeSpan());
            }
            rule["labels"] = new Dictionary<string, string>
            {
                ["severity"] = alert.Severity.ToString().ToLowerInvariant(),
                ["sluice_namespace"] = owner.Job.Namespace,
                ["sluice_job"] = owner.Job.Name,
                ["sluice_fabric"] = owner.Fabric,
            };
            rule["annotations"] = new Dictionary<string, string>
            {
                ["summary"] = $"{owner.Job} on {owner.Fabric}: {Describe(alert.Kind)} above {alert.Threshold.ToString(CultureInfo.InvariantCulture)}",
                ["owner"] = spec.Owner,
            };
            rules.Add(rule);
        }
        var document = new Dictionary<string, object>
        {
            ["groups"] = new List<object> { new Dictionary<string, object> { ["name"] = GroupName(owner), ["rules"] = rules } },
        };
        return Yaml.Serialize(document);
    }

    /// <summary>Prometheus duration syntax: <c>1h30m</c>, <c>45s</c>, <c>250ms</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        var text = new StringBuilder();
        void Part(long value, string unit)
        {
            if (value > 0)
            {
                text.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
            }
        }
        Part((long)span.TotalDays, "d");
        Part(span.Hours, "h");
        Part(span.Minutes, "m");
        Part(span.Seconds, "s");
        Part(span.Milliseconds, "ms");
        return text.Length == 0 ? "0s" : text.ToString();
    }

    private static string? Query(AlertKind kind, JobMetrics metrics) => kind switch
    {
        AlertKind.ConsumerLag => metrics.ConsumerLag,
        AlertKind.Restarts => metrics.Restarts,
        AlertKind.CheckpointFailures => metrics.FailedCheckpoints,
        AlertKind.Backpressure => metrics.BackpressureMsPerSecond,
        _ => null,
    };

    private static string Describe(AlertKind kind) => kind switch
    {
        AlertKind.ConsumerLag => "consumer lag (records)",
        AlertKind.Restarts => $"restarts per {JobMetrics.Window}",
        AlertKind.CheckpointFailures => $"failed checkpoints per {JobMetrics.Window}",
        AlertKind.Backpressure => "back-pressured ms per second",
        _ => kind.ToString(),
    };

    private static string Kebab(AlertKind kind) => kind switch
    {
        AlertKind.ConsumerLag => "consumer-lag",
        AlertKind.Restarts => "restarts",
        AlertKind.CheckpointFailures => "checkpoint-failures",
        AlertKind.Backpressure => "backpressure",
        _ => "unspecified",
    };
}
