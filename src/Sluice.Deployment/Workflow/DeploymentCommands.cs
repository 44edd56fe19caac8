using Sluice.Store.Deployments;

namespace Sluice.Deployment.Workflow;

/// <summary>A deployment request refused before anything was written; the message names the field.</summary>
public sealed class DeploymentRequestException(DeploymentRequestError error, string message) : Exception(message)
{
    public DeploymentRequestError Error { get; } = error;
}

public enum DeploymentRequestError
{
    NotFound,
    Invalid,
    FailedPrecondition,
}

/// <summary>
/// The deployment commands users call: each records deployments (one per fabric) and returns at once; workers do
/// the rest. Suspend, resume and delete are not here: they change the job's desired state, so only the metadata
/// service records them (desired state, audit row and deployments in one transaction). At most one deployment per (job, fabric) is active (the database enforces it); a request made while
/// one is active is queued behind it and runs when it finishes, first come first served. A queued request can be
/// cancelled like an active one.
/// </summary>
public sealed class DeploymentCommands(DeploymentStore store, IJobSpecSource specs, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Deploys the job's head revision to <paramref name="fabric"/>, or to every fabric of its placement.</summary>
    public async Task<IReadOnlyList<DeploymentRecord>> DeployAsync(string job, string? fabric, string actor, bool autoRollback = false,
        CancellationToken ct = default)
    {
        var (revision, spec) = await HeadAsync(job, ct);
        var placement = spec.Placement?.Fabrics.ToList() ?? [];
        if (fabric is not null && placement.Count > 0 && !placement.Contains(fabric))
        {
            throw new DeploymentRequestException(DeploymentRequestError.Invalid,
                $"fabric: '{fabric}' is not in the placement of {job} revision {revision} ({string.Join(", ", placement)})");
        }
        var fabrics = fabric is not null ? [fabric] : placement;
        if (fabrics.Count == 0)
        {
            throw new DeploymentRequestException(DeploymentRequestError.Invalid,
                $"placement.fabrics: {job} revision {revision} names no fabric; name one with --fabric");
        }
        var created = new List<DeploymentRecord>();
        foreach (var target in fabrics)
        {
            var kind = await store.FindLastSubmissionAsync(job, target, 0, ct) is null ? DeploymentKind.Create : DeploymentKind.Update;
            created.Add(await store.CreateAsync(new NewDeployment(job, revision, target, kind, actor, autoRollback), _time.GetUtcNow(), ct));
        }
        return created;
    }

    /// <summary>Deploys the newest revision that reached running before the one deployed last.</summary>
    public async Task<IReadOnlyList<DeploymentRecord>> RollbackAsync(string job, string? fabric, string actor, CancellationToken ct = default)
    {
        var created = new List<DeploymentRecord>();
        foreach (var target in await DeployedFabricsAsync(job, fabric, ct))
        {
            var revision = await store.FindRollbackRevisionAsync(job, target, ct)
                           ?? throw new DeploymentRequestException(DeploymentRequestError.FailedPrecondition,
                               $"rollback: no earlier revision of {job} reached running on fabric {target}");
            created.Add(await store.CreateAsync(new NewDeployment(job, revision, target, DeploymentKind.Rollback, actor), _time.GetUtcNow(), ct));
        }
        return created;
    }

    /// <summary>Stops a deployment in progress (or queued) at its next step; what it already did stays done.</summary>
    public async Task<DeploymentRecord> CancelAsync(long deploymentId, CancellationToken ct = default)
    {
        var deployment = await store.GetAsync(deploymentId, ct)
                         ?? throw new DeploymentRequestException(DeploymentRequestError.NotFound, $"deployment {deploymentId} does not exist");
        if (!await store.RequestCancelAsync(deploymentId, _time.GetUtcNow(), ct))
        {
            throw new DeploymentRequestException(DeploymentRequestError.FailedPrecondition,
                $"deployment {deploymentId} already finished ({deployment.State.ToKebab()})");
        }
        return (await store.GetAsync(deploymentId, ct))!;
    }

    private async Task<IReadOnlyList<string>> DeployedFabricsAsync(string job, string? fabric, CancellationToken ct)
    {
        var fabrics = fabric is not null
            ? [fabric]
            : (await store.ListAsync(job, null, 1000, ct)).Where(d => d.RuntimeId is not null).Select(d => d.Fabric).Distinct().ToList();
        var deployed = new List<string>();
        foreach (var target in fabrics)
        {
            if (await store.FindLastSubmissionAsync(job, target, 0, ct) is null)
            {
                throw new DeploymentRequestException(DeploymentRequestError.FailedPrecondition,
                    $"fabric: {job} was never deployed to '{target}'");
            }
            deployed.Add(target);
        }
        return deployed.Count > 0
            ? deployed
            : throw new DeploymentRequestException(DeploymentRequestError.FailedPrecondition, $"{job} was never deployed");
    }

    private async Task<(long Revision, Spec.V1.JobSpec Spec)> HeadAsync(string job, CancellationToken ct)
    {
        if (!job.Contains('/', StringComparison.Ordinal))
        {
            throw new DeploymentRequestException(DeploymentRequestError.Invalid, $"job: expected namespace/name, got '{job}'");
        }
        return await specs.GetHeadAsync(job, ct)
               ?? throw new DeploymentRequestException(DeploymentRequestError.NotFound, $"job {job} does not exist");
    }
}
