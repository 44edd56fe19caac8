using System.Collections.Concurrent;
using Sluice.Spec;
using Sluice.Spec.V1;
using Sluice.Store;

namespace Sluice.Deployment.Workflow;

/// <summary>Job revisions from the metadata store. Revisions are immutable, so each is read from the database once.</summary>
public sealed class StoreJobSpecSource(SluiceStore store) : IJobSpecSource
{
    private readonly ConcurrentDictionary<(string Job, long Revision), JobSpec> _revisions = new();

    public async Task<(long Revision, JobSpec Spec)?> GetHeadAsync(string job, CancellationToken ct = default)
    {
        var (ns, name) = Split(job);
        var record = await store.FindJobAsync(ns, name, includeSpec: true, ct);
        if (record is null || record.DesiredState == DesiredState.Deleted || record.CanonicalSpec is null) return null;
        var spec = _revisions.GetOrAdd((job, record.Revision), _ => CanonicalSpec.FromCanonicalJson(record.CanonicalSpec));
        return (record.Revision, spec);
    }

    public async Task<JobSpec?> GetRevisionAsync(string job, long revision, CancellationToken ct = default)
    {
        if (_revisions.TryGetValue((job, revision), out var cached)) return cached;
        var (ns, name) = Split(job);
        if (await store.FindJobIdAsync(ns, name, ct) is not { } jobId) return null;
        if (await store.FindRevisionAsync(jobId, revision, ct) is not { CanonicalSpec: { } json }) return null;
        return _revisions.GetOrAdd((job, revision), _ => CanonicalSpec.FromCanonicalJson(json));
    }

    private static (string Namespace, string Name) Split(string job)
    {
        var slash = job.IndexOf('/');
        return slash > 0 ? (job[..slash], job[(slash + 1)..]) : throw new ArgumentException($"job: expected namespace/name, got '{job}'");
    }
}
