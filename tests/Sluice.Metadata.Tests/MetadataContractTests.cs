using Google.Protobuf.WellKnownTypes;
using Sluice.Spec;
using Sluice.Spec.V1;
using Sluice.Store.Tests;
using static Sluice.Metadata.Tests.Specs;

namespace Sluice.Metadata.Tests;

/// <summary>
/// The Metadata commands against each real database: versioning, optimistic concurrency, idempotency, audit,
/// listing, lineage. Every test works in its own namespace.
/// </summary>
public abstract class MetadataContractTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : TestDatabase
{
    private static readonly CallerContext Alice = new("alice@example.com", "test/1");
    private static readonly CallerContext Bob = new("bob@example.com", "test/1");

    private readonly MetadataCommands _commands = new(database.Store);
    private readonly string _ns = "ns-" + Guid.NewGuid().ToString("N")[..10];

    private string Topic(string name) => $"kafka://tracking/{_ns}-{name}";

    private Task<ApplyJobResponse> ApplyAsync(JobSpec spec, long? expected = null, string requestId = "", CallerContext? caller = null) =>
        _commands.ApplyJobAsync(Apply(spec, expected, requestId), caller ?? Alice);

    private async Task<List<JobRevision>> HistoryAsync(string name) =>
        (await _commands.ListJobRevisionsAsync(new ListJobRevisionsRequest { Namespace = _ns, Name = name, PageSize = 1000 }, Alice)).Revisions.ToList();

    private async Task<List<AuditEvent>> AuditAsync(string name) =>
        (await _commands.ListAuditEventsAsync(new ListAuditEventsRequest { Namespace = _ns, Name = name, PageSize = 1000 }, Alice)).Events.ToList();

    // ---- apply ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Creating_a_job_stores_revision_one_with_its_canonical_spec_and_an_audit_row()
    {
        var spec = Job(_ns, "sessions", reads: [Topic("views")], writes: [Topic("sessions")]);

        var applied = await ApplyAsync(spec);

        Assert.Equal((ApplyOutcome.Created, 1L, CanonicalSpec.Hash(spec)), (applied.Outcome, applied.Revision, applied.SpecHash));
        var job = await _commands.GetJobAsync(new GetJobRequest { Namespace = _ns, Name = "sessions" }, Bob);
        Assert.Equal(spec, job.Spec);
        Assert.Equal((1L, DesiredState.Running, "alice@example.com", SourceKind.Spec), (job.Revision, job.DesiredState, job.CreatedBy, job.SourceKind));
        var revision = Assert.Single(await HistoryAsync("sessions"));
        Assert.Equal(("alice@example.com", CanonicalSpec.Hash(spec)), (revision.Author, revision.SpecHash));
        var audit = Assert.Single(await AuditAsync("sessions"));
        Assert.Equal((AuditAction.JobCreate, "alice@example.com", "test/1", $"job/{_ns}/sessions", 1L, CanonicalSpec.Hash(spec)),
            (audit.Action, audit.Actor, audit.Client, audit.Target, audit.AfterRevision, audit.AfterHash));
    }

    [Fact]
    public async Task Applying_an_unchanged_spec_makes_no_revision_and_says_so()
    {
        await ApplyAsync(Job(_ns, "steady"));
        var reordered = Job(_ns, "steady");

        var again = await ApplyAsync(reordered, caller: Bob);

        Assert.Equal((ApplyOutcome.Unchanged, 1L, 1L), (again.Outcome, again.Revision, again.PreviousRevision));
        Assert.Single(await HistoryAsync("steady"));
        Assert.Equal([AuditAction.JobApplyUnchanged, AuditAction.JobCreate], (await AuditAsync("steady")).Select(a => a.Action));
    }

    [Fact]
    public async Task An_update_makes_the_next_revision_and_the_diff_names_each_changed_field()
    {
        await ApplyAsync(Job(_ns, "scaled", parallelism: 4, labels: new Dictionary<string, string> { ["team"] = "growth" }));
        var changed = Job(_ns, "scaled", parallelism: 8, writes: [Topic("out")], labels: new Dictionary<string, string> { ["tier"] = "gold" });

        var updated = await ApplyAsync(changed, expected: 1, caller: Bob);

        Assert.Equal((ApplyOutcome.Updated, 2L, 1L), (updated.Outcome, updated.Revision, updated.PreviousRevision));
        var diff = await _commands.DiffJobRevisionsAsync(new DiffJobRevisionsRequest { Namespace = _ns, Name = "scaled", FromRevision = 1 }, Alice);
        Assert.Equal(2L, diff.ToRevision);
        var changes = diff.Changes.ToDictionary(c => c.Path);
        Assert.Equal((FieldChange.Types.Kind.Changed, "4", "8"), (changes["resources.parallelism"].Kind, changes["resources.parallelism"].OldValue, changes["resources.parallelism"].NewValue));
        Assert.Equal(FieldChange.Types.Kind.Removed, changes["labels[\"team\"]"].Kind);
        Assert.Equal((FieldChange.Types.Kind.Added, "\"gold\""), (changes["labels[\"tier\"]"].Kind, changes["labels[\"tier\"]"].NewValue));
        Assert.Equal((FieldChange.Types.Kind.Added, $"\"{_ns}-out\""), (changes["sinks[0].name"].Kind, changes["sinks[0].name"].NewValue));
        // parallelism, two labels, and the new sink's system, cluster, name and format.
        Assert.Equal(7, diff.Changes.Count);
    }

    [Fact]
    public async Task A_stale_expected_revision_is_refused_and_writes_nothing()
    {
        await ApplyAsync(Job(_ns, "contended", parallelism: 1));
        await ApplyAsync(Job(_ns, "contended", parallelism: 2), expected: 1);

        var conflict = await Assert.ThrowsAsync<ConflictException>(() => ApplyAsync(Job(_ns, "contended", parallelism: 3, writes: [Topic("lost")]), expected: 1));

        Assert.Equal(2L, conflict.CurrentRevision);
        Assert.Contains("at revision 2", conflict.Message);
        Assert.Equal(2, (await HistoryAsync("contended")).Count);
        Assert.Equal(2, (await AuditAsync("contended")).Count);
        await Assert.ThrowsAsync<NotFoundException>(() => _commands.GetDatasetLineageAsync(new GetDatasetLineageRequest { Uri = Topic("lost") }, Alice));
    }

    [Fact]
    public async Task Expected_revision_zero_means_the_job_must_not_exist_yet()
    {
        await ApplyAsync(Job(_ns, "fresh"), expected: 0);

        var conflict = await Assert.ThrowsAsync<ConflictException>(() => ApplyAsync(Job(_ns, "fresh", parallelism: 9), expected: 0));
        Assert.Equal(1L, conflict.CurrentRevision);
    }

    [Fact]
    public async Task A_retry_with_the_same_request_id_answers_the_first_result_and_changes_nothing()
    {
        var requestId = "req-" + _ns;
        var first = await ApplyAsync(Job(_ns, "retried", parallelism: 2), requestId: requestId);
        await ApplyAsync(Job(_ns, "retried", parallelism: 3));

        var retry = await ApplyAsync(Job(_ns, "retried", parallelism: 2), requestId: requestId);

        Assert.True(retry.Replayed);
        Assert.Equal((first.Outcome, first.Revision, first.SpecHash), (retry.Outcome, retry.Revision, retry.SpecHash));
        Assert.Equal(2, (await HistoryAsync("retried")).Count);
        var reused = await Assert.ThrowsAsync<ConflictException>(() => ApplyAsync(Job(_ns, "retried", parallelism: 7), requestId: requestId));
        Assert.Contains(requestId, reused.Message);
    }

    [Fact]
    public async Task A_request_id_used_for_another_job_is_refused_and_creates_nothing()
    {
        var requestId = "reused-" + _ns;
        await ApplyAsync(Job(_ns, "first-use"), requestId: requestId);

        var reused = await Assert.ThrowsAsync<ConflictException>(() => ApplyAsync(Job(_ns, "second-use"), requestId: requestId));

        Assert.Contains(requestId, reused.Message);
        await Assert.ThrowsAsync<NotFoundException>(() => _commands.GetJobAsync(new GetJobRequest { Namespace = _ns, Name = "second-use" }, Alice));
        Assert.Single(await AuditAsync("first-use"));
    }

    [Fact]
    public async Task A_retry_of_a_successful_apply_with_an_expected_revision_is_replayed_not_refused()
    {
        await ApplyAsync(Job(_ns, "guarded-retry", parallelism: 1));
        var requestId = "guarded-" + _ns;
        var first = await ApplyAsync(Job(_ns, "guarded-retry", parallelism: 2), expected: 1, requestId: requestId);

        // The job is now at revision 2, so expected_revision 1 is stale: the request id says this is the same request.
        var retry = await ApplyAsync(Job(_ns, "guarded-retry", parallelism: 2), expected: 1, requestId: requestId);

        Assert.True(retry.Replayed);
        Assert.Equal((ApplyOutcome.Updated, 2L), (retry.Outcome, retry.Revision));
        Assert.Equal(first.SpecHash, retry.SpecHash);
        Assert.Equal(2, (await HistoryAsync("guarded-retry")).Count);
    }

    [Fact]
    public async Task A_dry_run_answers_the_outcome_and_writes_nothing()
    {
        var create = Apply(Job(_ns, "dry", writes: [Topic("dry-out")]));
        create.DryRun = true;
        var wouldCreate = await _commands.ApplyJobAsync(create, Alice);
        Assert.Equal((ApplyOutcome.Created, 1L), (wouldCreate.Outcome, wouldCreate.Revision));
        await Assert.ThrowsAsync<NotFoundException>(() => _commands.GetJobAsync(new GetJobRequest { Namespace = _ns, Name = "dry" }, Alice));
        await Assert.ThrowsAsync<NotFoundException>(() => _commands.GetDatasetLineageAsync(new GetDatasetLineageRequest { Uri = Topic("dry-out") }, Alice));

        await ApplyAsync(Job(_ns, "dry"));
        var update = Apply(Job(_ns, "dry", parallelism: 12), expectedRevision: 1);
        update.DryRun = true;
        var wouldUpdate = await _commands.ApplyJobAsync(update, Alice);
        Assert.Equal((ApplyOutcome.Updated, 2L), (wouldUpdate.Outcome, wouldUpdate.Revision));
        update.ExpectedRevision = 5;
        await Assert.ThrowsAsync<ConflictException>(() => _commands.ApplyJobAsync(update, Alice));
        Assert.Single(await HistoryAsync("dry"));
        Assert.Single(await AuditAsync("dry"));
    }

    [Fact]
    public async Task History_pages_newest_first_and_revisions_carry_their_spec()
    {
        for (var p = 1; p <= 5; p++) await ApplyAsync(Job(_ns, "paged-history", parallelism: p));

        var first = await _commands.ListJobRevisionsAsync(new ListJobRevisionsRequest { Namespace = _ns, Name = "paged-history", PageSize = 2 }, Alice);
        var rest = await _commands.ListJobRevisionsAsync(new ListJobRevisionsRequest
        {
            Namespace = _ns, Name = "paged-history", PageSize = 10, PageToken = first.NextPageToken, IncludeSpec = true,
        }, Alice);

        Assert.Equal([5L, 4L], first.Revisions.Select(r => r.Revision));
        Assert.Null(first.Revisions[0].Spec);
        Assert.Equal([3L, 2L, 1L], rest.Revisions.Select(r => r.Revision));
        Assert.Equal([3, 2, 1], rest.Revisions.Select(r => r.Spec.Resources.Parallelism));
        Assert.Equal("", rest.NextPageToken);
    }

    [Fact]
    public async Task Concurrent_retries_of_one_request_store_it_once()
    {
        var requestId = "burst-" + _ns;
        var spec = Job(_ns, "burst");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => ApplyAsync(spec, requestId: requestId))));

        Assert.Equal(1, results.Count(r => !r.Replayed));
        Assert.All(results, r => Assert.Equal((ApplyOutcome.Created, 1L), (r.Outcome, r.Revision)));
        Assert.Single(await HistoryAsync("burst"));
        Assert.Single(await AuditAsync("burst"));
    }

    [Fact]
    public async Task Many_clients_with_stale_revisions_lose_no_update()
    {
        await ApplyAsync(Job(_ns, "hot", parallelism: 1));
        var accepted = new System.Collections.Concurrent.ConcurrentBag<(long Read, ApplyJobResponse Response)>();
        var refused = 0;
        // Every round, all clients read before any of them writes: contention is certain, not left to scheduling.
        var allHaveRead = new AsyncBarrier(10);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(client => Task.Run(async () =>
        {
            for (var attempt = 0; attempt < 6; attempt++)
            {
                var read = await _commands.GetJobAsync(new GetJobRequest { Namespace = _ns, Name = "hot" }, Alice);
                await allHaveRead.SignalAndWaitAsync();
                var spec = read.Spec.Clone();
                spec.Labels["writer"] = $"c{client}-a{attempt}";
                try
                {
                    accepted.Add((read.Revision, await ApplyAsync(spec, expected: read.Revision, caller: new CallerContext($"client-{client}", "test"))));
                }
                catch (ConflictException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })));

        var history = await HistoryAsync("hot");
        // Every accepted apply made exactly one revision, on top of the revision its client read (no update it did
        // not see was overwritten); every other one was refused.
        Assert.Equal(accepted.Count + 1, history.Count);
        Assert.Equal(60, accepted.Count + refused);
        Assert.True(refused >= 9, "in the first round nine of ten clients wrote from a stale read and must be refused");
        Assert.Equal(Enumerable.Range(1, history.Count).Reverse().Select(i => (long)i), history.Select(r => r.Revision));
        var byRevision = history.ToDictionary(r => r.Revision, r => r.SpecHash);
        Assert.All(accepted, a =>
        {
            Assert.Equal(a.Read, a.Response.PreviousRevision);
            Assert.Equal(a.Read + 1, a.Response.Revision);
            Assert.Equal(byRevision[a.Response.Revision], a.Response.SpecHash);
        });
        Assert.Equal(accepted.Count + 1, (await AuditAsync("hot")).Count);
    }

    [Fact]
    public async Task Concurrent_applies_sharing_transactions_each_keep_the_outcome_they_would_have_alone()
    {
        // One group-commit drain at a time, and the first batch of the burst held until the rest has queued behind it,
        // so the rest shares transactions whatever the scheduler does.
        var commands = new MetadataCommands(database.Store, new MetadataOptions { ApplyBatchConcurrency = 1 });
        Task<ApplyJobResponse> Send(JobSpec spec, long? expected = null, string requestId = "") =>
            commands.ApplyJobAsync(Apply(spec, expected, requestId), Bob);
        for (var i = 0; i < 5; i++)
        {
            await Send(Job(_ns, $"update-{i}", writes: [Topic($"out-{i}")]));
            await Send(Job(_ns, $"stale-{i}"));
            await Send(Job(_ns, $"same-{i}"));
        }
        var start = new AsyncBarrier(33);
        async Task<object> When(Func<Task<ApplyJobResponse>> apply)
        {
            await start.SignalAndWaitAsync();
            try
            {
                return await apply();
            }
            catch (MetadataException refused)
            {
                return refused;
            }
        }

        var burstQueued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstBatch = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        commands.BeforeApplyBatch = size =>
        {
            firstBatch.TrySetResult(size);
            return burstQueued.Task;
        };

        var created = Enumerable.Range(0, 10).Select(i => Task.Run(() => When(() => Send(Job(_ns, $"new-{i}", reads: [Topic("shared")]))))).ToList();
        var updated = Enumerable.Range(0, 5).Select(i => Task.Run(() => When(() => Send(Job(_ns, $"update-{i}", writes: [Topic($"out-{i}"), Topic("more")]), expected: 1)))).ToList();
        var stale = Enumerable.Range(0, 5).Select(i => Task.Run(() => When(() => Send(Job(_ns, $"stale-{i}", parallelism: 2), expected: 7)))).ToList();
        var unchanged = Enumerable.Range(0, 5).Select(i => Task.Run(() => When(() => Send(Job(_ns, $"same-{i}"))))).ToList();
        var twice = Enumerable.Range(0, 4).Select(i => Task.Run(() => When(() => Send(Job(_ns, "twice", parallelism: i + 1))))).ToList();
        var retried = Enumerable.Range(0, 4).Select(_ => Task.Run(() => When(() => Send(Job(_ns, "retried"), requestId: "retry-" + _ns)))).ToList();
        // 33 calls: the first drain takes what has arrived and waits at the seam; the others queue behind it.
        var heldBack = await firstBatch.Task;
        while (commands.QueuedApplies < 33 - heldBack) await Task.Delay(5);
        burstQueued.SetResult();
        await Task.WhenAll(created.Concat(updated).Concat(stale).Concat(unchanged).Concat(twice).Concat(retried));

        Assert.True(commands.AppliesWrittenTogether > 1, "the burst should have shared transactions");
        Assert.All(created, t => Assert.Equal((ApplyOutcome.Created, 1L), (((ApplyJobResponse)t.Result).Outcome, ((ApplyJobResponse)t.Result).Revision)));
        Assert.All(updated, t => Assert.Equal((ApplyOutcome.Updated, 1L, 2L),
            (((ApplyJobResponse)t.Result).Outcome, ((ApplyJobResponse)t.Result).PreviousRevision, ((ApplyJobResponse)t.Result).Revision)));
        Assert.All(stale, t => Assert.Contains("expected revision 7", Assert.IsType<ConflictException>(t.Result).Message));
        Assert.All(unchanged, t => Assert.Equal((ApplyOutcome.Unchanged, 1L), (((ApplyJobResponse)t.Result).Outcome, ((ApplyJobResponse)t.Result).Revision)));
        Assert.Equal([1L, 2L, 3L, 4L], twice.Select(t => ((ApplyJobResponse)t.Result).Revision).Order());
        Assert.Equal(1, retried.Count(t => !((ApplyJobResponse)t.Result).Replayed));
        Assert.All(retried, t => Assert.Equal(1L, ((ApplyJobResponse)t.Result).Revision));

        // What is stored agrees with the answers: revisions, audit rows and lineage rows, nothing for the refused.
        Assert.Equal(10, (await commands.GetDatasetLineageAsync(new GetDatasetLineageRequest { Uri = Topic("shared") }, Alice)).Readers.Count);
        Assert.Equal(5, (await commands.GetDatasetLineageAsync(new GetDatasetLineageRequest { Uri = Topic("more") }, Alice)).Writers.Count);
        Assert.Equal(4, (await HistoryAsync("twice")).Count);
        Assert.Equal(4, (await AuditAsync("twice")).Count);
        Assert.Single(await HistoryAsync("retried"));
        Assert.Single(await AuditAsync("retried"));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(2, (await HistoryAsync($"update-{i}")).Count);
            Assert.Single(await HistoryAsync($"stale-{i}"));
            Assert.Single(await AuditAsync($"stale-{i}"));
            Assert.Single(await HistoryAsync($"same-{i}"));
            Assert.Equal([AuditAction.JobApplyUnchanged, AuditAction.JobCreate], (await AuditAsync($"same-{i}")).Select(a => a.Action));
        }
    }

    // ---- validation -----------------------------------------------------------------------------------------

    [Fact]
    public async Task An_invalid_spec_text_is_refused_with_line_and_column_and_nothing_is_written()
    {
        var yaml = $"""
            name: broken
            namespace: {_ns}
            runtime: flink
            artifact:
              jar:
                uri: s3://a/b.jar
                entryClass: com.example.Job
            sources:
              - system: kafak
                cluster: tracking
                name: views
            resources:
              parallelism: 4
            """;

        var error = await Assert.ThrowsAsync<SpecValidationException>(() => _commands.ApplyJobAsync(ApplyText(yaml), Alice));

        var violation = Assert.Single(error.Violations);
        Assert.Equal(("sources[0].system", 9), (violation.Path, violation.Line));
        Assert.True(violation.Column > 0);
        Assert.Contains("kafka", violation.Message);
        Assert.Empty((await _commands.ListJobsAsync(new ListJobsRequest { Namespace = _ns, IncludeDeleted = true }, Alice)).Jobs);
    }

    [Fact]
    public async Task Name_and_namespace_may_come_from_the_request_but_must_agree_with_the_spec()
    {
        var yaml = """
            runtime: flink
            artifact:
              jar: {uri: "s3://a/b.jar", entryClass: com.example.Job}
            sources:
              - {system: kafka, cluster: tracking, name: views}
            """;
        var request = ApplyText(yaml);
        request.Namespace = _ns;
        request.Name = "from-request";

        var applied = await _commands.ApplyJobAsync(request, Alice);

        Assert.Equal(("from-request", _ns), (applied.Job.Name, applied.Job.Namespace));
        var revision = Assert.Single(await HistoryAsync("from-request"));
        Assert.Equal(SourceKind.Spec, revision.SourceKind);
        var stored = await _commands.GetJobRevisionAsync(new GetJobRevisionRequest { Namespace = _ns, Name = "from-request", Revision = 1 }, Alice);
        Assert.Equal(yaml, stored.SourceText);

        var mismatch = Apply(Job(_ns, "one"));
        mismatch.Name = "other";
        var error = await Assert.ThrowsAsync<SpecValidationException>(() => _commands.ApplyJobAsync(mismatch, Alice));
        Assert.Equal("name", Assert.Single(error.Violations).Path);
    }

    [Fact]
    public async Task Sql_sources_go_through_the_translator_hook_and_are_refused_without_one()
    {
        var sql = "INSERT INTO sink SELECT * FROM views";
        var request = new ApplyJobRequest
        {
            Source = new SpecSource { Kind = SourceKind.FlinkSql, Text = sql, FileName = "job.sql" }, Namespace = _ns, Name = "sql-job",
        };

        var refused = await Assert.ThrowsAsync<SpecValidationException>(() => _commands.ApplyJobAsync(request, Alice));
        Assert.Equal("source.kind", Assert.Single(refused.Violations).Path);

        var withTranslator = new MetadataCommands(database.Store, new MetadataOptions { SqlTranslator = new FixedTranslator(Topic("sql-in")) });
        var applied = await withTranslator.ApplyJobAsync(request, Alice);
        Assert.Equal(SourceKind.FlinkSql, applied.Job.SourceKind);
        var revision = await withTranslator.GetJobRevisionAsync(new GetJobRevisionRequest { Namespace = _ns, Name = "sql-job", Revision = 1 }, Alice);
        Assert.Equal((SourceKind.FlinkSql, sql), (revision.SourceKind, revision.SourceText));
        Assert.Equal(["sql-job"], (await _commands.ListJobsAsync(new ListJobsRequest { ReadsDataset = Topic("sql-in") }, Alice)).Jobs.Select(j => j.Name));
    }

    /// <summary>Stands in for Sluice.Sql: answers a spec without name or namespace, as SQL has none.</summary>
    private sealed class FixedTranslator(string readsUri) : ISpecSourceTranslator
    {
        public LoadResult<JobSpec> Translate(SourceKind kind, string text, string sourceName)
        {
            var spec = Job("", "", reads: [readsUri]);
            spec.Artifact = new Artifact { Sql = new SqlArtifact { Dialect = SqlDialect.FlinkSql, Script = text } };
            return new LoadResult<JobSpec>(spec, [], sourceName);
        }
    }

    // ---- desired state, delete ------------------------------------------------------------------------------

    [Fact]
    public async Task Suspend_resume_and_delete_change_desired_state_with_audit_and_keep_history()
    {
        await ApplyAsync(Job(_ns, "lifecycle", reads: [Topic("life")]));
        var state = new ChangeJobStateRequest { Namespace = _ns, Name = "lifecycle", Reason = "maintenance" };

        Assert.True((await _commands.SuspendJobAsync(state, Bob)).Changed);
        Assert.False((await _commands.SuspendJobAsync(state, Bob)).Changed);
        var updatedWhileSuspended = await ApplyAsync(Job(_ns, "lifecycle", reads: [Topic("life")], parallelism: 6));
        Assert.Equal(DesiredState.Suspended, updatedWhileSuspended.Job.DesiredState);
        Assert.Equal(DesiredState.Running, (await _commands.ResumeJobAsync(state, Bob)).Job.DesiredState);
        var deleted = await _commands.DeleteJobAsync(state, Bob);
        Assert.Equal(DesiredState.Deleted, deleted.Job.DesiredState);

        await Assert.ThrowsAsync<NotFoundException>(() => _commands.GetJobAsync(new GetJobRequest { Namespace = _ns, Name = "lifecycle" }, Alice));
        Assert.Equal(DesiredState.Deleted, (await _commands.GetJobAsync(new GetJobRequest { Namespace = _ns, Name = "lifecycle", IncludeDeleted = true }, Alice)).DesiredState);
        Assert.Empty((await _commands.ListJobsAsync(new ListJobsRequest { Namespace = _ns }, Alice)).Jobs);
        Assert.Empty((await _commands.GetDatasetLineageAsync(new GetDatasetLineageRequest { Uri = Topic("life") }, Alice)).Readers);
        await Assert.ThrowsAsync<NotFoundException>(() => _commands.SuspendJobAsync(state, Bob));
        Assert.Equal(2, (await HistoryAsync("lifecycle")).Count);
        var audit = await AuditAsync("lifecycle");
        Assert.Equal([AuditAction.JobDelete, AuditAction.JobResume, AuditAction.JobUpdate, AuditAction.JobSuspend, AuditAction.JobCreate], audit.Select(a => a.Action));
        Assert.Equal(("bob@example.com", "maintenance"), (audit[0].Actor, audit[0].Reason));

        var recreated = await ApplyAsync(Job(_ns, "lifecycle"));
        Assert.Equal((ApplyOutcome.Created, 3L, DesiredState.Running), (recreated.Outcome, recreated.Revision, recreated.Job.DesiredState));
    }

    [Fact]
    public async Task State_changes_check_the_expected_revision_and_replay_by_request_id()
    {
        await ApplyAsync(Job(_ns, "checked"));
        await ApplyAsync(Job(_ns, "checked", parallelism: 2));
        var stale = new ChangeJobStateRequest { Namespace = _ns, Name = "checked", ExpectedRevision = 1 };
        await Assert.ThrowsAsync<ConflictException>(() => _commands.SuspendJobAsync(stale, Alice));

        var once = new ChangeJobStateRequest { Namespace = _ns, Name = "checked", ExpectedRevision = 2, RequestId = "suspend-" + _ns };
        Assert.False((await _commands.SuspendJobAsync(once, Alice)).Replayed);
        await _commands.ResumeJobAsync(new ChangeJobStateRequest { Namespace = _ns, Name = "checked" }, Alice);
        var replay = await _commands.SuspendJobAsync(once, Alice);

        Assert.True(replay.Replayed);
        Assert.Equal(DesiredState.Running, replay.Job.DesiredState);
        await Assert.ThrowsAsync<ConflictException>(() => _commands.DeleteJobAsync(once, Alice));
    }

    // ---- list -----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Lists_filter_by_selector_runtime_statefulness_fabric_and_datasets()
    {
        var stateful = Job(_ns, "stateful", reads: [Topic("a")], labels: new Dictionary<string, string> { ["team"] = "ads", ["tier"] = "gold" });
        stateful.State = new State { Stateful = true };
        stateful.Placement = new Placement { Fabrics = { "us-east-1a" } };
        var samza = Job(_ns, "samza", reads: [Topic("b")], writes: [Topic("a")], labels: new Dictionary<string, string> { ["team"] = "ads" });
        samza.Runtime = Runtime.Samza;
        await ApplyAsync(stateful);
        await ApplyAsync(samza);

        async Task<string[]> Names(ListJobsRequest request)
        {
            request.Namespace = _ns;
            return (await _commands.ListJobsAsync(request, Alice)).Jobs.Select(j => j.Name).ToArray();
        }

        Assert.Equal(["samza", "stateful"], await Names(new ListJobsRequest { LabelSelector = "team=ads" }));
        Assert.Equal(["samza"], await Names(new ListJobsRequest { LabelSelector = "team==ads, tier!=gold" }));
        Assert.Equal(["samza"], await Names(new ListJobsRequest { LabelSelector = "!tier" }));
        Assert.Equal(["stateful"], await Names(new ListJobsRequest { LabelSelector = "tier" }));
        Assert.Equal(["samza"], await Names(new ListJobsRequest { Runtime = Runtime.Samza }));
        Assert.Equal(["stateful"], await Names(new ListJobsRequest { Stateful = true }));
        Assert.Equal(["samza"], await Names(new ListJobsRequest { Stateful = false }));
        Assert.Equal(["stateful"], await Names(new ListJobsRequest { Fabric = "us-east-1a" }));
        Assert.Equal(["stateful"], await Names(new ListJobsRequest { ReadsDataset = Topic("a") }));
        Assert.Equal(["stateful"], await Names(new ListJobsRequest { ReadsDataset = " KAFKA" + Topic("a")["kafka".Length..] }));
        Assert.Empty(await Names(new ListJobsRequest { ReadsDataset = Topic("a").ToUpperInvariant() }));
        Assert.Equal(["samza"], await Names(new ListJobsRequest { WritesDataset = Topic("a") }));
        Assert.Empty(await Names(new ListJobsRequest { ReadsDataset = "kafka://tracking/nobody-reads-this" }));
        Assert.Null((await _commands.ListJobsAsync(new ListJobsRequest { Namespace = _ns }, Alice)).Jobs[0].Spec);
        Assert.Equal(stateful, (await _commands.ListJobsAsync(new ListJobsRequest { Namespace = _ns, IncludeSpec = true }, Alice)).Jobs[1].Spec);
    }

    [Fact]
    public async Task Page_tokens_walk_every_job_exactly_once()
    {
        var names = Enumerable.Range(0, 7).Select(i => $"job-{i}").ToList();
        foreach (var name in names) await ApplyAsync(Job(_ns, name));

        var seen = new List<string>();
        var token = "";
        do
        {
            var page = await _commands.ListJobsAsync(new ListJobsRequest { Namespace = _ns, PageSize = 3, PageToken = token }, Alice);
            Assert.True(page.Jobs.Count <= 3);
            seen.AddRange(page.Jobs.Select(j => j.Name));
            token = page.NextPageToken;
        } while (token.Length > 0);

        Assert.Equal(names, seen);
    }

    [Theory]
    [InlineData("team=ads,,tier", 10, "empty requirement")]
    [InlineData("team=ads, Bad Key=1", 11, "not a label key")]
    [InlineData("team=a b", 6, "not a label value")]
    public async Task A_bad_label_selector_names_the_column(string selector, int column, string message)
    {
        var error = await Assert.ThrowsAsync<SpecValidationException>(() =>
            _commands.ListJobsAsync(new ListJobsRequest { LabelSelector = selector }, Alice));

        var violation = Assert.Single(error.Violations);
        Assert.Equal(("label_selector", column), (violation.Path, violation.Column));
        Assert.Contains(message, violation.Message);
    }

    [Fact]
    public async Task Bad_paging_input_is_refused_by_field()
    {
        var token = await Assert.ThrowsAsync<SpecValidationException>(() => _commands.ListJobsAsync(new ListJobsRequest { PageToken = "bm9wZQ" }, Alice));
        Assert.Equal("page_token", token.Violations[0].Path);
        var size = await Assert.ThrowsAsync<SpecValidationException>(() => _commands.ListJobsAsync(new ListJobsRequest { PageSize = 5000 }, Alice));
        Assert.Equal("page_size", size.Violations[0].Path);
    }

    // ---- audit ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Audit_queries_by_actor_and_time_range()
    {
        var clock = new SteppingClock(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var commands = new MetadataCommands(database.Store, new MetadataOptions { Clock = clock });
        var actor = $"carol-{_ns}@example.com";
        var carol = new CallerContext(actor, "test");
        await commands.ApplyJobAsync(Apply(Job(_ns, "timed")), carol);              // 00:00
        clock.Advance(TimeSpan.FromHours(1));
        await commands.SuspendJobAsync(new ChangeJobStateRequest { Namespace = _ns, Name = "timed" }, Bob); // 01:00
        clock.Advance(TimeSpan.FromHours(1));
        await commands.ResumeJobAsync(new ChangeJobStateRequest { Namespace = _ns, Name = "timed" }, carol); // 02:00

        var byActor = await commands.ListAuditEventsAsync(new ListAuditEventsRequest { Actor = actor }, Alice);
        Assert.Equal([AuditAction.JobResume, AuditAction.JobCreate], byActor.Events.Select(e => e.Action));
        var window = await commands.ListAuditEventsAsync(new ListAuditEventsRequest
        {
            Namespace = _ns,
            Since = Timestamp.FromDateTimeOffset(clock.Start.AddMinutes(30)),
            Until = Timestamp.FromDateTimeOffset(clock.Start.AddMinutes(150)),
        }, Alice);
        Assert.Equal([AuditAction.JobResume, AuditAction.JobSuspend], window.Events.Select(e => e.Action));
        var paged = await commands.ListAuditEventsAsync(new ListAuditEventsRequest { Namespace = _ns, Name = "timed", PageSize = 2 }, Alice);
        var rest = await commands.ListAuditEventsAsync(new ListAuditEventsRequest { Namespace = _ns, Name = "timed", PageToken = paged.NextPageToken }, Alice);
        Assert.Equal([AuditAction.JobCreate], rest.Events.Select(e => e.Action));
        Assert.Equal(Timestamp.FromDateTimeOffset(clock.Start), rest.Events[0].Time);
    }

    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public DateTimeOffset Start { get; } = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }

    // ---- lineage --------------------------------------------------------------------------------------------

    [Fact]
    public async Task Lineage_follows_shared_datasets_upstream_downstream_and_to_the_blast_radius()
    {
        // ingest → raw → enrich → enriched → (sessions, alerts); sessions → sessionized → report
        await ApplyAsync(Job(_ns, "ingest", reads: [Topic("source")], writes: [Topic("raw")]));
        await ApplyAsync(Job(_ns, "enrich", reads: [Topic("raw")], writes: [Topic("enriched")]));
        await ApplyAsync(Job(_ns, "sessions", reads: [Topic("enriched")], writes: [Topic("sessionized")]));
        await ApplyAsync(Job(_ns, "alerts", reads: [Topic("enriched")]));
        await ApplyAsync(Job(_ns, "report", reads: [Topic("sessionized")]));

        var dataset = await _commands.GetDatasetLineageAsync(new GetDatasetLineageRequest { Uri = Topic("enriched") }, Alice);
        Assert.Equal(["alerts", "sessions"], dataset.Readers.Select(r => r.Name));
        Assert.Equal(["enrich"], dataset.Writers.Select(r => r.Name));

        var near = await _commands.GetJobLineageAsync(new GetJobLineageRequest { Namespace = _ns, Name = "enrich" }, Alice);
        Assert.Equal(["ingest"], near.Upstream.Select(n => n.Job.Name));
        Assert.Equal(["alerts", "sessions"], near.Downstream.Select(n => n.Job.Name));
        Assert.Equal([Topic("enriched")], near.Downstream[0].ViaDatasets);
        Assert.Equal([Topic("raw")], near.Reads);

        var far = await _commands.GetJobLineageAsync(new GetJobLineageRequest { Namespace = _ns, Name = "enrich", Depth = 2 }, Alice);
        Assert.Equal([("alerts", 1), ("sessions", 1), ("report", 2)], far.Downstream.Select(n => (n.Job.Name, n.Depth)));

        var blast = await _commands.GetBlastRadiusAsync(new GetBlastRadiusRequest { Uri = Topic("raw") }, Alice);
        Assert.Equal([("enrich", 1), ("alerts", 2), ("sessions", 2), ("report", 3)], blast.Jobs.Select(n => (n.Job.Name, n.Depth)));
        Assert.Equal([Topic("enriched"), Topic("sessionized")], blast.Datasets);

        await _commands.DeleteJobAsync(new ChangeJobStateRequest { Namespace = _ns, Name = "sessions" }, Alice);
        var afterDelete = await _commands.GetBlastRadiusAsync(new GetBlastRadiusRequest { Uri = Topic("raw") }, Alice);
        Assert.Equal(["enrich", "alerts"], afterDelete.Jobs.Select(n => n.Job.Name));
    }

    [Fact]
    public async Task Lineage_terminates_on_cycles()
    {
        await ApplyAsync(Job(_ns, "ping", reads: [Topic("a")], writes: [Topic("b")]));
        await ApplyAsync(Job(_ns, "pong", reads: [Topic("b")], writes: [Topic("a")]));

        var blast = await _commands.GetBlastRadiusAsync(new GetBlastRadiusRequest { Uri = Topic("a") }, Alice);
        var lineage = await _commands.GetJobLineageAsync(new GetJobLineageRequest { Namespace = _ns, Name = "ping", Depth = 32 }, Alice);

        Assert.Equal(["ping", "pong"], blast.Jobs.Select(n => n.Job.Name));
        Assert.Equal(["pong"], lineage.Upstream.Select(n => n.Job.Name));
        Assert.Equal(["pong"], lineage.Downstream.Select(n => n.Job.Name));
    }

    [Fact]
    public async Task Unknown_jobs_and_datasets_are_not_found()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => _commands.GetJobAsync(new GetJobRequest { Namespace = _ns, Name = "nope" }, Alice));
        await Assert.ThrowsAsync<NotFoundException>(() => _commands.ListJobRevisionsAsync(new ListJobRevisionsRequest { Namespace = _ns, Name = "nope" }, Alice));
        await Assert.ThrowsAsync<NotFoundException>(() => _commands.GetBlastRadiusAsync(new GetBlastRadiusRequest { Uri = "kafka://x/never" }, Alice));
        await ApplyAsync(Job(_ns, "one-revision"));
        await Assert.ThrowsAsync<NotFoundException>(() => _commands.GetJobRevisionAsync(new GetJobRevisionRequest { Namespace = _ns, Name = "one-revision", Revision = 2 }, Alice));
        var badName = await Assert.ThrowsAsync<SpecValidationException>(() => _commands.GetJobAsync(new GetJobRequest { Namespace = _ns, Name = "Not_A_Name" }, Alice));
        Assert.Equal("name", badName.Violations[0].Path);
    }

    // ---- fabrics, namespaces, datasets, seeding ---------------------------------------------------------------

    [Fact]
    public async Task Fabrics_are_stored_audited_and_validated()
    {
        var name = "fab-" + _ns[3..];
        var fabric = new Fabric { Name = name, Region = "us-east-1", Local = true };

        await _commands.PutFabricAsync(new PutFabricRequest { Fabric = fabric }, Alice);
        fabric.Region = "us-east-2";
        await _commands.PutFabricAsync(new PutFabricRequest { Fabric = fabric }, Bob);

        var stored = Assert.Single((await _commands.ListFabricsAsync(new ListFabricsRequest(), Alice)).Fabrics, f => f.Fabric.Name == name);
        Assert.Equal(("us-east-2", "bob@example.com"), (stored.Fabric.Region, stored.UpdatedBy));
        var audit = await _commands.ListAuditEventsAsync(new ListAuditEventsRequest { Action = AuditAction.FabricPut, Actor = "bob@example.com" }, Alice);
        Assert.Contains(audit.Events, e => e.Target == $"fabric/{name}");
        await Assert.ThrowsAsync<SpecValidationException>(() => _commands.PutFabricAsync(new PutFabricRequest { Fabric = new Fabric { Name = "Bad Name" } }, Alice));
    }

    [Fact]
    public async Task Seeded_jobs_answer_like_applied_ones()
    {
        var specs = Enumerable.Range(0, 300).Select(i => Job(_ns, $"seed-{i:D3}", reads: [Topic("seed-in")], writes: [Topic($"seed-out-{i % 10}")])).ToList();

        Assert.Equal(300, await _commands.SeedJobsAsync(specs, Alice));

        var job = await _commands.GetJobAsync(new GetJobRequest { Namespace = _ns, Name = "seed-042" }, Alice);
        Assert.Equal((1L, specs[42], CanonicalSpec.Hash(specs[42])), (job.Revision, job.Spec, job.SpecHash));
        Assert.Equal(300, (await _commands.GetDatasetLineageAsync(new GetDatasetLineageRequest { Uri = Topic("seed-in") }, Alice)).Readers.Count);
        Assert.Equal(30, (await _commands.ListJobsAsync(new ListJobsRequest { WritesDataset = Topic("seed-out-3") }, Alice)).Jobs.Count);
        Assert.Equal(ApplyOutcome.Unchanged, (await ApplyAsync(specs[7])).Outcome);
        Assert.Contains(_ns, (await _commands.ListNamespacesAsync(new ListNamespacesRequest(), Alice)).Namespaces);
        var datasets = await _commands.ListDatasetsAsync(new ListDatasetsRequest { UriPrefix = Topic("seed-out-"), PageSize = 4 }, Alice);
        Assert.Equal(4, datasets.Datasets.Count);
        var more = await _commands.ListDatasetsAsync(new ListDatasetsRequest { UriPrefix = Topic("seed-out-"), PageToken = datasets.NextPageToken }, Alice);
        Assert.Equal(6, more.Datasets.Count);

        var invalid = Job(_ns, "bad-seed");
        invalid.Sources.Clear();
        var error = await Assert.ThrowsAsync<SpecValidationException>(() => _commands.SeedJobsAsync([Job(_ns, "fine-seed"), invalid], Alice));
        Assert.Equal("specs[1].sources", Assert.Single(error.Violations).Path);
        await Assert.ThrowsAsync<NotFoundException>(() => _commands.GetJobAsync(new GetJobRequest { Namespace = _ns, Name = "fine-seed" }, Alice));
    }
}

public sealed class SqliteMetadataContractTests(SqliteTestDatabase database) : MetadataContractTests<SqliteTestDatabase>(database);

public sealed class PostgresMetadataContractTests(PostgresTestDatabase database) : MetadataContractTests<PostgresTestDatabase>(database);

public sealed class MySqlMetadataContractTests(MySqlTestDatabase database) : MetadataContractTests<MySqlTestDatabase>(database);
