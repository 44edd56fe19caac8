using Sluice.Spec.V1;
using Sluice.Store.Deployments;

namespace Sluice.Deployment.Providers.Local;

/// <summary>Writes a Grafana dashboard JSON per job to <c>&lt;fabric&gt;/dashboards/&lt;namespace&gt;/&lt;job&gt;.json</c>.</summary>
public sealed class LocalDashboardProvider(LocalProviderOptions options) : LocalResourceProvider(options)
{
    public override ResourceKind Kind => ResourceKind.Dashboard;

    public override IReadOnlyList<ResourceRequest> Plan(JobSpec spec, ResourceOwner owner) =>
        spec.Observability?.Dashboard == true ? [new ResourceRequest(Kind, "dashboard", owner, spec)] : [];

    protected override LocalRendering Render(ResourceRequest request)
    {
        var owner = request.Owner;
        var uid = GrafanaDashboard.Uid(owner);
        return new LocalRendering(
            new Dictionary<string, string> { ["uid"] = uid },
            VirtualLocation: $"grafana://dashboards/{uid}",
            ArtifactPath: Path.Combine("dashboards", owner.Job.Namespace, owner.Job.Name + ".json"),
            Content: () => GrafanaDashboard.Render(request.Spec, owner, RuntimeOf(request.Spec)),
            Fingerprint: $"{GrafanaDashboard.ModelVersion}|{RuntimeOf(request.Spec)}|{request.Spec.Description}");
    }
}
