using Sluice.Runtimes.Drivers;
using Sluice.Spec.V1;
using Sluice.Store.Deployments;

namespace Sluice.Deployment.Workflow;

/// <summary>Where the workflow reads a job's revisions (the metadata store in production).</summary>
public interface IJobSpecSource
{
    /// <summary>The job's head revision and its spec; null when the job does not exist.</summary>
    Task<(long Revision, JobSpec Spec)?> GetHeadAsync(string job, CancellationToken ct = default);

    /// <summary>One revision's spec; null when it does not exist.</summary>
    Task<JobSpec?> GetRevisionAsync(string job, long revision, CancellationToken ct = default);
}

/// <summary>A rendered job as the workflow stores it before submitting it: a format name and its text.</summary>
public sealed record RenderedArtifact(string Format, string Text);

/// <summary>The Rendering step: JobSpec → the runtime's own configuration (the compilers in production).</summary>
public interface IArtifactRenderer
{
    RenderedArtifact Render(JobSpec spec, long revision, string fabric);

    /// <summary>Reads a stored rendering back into what a driver submits.</summary>
    RuntimeArtifact Load(RenderedArtifact rendered);
}

/// <summary>One resource a job needs on a fabric, named so a re-run finds what the first run made.</summary>
public sealed record ResourceRequest(string Job, string Fabric, ResourceKind Kind, string Name);

/// <summary>Provisions and releases one kind of resource. Both calls must be idempotent on the request.</summary>
public interface IResourceProvisioner
{
    ResourceKind Kind { get; }

    /// <summary>Creates the resource or finds the one made earlier; answers its external id.</summary>
    Task<string> ProvisionAsync(ResourceRequest request, CancellationToken ct = default);

    Task ReleaseAsync(ResourceRequest request, string externalId, CancellationToken ct = default);
}

/// <summary>Picks the runtime driver for a fabric.</summary>
public interface IRuntimeDriverSelector
{
    IRuntimeDriver For(string fabric);
}

public sealed class SingleDriverSelector(IRuntimeDriver driver) : IRuntimeDriverSelector
{
    public IRuntimeDriver For(string fabric) => driver;
}
