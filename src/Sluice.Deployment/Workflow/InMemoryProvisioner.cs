using System.Collections.Concurrent;
using Sluice.Store.Deployments;

namespace Sluice.Deployment.Workflow;

/// <summary>
/// A provider that keeps its resources in memory, with an optional latency per call: the benchmark's zero-latency
/// (or 50 ms) provider and the tests' way to count what was made. Idempotent on the request like a real one.
/// </summary>
public sealed class InMemoryProvisioner(ResourceKind kind, TimeSpan latency = default) : IResourceProvisioner
{
    private readonly ConcurrentDictionary<ResourceRequest, string> _live = new();
    private long _creations;
    private long _failuresLeft;

    public ResourceKind Kind => kind;

    /// <summary>Resources created (not found again) since the start.</summary>
    public long Creations => Interlocked.Read(ref _creations);

    public IReadOnlyCollection<ResourceRequest> Live => _live.Keys.ToList();

    /// <summary>Makes the next <paramref name="count"/> provision calls fail, as a flaky backend would.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    public async Task<string> ProvisionAsync(ResourceRequest request, CancellationToken ct = default)
    {
        if (latency > TimeSpan.Zero) await Task.Delay(latency, ct);
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new IOException($"{kind.ToKebab()} backend unavailable (injected failure)");
        }
        return _live.GetOrAdd(request, r =>
        {
            Interlocked.Increment(ref _creations);
            return $"{kind.ToKebab()}://{r.Fabric}/{r.Job}/{r.Name}";
        });
    }

    public async Task ReleaseAsync(ResourceRequest request, string externalId, CancellationToken ct = default)
    {
        if (latency > TimeSpan.Zero) await Task.Delay(latency, ct);
        _live.TryRemove(request, out _);
    }
}
