using Sluice.Spec.V1;

namespace Sluice.Store.Tests;

/// <summary>Revisions and audit rows for store-level tests (the store never parses specs, so any JSON text will do).</summary>
internal static class StoreBuilders
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public static NewRevision Revision(string hash, IReadOnlyDictionary<string, string>? labels = null, string[]? reads = null,
        string[]? writes = null, string[]? fabrics = null, Runtime runtime = Runtime.Flink, bool stateful = false) =>
        new(hash, $"{{\"hash\":\"{hash}\"}}", SourceKind.Spec, null, runtime, stateful,
            labels ?? new Dictionary<string, string>(), fabrics ?? [],
            (reads ?? []).Select(u => new DatasetLink(Dataset(u), DatasetDirection.Read))
            .Concat((writes ?? []).Select(u => new DatasetLink(Dataset(u), DatasetDirection.Write))).ToList());

    public static DatasetRef Dataset(string uri)
    {
        var parts = uri.Split("://", 2);
        var rest = parts[1].Split('/', 2);
        return new DatasetRef(uri, parts[0], rest[0], rest[1]);
    }

    /// <summary>Creates a job at revision 1 the way the Metadata service does, in one transaction.</summary>
    public static Task<long> CreateJobAsync(this SluiceStore store, string ns, string name, NewRevision revision, string actor = "alice") =>
        store.WriteAsync(async tx =>
        {
            var jobId = await tx.InsertJobAsync(ns, name, DesiredState.Running, T0, actor);
            var revisionId = await tx.InsertRevisionAsync(jobId, 1, revision, actor, T0, null);
            await tx.SetHeadAsync(jobId, 0, 1, revisionId, DesiredState.Running, T0, actor);
            await tx.AppendAuditAsync(Audit(AuditAction.JobCreate, ns, name, jobId, actor, T0));
            return jobId;
        });

    /// <summary>
    /// Starts a transaction that creates job <paramref name="name"/> writing <paramref name="topic"/> (a dataset new to the
    /// catalog) and keeps it open: returns once its rows are in, with the transaction and the switch that lets it commit.
    /// For tests of a write that must wait on that dataset's unique key.
    /// </summary>
    public static async Task<(Task Transaction, TaskCompletionSource MayCommit)> HoldOpenJobWritingNewDatasetAsync(this SluiceStore store,
        string ns, string name, string topic)
    {
        var inserted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mayCommit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var transaction = Task.Run(() => store.WriteAsync(async tx =>
        {
            var jobId = await tx.InsertJobAsync(ns, name, DesiredState.Running, T0, "alice");
            var revisionId = await tx.InsertRevisionAsync(jobId, 1, Revision($"sha256:{name}", writes: [topic]), "alice", T0, null);
            await tx.SetHeadAsync(jobId, 0, 1, revisionId, DesiredState.Running, T0, "alice");
            inserted.TrySetResult();
            await mayCommit.Task;
        }));
        // A transaction that fails before its rows are in surfaces here rather than leaving the test waiting.
        await Task.WhenAny(inserted.Task, transaction);
        if (transaction.IsCompleted) await transaction;
        return (transaction, mayCommit);
    }

    public static Task UpdateJobAsync(this SluiceStore store, long jobId, long from, NewRevision revision, string actor = "alice") =>
        store.WriteAsync(async tx =>
        {
            var revisionId = await tx.InsertRevisionAsync(jobId, from + 1, revision, actor, T0, null);
            await tx.SetHeadAsync(jobId, from, from + 1, revisionId, DesiredState.Running, T0, actor);
            return true;
        });

    public static AuditEntry Audit(AuditAction action, string ns, string name, long? jobId, string actor, DateTimeOffset at, string? requestId = null) =>
        new(at, actor, action, $"job/{ns}/{name}", jobId, requestId, null, 1, null, "sha256:x", "test", null);
}
