using Sluice.Spec.V1;
using static Sluice.Store.Tests.StoreBuilders;

namespace Sluice.Store.Tests;

/// <summary>
/// PostgreSQL's batch of applies in two round trips (<see cref="SluiceStore.ReadForAppliesAsync"/>, then one autocommitted
/// <see cref="SluiceStore.WriteAppliesAsync"/>, which may read the next batch too): each apply is written whole while its
/// job is still as it was read, and not at all otherwise, whatever happened to the others of its batch.
/// </summary>
public sealed class PostgresApplyBatchTests(PostgresTestDatabase database) : IClassFixture<PostgresTestDatabase>
{
    private SluiceStore Store => database.Store;

    private static string NewNamespace() => "ns-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task A_batch_creates_and_updates_jobs_with_their_index_rows_and_audit_rows()
    {
        var ns = NewNamespace();
        var existing = await Store.CreateJobAsync(ns, "existing", Revision("sha256:1"));
        var snapshot = await Store.ReadForAppliesAsync(Keys((ns, "existing"), (ns, "fresh")));
        var head = snapshot.Jobs[(ns, "existing")];
        var topic = $"kafka://c/{ns}-out";

        var written = await Store.WriteAppliesAsync(
        [
            Update(0, head, Revision("sha256:2", labels: new Dictionary<string, string> { ["tier"] = "gold" }, writes: [topic])),
            Create(1, ns, "fresh", Revision("sha256:3", reads: [topic], fabrics: ["us-east-1a"])),
        ], [], T0);

        Assert.Equal(existing, written.JobIds[0]);
        var fresh = await Store.FindJobAsync(ns, "fresh", includeSpec: false);
        var updated = await Store.FindJobAsync(ns, "existing", includeSpec: false);
        Assert.Equal((fresh!.Id, 1L, "sha256:3"), (written.JobIds[1], fresh.Revision, fresh.SpecHash));
        Assert.Equal((2L, "sha256:2"), (updated!.Revision, updated.SpecHash));
        Assert.Equal(["existing"], (await Store.ListJobsAsync(new JobQuery { Namespace = ns, Labels = [new LabelRequirement("tier", LabelOperator.Equals, "gold")] })).Select(j => j.Name));
        Assert.Equal(["fresh"], (await Store.ListJobsAsync(new JobQuery { Namespace = ns, Fabric = "us-east-1a" })).Select(j => j.Name));
        var links = await Store.LinksOfDatasetsAsync([(await Store.FindDatasetAsync(topic))!.Id], null);
        Assert.Equal([("existing", DatasetDirection.Write), ("fresh", DatasetDirection.Read)], links.Select(l => (l.Name, l.Direction)).Order().ToList());
        var audit = await Store.ListAuditAsync(new AuditQuery { TargetPrefix = $"job/{ns}/", Actor = "batch" });
        Assert.Equal([(AuditAction.JobCreate, fresh.Id, 1L), (AuditAction.JobUpdate, existing, 2L)],
            audit.Select(a => (a.Action, a.JobId!.Value, a.AfterRevision!.Value)).Order().ToList());
    }

    [Fact]
    public async Task An_apply_whose_job_moved_after_the_read_is_left_out_whole_and_the_others_commit()
    {
        var ns = NewNamespace();
        var moved = await Store.CreateJobAsync(ns, "moved", Revision("sha256:1"));
        var snapshot = await Store.ReadForAppliesAsync(Keys((ns, "moved"), (ns, "raced"), (ns, "fresh")));
        // Between the read and the write: another writer moves one job's head and creates another job.
        await Store.UpdateJobAsync(moved, 1, Revision("sha256:other"));
        await Store.CreateJobAsync(ns, "raced", Revision("sha256:other"));
        var lostTopic = $"kafka://c/{ns}-lost";

        var written = await Store.WriteAppliesAsync(
        [
            Update(0, snapshot.Jobs[(ns, "moved")], Revision("sha256:2", writes: [lostTopic])),
            Create(1, ns, "raced", Revision("sha256:3", writes: [lostTopic])),
            Create(2, ns, "fresh", Revision("sha256:4")),
        ], [], T0);

        Assert.Equal([2], written.JobIds.Keys);
        Assert.Equal([2L, 1L], (await Store.ListRevisionsAsync(moved, null, 10, includeSpec: false)).Select(r => r.Revision));
        Assert.Equal("sha256:other", (await Store.FindJobAsync(ns, "raced", includeSpec: false))!.SpecHash);
        Assert.Null(await Store.FindDatasetAsync(lostTopic));
        var audit = await Store.ListAuditAsync(new AuditQuery { TargetPrefix = $"job/{ns}/" });
        Assert.Single(audit, a => a.Actor == "batch");
    }

    [Fact]
    public async Task A_suspended_or_deleted_job_keeps_its_revision_but_still_refuses_a_write_read_before()
    {
        var ns = NewNamespace();
        var jobId = await Store.CreateJobAsync(ns, "paused", Revision("sha256:1"));
        var snapshot = await Store.ReadForAppliesAsync(Keys((ns, "paused")));
        await Store.WriteAsync(tx => tx.SetDesiredStateAsync(jobId, 1, DesiredState.Suspended, T0, "ops"));

        var written = await Store.WriteAppliesAsync([Update(0, snapshot.Jobs[(ns, "paused")], Revision("sha256:2"))], [], T0);

        Assert.Empty(written.JobIds);
        var job = await Store.FindJobAsync(ns, "paused", includeSpec: false);
        Assert.Equal((1L, DesiredState.Suspended), (job!.Revision, job.DesiredState));
    }

    [Fact]
    public async Task An_unchanged_apply_records_its_audit_row_only_while_the_head_it_compared_is_live()
    {
        var ns = NewNamespace();
        var jobId = await Store.CreateJobAsync(ns, "steady", Revision("sha256:1"));

        Assert.Equal([0], (await Store.WriteAppliesAsync([], [Unchanged(0, jobId, 1, ns, "steady")], T0)).JobIds.Keys);
        await Store.UpdateJobAsync(jobId, 1, Revision("sha256:2"));
        Assert.Empty((await Store.WriteAppliesAsync([], [Unchanged(0, jobId, 1, ns, "steady")], T0)).JobIds);
        await Store.WriteAsync(tx => tx.SetDesiredStateAsync(jobId, 2, DesiredState.Deleted, T0, "ops"));
        Assert.Empty((await Store.WriteAppliesAsync([], [Unchanged(0, jobId, 2, ns, "steady")], T0)).JobIds);

        var audit = await Store.ListAuditAsync(new AuditQuery { JobId = jobId, Action = AuditAction.JobApplyUnchanged });
        Assert.Equal([1L], audit.Select(a => a.AfterRevision!.Value));
    }

    [Fact]
    public async Task A_dataset_added_by_a_transaction_that_commits_while_the_write_waits_is_linked()
    {
        // The other transaction adds the dataset and stays open; the batch's statement starts (its snapshot cannot see
        // the dataset), waits on the dataset's unique key, and finds it taken when the other commits. It must not commit
        // without the link: it fails as a whole, is retried, and then links the row the other transaction made.
        var ns = NewNamespace();
        var topic = $"kafka://race/{ns}";
        var (other, otherMayCommit) = await Store.HoldOpenJobWritingNewDatasetAsync(ns, "other", topic);
        var batch = Task.Run(() => Store.WriteAppliesAsync([Create(0, NewNamespace(), "batched", Revision("sha256:batched", reads: [topic]))], [], T0));
        await database.WaitForLockWaitAsync(batch);
        otherMayCommit.SetResult();
        await other;

        Assert.Equal([0], (await batch).JobIds.Keys);
        var links = await Store.LinksOfDatasetsAsync([(await Store.FindDatasetAsync(topic))!.Id], null);
        Assert.Equal([("batched", DatasetDirection.Read), ("other", DatasetDirection.Write)], links.Select(l => (l.Name, l.Direction)).Order().ToList());
    }

    [Fact]
    public async Task A_request_id_recorded_since_the_read_fails_the_whole_statement()
    {
        var ns = NewNamespace();
        var requestId = "req-" + ns;
        await Store.WriteAsync(tx => tx.AppendAuditAsync(Audit(AuditAction.JobCreate, ns, "first", null, "alice", T0, requestId)));

        var create = Create(0, ns, "second", Revision("sha256:1"));
        await Assert.ThrowsAsync<DuplicateKeyException>(() =>
            Store.WriteAppliesAsync([create with { Audit = create.Audit with { RequestId = requestId } }, Create(1, ns, "third", Revision("sha256:2"))], [], T0,
                next: Keys((ns, "fourth"))));

        Assert.Empty(await Store.ListJobsAsync(new JobQuery { Namespace = ns }));
    }

    [Fact]
    public async Task The_next_batch_is_read_in_the_same_round_trip_after_the_write_commits()
    {
        var ns = NewNamespace();
        var requestId = "req-" + ns;
        var create = Create(0, ns, "first", Revision("sha256:1"));

        var written = await Store.WriteAppliesAsync([create with { Audit = create.Audit with { RequestId = requestId } }], [], T0,
            next: new ApplyBatchKeys([(ns, "first"), (ns, "later")], [requestId, "req-unused-" + ns]));

        var next = Assert.IsType<ApplyBatchSnapshot>(written.Next);
        var first = Assert.Single(next.Jobs).Value;
        Assert.Equal((written.JobIds[0], "first", 1L, "sha256:1"), (first.Id, first.Name, first.Revision, first.SpecHash));
        Assert.Equal([requestId], next.RecordedRequestIds);
        Assert.Null((await Store.WriteAppliesAsync([Create(0, ns, "alone", Revision("sha256:2"))], [], T0)).Next);
    }

    private static ApplyBatchKeys Keys(params (string Namespace, string Name)[] jobs) => new(jobs, []);

    private static GuardedRevision Create(int index, string ns, string name, NewRevision content) =>
        new(index, null, ns, name, 0, null, 1, DesiredState.Running, content,
            new AuditEntry(T0, "batch", AuditAction.JobCreate, $"job/{ns}/{name}", null, null, null, 1, null, content.SpecHash, "test", null));

    private static GuardedRevision Update(int index, JobRecord job, NewRevision content) =>
        new(index, job.Id, job.Namespace, job.Name, job.Revision, job.DesiredState, job.Revision + 1, job.DesiredState, content,
            new AuditEntry(T0, "batch", AuditAction.JobUpdate, $"job/{job.Namespace}/{job.Name}", job.Id, null, job.Revision, job.Revision + 1,
                job.SpecHash, content.SpecHash, "test", null));

    private static GuardedAudit Unchanged(int index, long jobId, long revision, string ns, string name) =>
        new(index, jobId, revision, new AuditEntry(T0, "batch", AuditAction.JobApplyUnchanged, $"job/{ns}/{name}", jobId, null, revision, revision,
            "sha256:x", "sha256:x", "test", null));
}
