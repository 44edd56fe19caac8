using Google.Protobuf;
using Sluice.Spec.V1;
using Sluice.Store.Deployments;

namespace Sluice.Deployment.Providers.Local;

/// <summary>Writes a Prometheus alerting rules file per job to <c>&lt;fabric&gt;/alerts/&lt;namespace&gt;/&lt;job&gt;.rules.yaml</c>.</summary>
public sealed class LocalAlertRulesProvider(LocalProviderOptions options) : LocalResourceProvider(options)
{
    public override ResourceKind Kind => ResourceKind.AlertRule;

    public override IReadOnlyList<ResourceRequest> Plan(JobSpec spec, ResourceOwner owner)
    {
        if (spec.Observability is not { Alerts.Count: > 0 })
        {
            return [];
        }
        PrometheusAlertRules.Validate(spec, RuntimeOf(spec), owner);
        return [new ResourceRequest(Kind, "rules", owner, spec)];
    }

    protected override LocalRendering Render(ResourceRequest request)
    {
        var owner = request.Owner;
        return new LocalRendering(
            new Dictionary<string, string>
            {
                ["group"] = PrometheusAlertRules.GroupName(owner),
                ["rules"] = request.Spec.Observability.Alerts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            VirtualLocation: $"prometheus://rules/{PrometheusAlertRules.GroupName(owner)}",
            ArtifactPath: Path.Combine("alerts", owner.Job.Namespace, owner.Job.Name + ".rules.yaml"),
            Content: () => PrometheusAlertRules.Render(request.Spec, owner, RuntimeOf(request.Spec)),
            Fingerprint: $"{PrometheusAlertRules.ModelVersion}|{RuntimeOf(request.Spec)}|{request.Spec.Owner}|{Convert.ToBase64String(request.Spec.Observability.ToByteArray())}");
    }
}
