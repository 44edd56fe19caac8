using Sluice.Spec.V1;
using Sluice.Store.Deployments;

namespace Sluice.Deployment.Providers.Local;

/// <summary>
/// The checkpoint directory of a stateful job, <c>&lt;fabric&gt;/checkpoints/&lt;namespace&gt;/&lt;job&gt;/</c>: the place its
/// runs write checkpoints to, kept across revisions so a <c>last-state</c> upgrade finds the latest one.
/// </summary>
public sealed class LocalCheckpointDirProvider(LocalProviderOptions options) : LocalResourceProvider(options)
{
    public override ResourceKind Kind => ResourceKind.CheckpointDir;

    public override IReadOnlyList<ResourceRequest> Plan(JobSpec spec, ResourceOwner owner) =>
        spec.State?.Stateful == true ? [new ResourceRequest(Kind, "checkpoints", owner, spec)] : [];

    protected override LocalRendering Render(ResourceRequest request)
    {
        var owner = request.Owner;
        return new LocalRendering(
            new Dictionary<string, string> { ["retained"] = "latest" },
            VirtualLocation: $"local://{owner.Fabric}/checkpoints/{owner.Job.Namespace}/{owner.Job.Name}",
            ArtifactPath: Path.Combine("checkpoints", owner.Job.Namespace, owner.Job.Name));
    }
}
