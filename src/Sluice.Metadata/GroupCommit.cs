namespace Sluice.Metadata;

/// <summary>
/// Group commit: calls that arrive while others are being written share one transaction instead of paying for a
/// round trip per statement and a commit each. A call joins a queue; if fewer than <c>maxConcurrentBatches</c> drains
/// run, it starts one, which takes up to <c>maxBatch</c> waiting calls at a time until the queue is empty. Nothing
/// waits for a timer: under light load every batch holds one call. Holds no state another replica needs.
/// </summary>
/// <remarks>
/// A runner may go on with the calls queued since (<see cref="BatchRunner"/>'s second argument) as its next batch, to
/// carry what it learnt writing one batch into the next; it answers every call it takes.
/// </remarks>
internal sealed class GroupCommit<TCall, TResult>(GroupCommit<TCall, TResult>.BatchRunner runBatch, int maxBatch, int maxConcurrentBatches)
{
    private readonly Queue<Waiting> _queue = new();
    private readonly Lock _gate = new();
    private int _draining;

    /// <summary>Writes <paramref name="batch"/>; <paramref name="takeQueued"/> takes the next batch from the queue (possibly empty).</summary>
    public delegate Task BatchRunner(IReadOnlyList<Waiting> batch, Func<IReadOnlyList<Waiting>> takeQueued);

    /// <summary>A call waiting for its batch; the batch runner completes <see cref="Result"/>.</summary>
    public sealed class Waiting(TCall call)
    {
        public TCall Call { get; } = call;

        public TaskCompletionSource<TResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Calls queued and not yet taken into a batch.</summary>
    public int Queued
    {
        get
        {
            lock (_gate) return _queue.Count;
        }
    }

    public Task<TResult> RunAsync(TCall call)
    {
        var waiting = new Waiting(call);
        bool startDrain;
        lock (_gate)
        {
            _queue.Enqueue(waiting);
            startDrain = _draining < maxConcurrentBatches;
            if (startDrain) _draining++;
        }
        if (startDrain) _ = Task.Run(DrainAsync);
        return waiting.Result.Task;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            List<Waiting> batch;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _draining--;
                    return;
                }
                batch = TakeLocked();
            }
            // The calls this drain took and has not answered, so that a runner's failure answers those it took later too.
            var taken = new List<Waiting>(batch);
            try
            {
                await runBatch(batch, () =>
                {
                    List<Waiting> next;
                    lock (_gate) next = TakeLocked();
                    taken.RemoveAll(waiting => waiting.Result.Task.IsCompleted);
                    taken.AddRange(next);
                    return next;
                });
            }
            catch (Exception error)
            {
                foreach (var waiting in taken) waiting.Result.TrySetException(error);
            }
        }
    }

    private List<Waiting> TakeLocked()
    {
        var batch = new List<Waiting>(Math.Min(_queue.Count, maxBatch));
        while (batch.Count < maxBatch && _queue.TryDequeue(out var next)) batch.Add(next);
        return batch;
    }
}
