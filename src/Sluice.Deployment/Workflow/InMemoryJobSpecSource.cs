using System.Collections.Concurrent;
using Sluice.Spec.V1;

namespace Sluice.Deployment.Workflow;

/// <summary>
/// Job revisions held in memory: for the benchmark and tests, which seed jobs directly. The server reads revisions
/// from the metadata store instead.
/// </summary>
public sealed class InMemoryJobSpecSource : IJobSpecSource
{
    private readonly ConcurrentDictionary<string, List<JobSpec>> _revisions = new(StringComparer.Ordinal);

    /// <summary>Stores the spec as the job's next revision; answers its number.</summary>
    public long Apply(JobSpec spec)
    {
        var revisions = _revisions.GetOrAdd($"{spec.Namespace}/{spec.Name}", _ => []);
        lock (revisions)
        {
            revisions.Add(spec.Clone());
            return revisions.Count;
        }
    }

    public Task<(long Revision, JobSpec Spec)?> GetHeadAsync(string job, CancellationToken ct = default)
    {
        if (!_revisions.TryGetValue(job, out var revisions)) return Task.FromResult<(long, JobSpec)?>(null);
        lock (revisions)
        {
            return Task.FromResult<(long, JobSpec)?>((revisions.Count, revisions[^1]));
        }
    }

    public Task<JobSpec?> GetRevisionAsync(string job, long revision, CancellationToken ct = default)
    {
        if (!_revisions.TryGetValue(job, out var revisions)) return Task.FromResult<JobSpec?>(null);
        lock (revisions)
        {
            return Task.FromResult(revision >= 1 && revision <= revisions.Count ? revisions[(int)revision - 1] : null);
        }
    }
}
