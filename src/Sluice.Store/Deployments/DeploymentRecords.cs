namespace Sluice.Store.Deployments;

/// <summary>One deployment as stored. <see cref="Version"/> is the optimistic-concurrency token of the row.</summary>
public sealed record DeploymentRecord
{
    public required long Id { get; init; }
    /// <summary>The job's <c>namespace/name</c>.</summary>
    public required string Job { get; init; }
    public required long Revision { get; init; }
    public required string Fabric { get; init; }
    public required DeploymentKind Kind { get; init; }
    public required DeploymentState State { get; init; }
    public int StepIndex { get; init; }
    public int Attempt { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public DateTimeOffset StepStartedAt { get; init; }
    public string? Error { get; init; }
    public bool HoldsSlot { get; init; }
    public int Shard { get; init; }
    public long FenceEpoch { get; init; }
    public int Version { get; init; }
    public bool CancelRequested { get; init; }
    public bool AutoRollback { get; init; }
    public long? RollbackOf { get; init; }
    public RestoreKind? Restore { get; init; }
    public string? RestorePath { get; init; }
    public string? RenderedFormat { get; init; }
    public string? Rendered { get; init; }
    public string? Driver { get; init; }
    public string? RuntimeId { get; init; }
    public int SubmitAttempt { get; init; }
    public long? PreviousId { get; init; }
    public required string RequestedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    public string ActiveKey => ActiveKeyOf(Job, Fabric);

    public static string ActiveKeyOf(string job, string fabric) => job + "@" + fabric;
}

public sealed record NewDeployment(
    string Job,
    long Revision,
    string Fabric,
    DeploymentKind Kind,
    string RequestedBy,
    bool AutoRollback = false,
    long? RollbackOf = null);

public sealed record DeploymentEventRecord(
    long Id,
    long DeploymentId,
    DateTimeOffset At,
    DeploymentState? FromState,
    DeploymentState State,
    int Attempt,
    long FenceEpoch,
    string Detail);

public sealed record ResourceRecord(
    long Id,
    string Job,
    string Fabric,
    ResourceKind Kind,
    string Name,
    string ExternalId,
    ResourceStatus Status,
    long? Revision,
    long DeploymentId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReleasedAt);

/// <summary>A resource a step provisioned (or released), written in the same transaction as the step's transition.</summary>
public sealed record ResourceWrite(ResourceKind Kind, string Name, string ExternalId, ResourceStatus Status, long? Revision = null);

/// <summary>The fencing token a worker presents with every write: the shard's lease as it acquired it.</summary>
public sealed record ShardFence(int Shard, string Owner, long Epoch);

public sealed record ShardLease(int Shard, string Owner, long Epoch, DateTimeOffset ExpiresAt);

/// <summary>The worker presented a fence that is no longer the shard's lease: another worker owns the shard now.</summary>
public sealed class FencedOutException(ShardFence fence, string message) : Exception(message)
{
    public ShardFence Fence { get; } = fence;
}

/// <summary>The deployment row changed since it was read (a cancel request, or another step's write).</summary>
public sealed class DeploymentChangedException(long deploymentId, int version)
    : Exception($"deployment {deploymentId} is no longer at version {version}")
{
    public long DeploymentId { get; } = deploymentId;
}

/// <summary>The deployment would hold the (job, fabric) slot another active deployment holds.</summary>
public sealed class SlotTakenException(string activeKey) : Exception($"another deployment is active for {activeKey}");
