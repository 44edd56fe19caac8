namespace Sluice.Store.Deployments;

// Dapper targets: plain settable properties in the widest types, so every dialect's column types convert.
internal sealed class DeploymentRow
{
    public const string Columns =
        "id AS Id, job AS Job, revision AS Revision, fabric AS Fabric, kind AS Kind, state AS State, step_index AS StepIndex, " +
        "attempt AS Attempt, next_attempt_at AS NextAttemptAt, step_started_at AS StepStartedAt, error AS Error, " +
        "active_key AS ActiveKey, shard AS Shard, fence_epoch AS FenceEpoch, version AS Version, cancel_requested AS CancelRequested, " +
        "auto_rollback AS AutoRollback, rollback_of AS RollbackOf, restore_kind AS RestoreKind, restore_path AS RestorePath, " +
        "rendered_format AS RenderedFormat, rendered AS Rendered, driver AS Driver, runtime_id AS RuntimeId, " +
        "submit_attempt AS SubmitAttempt, previous_id AS PreviousId, requested_by AS RequestedBy, created_at AS CreatedAt, " +
        "updated_at AS UpdatedAt, finished_at AS FinishedAt";

    public long Id { get; set; }
    public string Job { get; set; } = "";
    public long Revision { get; set; }
    public string Fabric { get; set; } = "";
    public long Kind { get; set; }
    public long State { get; set; }
    public long StepIndex { get; set; }
    public long Attempt { get; set; }
    public long NextAttemptAt { get; set; }
    public long StepStartedAt { get; set; }
    public string? Error { get; set; }
    public string? ActiveKey { get; set; }
    public long Shard { get; set; }
    public long FenceEpoch { get; set; }
    public long Version { get; set; }
    public bool CancelRequested { get; set; }
    public bool AutoRollback { get; set; }
    public long? RollbackOf { get; set; }
    public long? RestoreKind { get; set; }
    public string? RestorePath { get; set; }
    public string? RenderedFormat { get; set; }
    public string? Rendered { get; set; }
    public string? Driver { get; set; }
    public string? RuntimeId { get; set; }
    public long SubmitAttempt { get; set; }
    public long? PreviousId { get; set; }
    public string RequestedBy { get; set; } = "";
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long? FinishedAt { get; set; }

    public DeploymentRecord ToRecord() => new()
    {
        Id = Id, Job = Job, Revision = Revision, Fabric = Fabric, Kind = (DeploymentKind)Kind, State = (DeploymentState)State,
        StepIndex = (int)StepIndex, Attempt = (int)Attempt, NextAttemptAt = Micros.ToTime(NextAttemptAt),
        StepStartedAt = Micros.ToTime(StepStartedAt), Error = Error, HoldsSlot = ActiveKey is not null, Shard = (int)Shard,
        FenceEpoch = FenceEpoch, Version = (int)Version, CancelRequested = CancelRequested, AutoRollback = AutoRollback,
        RollbackOf = RollbackOf, Restore = (RestoreKind?)RestoreKind, RestorePath = RestorePath, RenderedFormat = RenderedFormat,
        Rendered = Rendered, Driver = Driver, RuntimeId = RuntimeId, SubmitAttempt = (int)SubmitAttempt, PreviousId = PreviousId,
        RequestedBy = RequestedBy, CreatedAt = Micros.ToTime(CreatedAt), UpdatedAt = Micros.ToTime(UpdatedAt),
        FinishedAt = FinishedAt is { } f ? Micros.ToTime(f) : null,
    };
}

internal sealed class EventRow
{
    public const string Columns =
        "id AS Id, deployment_id AS DeploymentId, at AS At, from_state AS FromState, state AS State, attempt AS Attempt, " +
        "fence_epoch AS FenceEpoch, detail AS Detail";

    public long Id { get; set; }
    public long DeploymentId { get; set; }
    public long At { get; set; }
    public long? FromState { get; set; }
    public long State { get; set; }
    public long Attempt { get; set; }
    public long FenceEpoch { get; set; }
    public string Detail { get; set; } = "";

    public DeploymentEventRecord ToRecord() => new(Id, DeploymentId, Micros.ToTime(At), (DeploymentState?)FromState,
        (DeploymentState)State, (int)Attempt, FenceEpoch, Detail);
}

internal sealed class ResourceRow
{
    public const string Columns =
        "id AS Id, job AS Job, fabric AS Fabric, kind AS Kind, name AS Name, external_id AS ExternalId, status AS Status, " +
        "revision AS Revision, deployment_id AS DeploymentId, created_at AS CreatedAt, released_at AS ReleasedAt";

    public long Id { get; set; }
    public string Job { get; set; } = "";
    public string Fabric { get; set; } = "";
    public long Kind { get; set; }
    public string Name { get; set; } = "";
    public string ExternalId { get; set; } = "";
    public long Status { get; set; }
    public long? Revision { get; set; }
    public long DeploymentId { get; set; }
    public long CreatedAt { get; set; }
    public long? ReleasedAt { get; set; }

    public ResourceRecord ToRecord() => new(Id, Job, Fabric, (ResourceKind)Kind, Name, ExternalId, (ResourceStatus)Status, Revision,
        DeploymentId, Micros.ToTime(CreatedAt), ReleasedAt is { } r ? Micros.ToTime(r) : null);
}

internal sealed class LeaseRow
{
    public long Shard { get; set; }
    public string Owner { get; set; } = "";
    public long Epoch { get; set; }
    public long ExpiresAt { get; set; }

    public ShardLease ToLease() => new((int)Shard, Owner, Epoch, Micros.ToTime(ExpiresAt));
}
