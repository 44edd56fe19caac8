using Sluice.Spec.V1;
using Sluice.Store.Deployments;

namespace Sluice.Deployment.Workflow;

/// <summary>The resources a job revision needs on a fabric, in the order the Provisioning step makes them.</summary>
public static class ResourcePlan
{
    public static IReadOnlyList<ResourceRequest> For(string job, string fabric, JobSpec spec)
    {
        var plan = new List<ResourceRequest>();
        if (spec.State?.Stateful == true)
        {
            plan.Add(new(job, fabric, ResourceKind.CheckpointDir, "checkpoints"));
            foreach (var store in spec.State.Stores)
            {
                plan.Add(new(job, fabric, ResourceKind.StateStore, store.Name));
            }
        }
        foreach (var sink in spec.Sinks.Where(s => s.System == "kafka"))
        {
            plan.Add(new(job, fabric, ResourceKind.Topic, $"{sink.Cluster}/{sink.Name}"));
        }
        if (spec.Observability?.Dashboard == true)
        {
            plan.Add(new(job, fabric, ResourceKind.Dashboard, "dashboard"));
        }
        if (spec.Observability is { } observability)
        {
            for (var i = 0; i < observability.Alerts.Count; i++)
            {
                plan.Add(new(job, fabric, ResourceKind.AlertRule, $"{observability.Alerts[i].Kind.ToString().ToLowerInvariant()}-{i}"));
            }
        }
        return plan;
    }
}
