namespace Sluice.Store.Deployments;

/// <summary>One step's outcome on its way to the database: the fenced row write, its event and its resource.</summary>
internal sealed class TransitionWrite(ShardFence fence, DeploymentRecord current, DeploymentRecord next, string? detail, DateTimeOffset now,
    ResourceWrite? resource)
{
    private readonly TaskCompletionSource<DeploymentRecord> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ShardFence Fence { get; } = fence;
    public DeploymentRecord Current { get; } = current;
    public DeploymentRecord Next { get; } = next;
    public string? Detail { get; } = detail;
    public DateTimeOffset Now { get; } = now;
    public ResourceWrite? Resource { get; } = resource;

    public bool Terminal => Next.State.IsTerminal();

    /// <summary>The slot key the row holds after the write; null for queued and finished deployments.</summary>
    public string? ActiveKey => Terminal || !Next.HoldsSlot ? null : Next.ActiveKey;

    /// <summary>Taking a slot the row did not hold can hit the unique index: such a write goes alone, not in a group.</summary>
    public bool TakesSlot => ActiveKey is not null && !Current.HoldsSlot;

    public long? FinishedAtMicros => Terminal ? Micros.From(Now) : null;

    /// <summary>
    /// The rendering is large and written once: steps after Rendering leave it alone instead of sending it again
    /// (PostgreSQL would compress and store a fresh copy on every write).
    /// </summary>
    public bool RenderingChanged => !ReferenceEquals(Next.Rendered, Current.Rendered) && Next.Rendered != Current.Rendered
                                    || Next.RenderedFormat != Current.RenderedFormat;

    public Task<DeploymentRecord> Completion => _done.Task;

    /// <summary>The row as the write stored it.</summary>
    public DeploymentRecord Stored() => Next with
    {
        Version = Current.Version + 1, FenceEpoch = Fence.Epoch, HoldsSlot = ActiveKey is not null, UpdatedAt = Now,
        FinishedAt = Terminal ? Now : null,
    };

    public void Succeed() => _done.TrySetResult(Stored());

    public void Fail(Exception error) => _done.TrySetException(error);
}
