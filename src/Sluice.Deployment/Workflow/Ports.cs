using Sluice.Runtimes.Drivers;
using Sluice.Spec.V1;

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

/// <summary>Picks the runtime driver for a fabric.</summary>
public interface IRuntimeDriverSelector
{
    IRuntimeDriver For(string fabric);
}

public sealed class SingleDriverSelector(IRuntimeDriver driver) : IRuntimeDriverSelector
{
    public IRuntimeDriver For(string fabric) => driver;
}
