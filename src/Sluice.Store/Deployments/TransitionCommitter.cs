using System.Threading.Channels;

namespace Sluice.Store.Deployments;

/// <summary>
/// Group commit of state-machine transitions: the transitions that arrive while a transaction is being written go
/// together into the next one. Each row keeps its own fence and version check in the WHERE clause, so a fenced-out
/// or changed row fails only its own caller; the others commit. A caller's task completes only after the commit,
/// so every transition is durable before its deployment's next step acts.
/// </summary>
internal sealed class TransitionCommitter : IAsyncDisposable
{
    private readonly Channel<TransitionWrite> _queue = Channel.CreateUnbounded<TransitionWrite>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Func<IReadOnlyList<TransitionWrite>, Task<IReadOnlySet<long>>> _writeGroup;
    private readonly Func<TransitionWrite, Task> _writeAlone;
    private readonly Func<TransitionWrite, Task<Exception>> _whyRefused;
    private readonly int _maxGroup;
    private readonly Task[] _writers;
    private long _groups;
    private long _grouped;

    /// <param name="writeGroup">Writes the group in one transaction; answers the ids of the rows it updated.</param>
    /// <param name="writeAlone">Writes one transition in its own transaction and completes it (the fallback when a group fails).</param>
    /// <param name="whyRefused">The error for a row the group did not update (fenced out or changed).</param>
    /// <param name="writers">Transactions in flight at once: one builds while another waits for its commit.</param>
    public TransitionCommitter(Func<IReadOnlyList<TransitionWrite>, Task<IReadOnlySet<long>>> writeGroup, Func<TransitionWrite, Task> writeAlone,
        Func<TransitionWrite, Task<Exception>> whyRefused, int writers, int maxGroup)
    {
        _writeGroup = writeGroup;
        _writeAlone = writeAlone;
        _whyRefused = whyRefused;
        _maxGroup = maxGroup;
        _writers = Enumerable.Range(0, writers).Select(_ => Task.Run(WriteLoopAsync)).ToArray();
    }

    /// <summary>Group transactions written so far and the transitions they carried.</summary>
    public (long Groups, long Transitions) Counts => (Interlocked.Read(ref _groups), Interlocked.Read(ref _grouped));

    public async Task<DeploymentRecord> CommitAsync(TransitionWrite write, CancellationToken ct)
    {
        if (!_queue.Writer.TryWrite(write)) throw new ObjectDisposedException(nameof(DeploymentStore));
        return await write.Completion.WaitAsync(ct);
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<TransitionWrite>(_maxGroup);
        var ids = new HashSet<long>();
        var alone = new List<TransitionWrite>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            ids.Clear();
            alone.Clear();
            while (group.Count < _maxGroup && _queue.Reader.TryRead(out var write))
            {
                // Two writes of one row (a stale owner's and the new one's) never share a statement: each must see its own outcome.
                (ids.Add(write.Current.Id) ? group : alone).Add(write);
            }
            if (group.Count > 0) await CommitGroupAsync(group);
            foreach (var write in alone) await WriteAloneAsync(write);
        }
    }

    private async Task CommitGroupAsync(List<TransitionWrite> group)
    {
        IReadOnlySet<long> applied;
        try
        {
            applied = await _writeGroup(group);
            Interlocked.Increment(ref _groups);
            Interlocked.Add(ref _grouped, group.Count);
        }
        catch (Exception)
        {
            // Something other than a fence or version check (which only skip their row) broke the group's
            // transaction: write each on its own, so the error reaches only the transition that causes it.
            foreach (var write in group) await WriteAloneAsync(write);
            return;
        }
        foreach (var write in group)
        {
            if (applied.Contains(write.Current.Id))
            {
                write.Succeed();
                continue;
            }
            try
            {
                write.Fail(await _whyRefused(write));
            }
            catch (Exception error)
            {
                write.Fail(error);
            }
        }
    }

    private async Task WriteAloneAsync(TransitionWrite write)
    {
        try
        {
            await _writeAlone(write);
        }
        catch (Exception error)
        {
            write.Fail(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }
}
