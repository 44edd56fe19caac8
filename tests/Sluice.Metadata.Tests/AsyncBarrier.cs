namespace Sluice.Metadata.Tests;

/// <summary>Releases a round of waiters once all participants have arrived, without blocking threads.</summary>
internal sealed class AsyncBarrier(int participants)
{
    private readonly Lock _gate = new();
    private readonly int _participants = participants;
    private int _remaining = participants;
    private TaskCompletionSource _round = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task SignalAndWaitAsync()
    {
        lock (_gate)
        {
            var round = _round;
            if (--_remaining == 0)
            {
                _remaining = _participants;
                _round = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                round.SetResult();
            }
            return round.Task;
        }
    }
}
