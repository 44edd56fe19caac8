using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Sluice.Spec;
using Sluice.Spec.V1;
using Sluice.Store;
using Sluice.Store.Deployments;

namespace Sluice.Metadata;

/// <summary>
/// The Metadata service's commands: one method per MetadataService RPC, each taking the proto request and the
/// caller. Stateless: any number of instances may share one store. Refusals are <see cref="MetadataException"/>s
/// (<see cref="SpecValidationException"/>, <see cref="ConflictException"/>, <see cref="NotFoundException"/>).
/// Every change runs in one store transaction together with its audit row.
/// </summary>
public sealed class MetadataCommands(SluiceStore store, MetadataOptions? options = null)
{
    private const int MaxJobLineageDepth = 32;
    private const int MaxCreateRaceRetries = 3;

    private readonly MetadataOptions _options = options ?? new MetadataOptions();
    private readonly SpecIntake _intake = new(options ?? new MetadataOptions());
    private readonly LineageExplorer _lineage = new(store);
    private GroupCommit<ApplyCall, ApplyJobResponse>? _applies;
    private long _appliesWrittenTogether;

    /// <summary>Applies committed in a transaction shared with others (group commit) since this instance started.</summary>
    internal long AppliesWrittenTogether => Interlocked.Read(ref _appliesWrittenTogether);

    /// <summary>Applies waiting for a group-commit batch.</summary>
    internal int QueuedApplies => Applies.Queued;

    /// <summary>
    /// Awaited with the batch's size before each batch of applies is written. A test seam: holding it lets a test
    /// queue applies behind a batch deterministically instead of hoping the scheduler interleaves them.
    /// </summary>
    internal Func<int, Task>? BeforeApplyBatch { get; set; }

    // Built on first use: a field initializer cannot name an instance method.
    private GroupCommit<ApplyCall, ApplyJobResponse> Applies =>
        _applies ??= new GroupCommit<ApplyCall, ApplyJobResponse>(
            store.WritesAppliesInOneStatement ? RunApplyBatchesInOneStatementAsync : RunApplyBatchInTransactionAsync,
            _options.ApplyBatchSize, _options.ApplyBatchConcurrency);

    // ---- apply ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Creates or updates a job: one transaction writes the revision, its index rows, the job's new head and the audit
    /// row. A stale <c>expected_revision</c> is a <see cref="ConflictException"/>; the same spec hash as the head makes no
    /// revision (outcome UNCHANGED); a repeated <c>request_id</c> answers the first result again. Concurrent applies share
    /// transactions (group commit); each keeps exactly the outcome it would have had alone.
    /// </summary>
    public async Task<ApplyJobResponse> ApplyJobAsync(ApplyJobRequest request, CallerContext caller, CancellationToken ct = default)
    {
        caller.Check();
        var requestId = RequestChecks.RequestId(request.RequestId);
        var accepted = _intake.Accept(request);
        var spec = accepted.Spec;
        var content = RevisionContent.Of(spec, accepted.SourceKind, accepted.SourceText);
        var target = RequestChecks.Target(spec.Namespace, spec.Name);

        if (request.DryRun)
            return await DryRunAsync(request, spec, content, accepted, ct);

        var call = new ApplyCall(request, spec, content, target, requestId, caller, accepted);
        var response = await Applies.RunAsync(call).WaitAsync(ct);
        response.Warnings.AddRange(accepted.Warnings.Select(w => w.ToProto()));
        return response;
    }

    /// <summary>One apply, its input already accepted, on its way into a (possibly shared) transaction.</summary>
    private sealed record ApplyCall(ApplyJobRequest Request, JobSpec Spec, NewRevision Content, string Target, string? RequestId,
        CallerContext Caller, AcceptedSpec Accepted)
    {
        public (string Namespace, string Name) Key => (Spec.Namespace, Spec.Name);
    }

    /// <summary>
    /// A batch of applies split in two: those written together, and those written alone afterwards with their full
    /// semantics (a job named twice in the batch, a request id repeated in it, and later every apply whose fate the
    /// shared write could not settle).
    /// </summary>
    private sealed class ApplyBatch
    {
        public List<GroupCommit<ApplyCall, ApplyJobResponse>.Waiting> Together { get; } = [];

        public List<GroupCommit<ApplyCall, ApplyJobResponse>.Waiting> Alone { get; } = [];

        public int Count => Together.Count + Alone.Count;

        public List<ApplyCall> Calls => Together.Select(w => w.Call).ToList();

        public static ApplyBatch Of(IReadOnlyList<GroupCommit<ApplyCall, ApplyJobResponse>.Waiting> waiting)
        {
            var batch = new ApplyBatch();
            var keys = new HashSet<(string, string)>();
            var requestIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var call in waiting)
            {
                var first = keys.Add(call.Call.Key) && (call.Call.RequestId is not { } id || requestIds.Add(id));
                (first ? batch.Together : batch.Alone).Add(call);
            }
            return batch;
        }
    }

    /// <summary>
    /// PostgreSQL: each batch of applies in one round trip without an explicit transaction (see
    /// <see cref="SluiceStore.WriteAppliesAsync"/>). An apply not read yet is written as the create it may be, and its
    /// job is read in the same round trip, after the write commits: one that was no create (its job existed, the write's
    /// guard left it out) joins the next batch and is planned from what was read. So a create costs one round trip, and
    /// anything else two, the same as reading first. Applies whose job moved between the read and the write are
    /// written alone, and so is every apply of a batch the database refused as a whole once it has been read.
    /// </summary>
    private async Task RunApplyBatchesInOneStatementAsync(IReadOnlyList<GroupCommit<ApplyCall, ApplyJobResponse>.Waiting> waiting,
        Func<IReadOnlyList<GroupCommit<ApplyCall, ApplyJobResponse>.Waiting>> takeQueued)
    {
        var read = new List<GroupCommit<ApplyCall, ApplyJobResponse>.Waiting>();
        ApplyBatchSnapshot? snapshot = null;
        for (var fresh = waiting; read.Count > 0 || fresh.Count > 0; fresh = takeQueued())
        {
            var batch = ApplyBatch.Of([.. read, .. fresh]);
            var unread = new HashSet<ApplyCall>(fresh.Select(w => w.Call), ReferenceEqualityComparer.Instance);
            if (BeforeApplyBatch is { } before) await before(batch.Count);
            var unsettled = new List<GroupCommit<ApplyCall, ApplyJobResponse>.Waiting>();
            try
            {
                if (read.Count > 0) snapshot ??= await store.ReadForAppliesAsync(ApplyBatchKeysOf(read));
                var readAfter = ApplyBatchKeysOf(batch.Together.Where(w => unread.Contains(w.Call)));
                (var outcomes, snapshot) = await ApplyBatchInOneStatementAsync(batch.Calls, unread, snapshot, readAfter.Jobs.Count > 0 ? readAfter : null);
                Answer(batch, outcomes, unsettled);
            }
            catch (Exception error) when (error is DuplicateKeyException or StoreConcurrencyException)
            {
                // Refused whole, by a request id recorded already: read first, then written again, or alone if read already.
                var unreadCalls = batch.Together.Where(w => unread.Contains(w.Call)).ToList();
                batch.Alone.AddRange(batch.Together.Except(unreadCalls));
                (read, snapshot) = (unreadCalls, null);
                await WriteAloneAsync(batch.Alone);
                continue;
            }
            catch (Exception error)
            {
                // This batch fails as a whole; the next one is still written.
                foreach (var call in batch.Together.Concat(batch.Alone)) call.Result.TrySetException(error);
                (read, snapshot) = ([], null);
                continue;
            }
            // Unsettled: an apply read before the write whose job moved since (alone), or one not read, now read (next batch).
            read = unsettled.Where(w => unread.Contains(w.Call) && snapshot is not null).ToList();
            await WriteAloneAsync(batch.Alone.Concat(unsettled.Except(read)));
        }
    }

    private static ApplyBatchKeys ApplyBatchKeysOf(IEnumerable<GroupCommit<ApplyCall, ApplyJobResponse>.Waiting> calls)
    {
        var list = calls.Select(w => w.Call).ToList();
        return new ApplyBatchKeys(list.Select(c => c.Key).Distinct().ToList(), list.Select(c => c.RequestId).OfType<string>().Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// MySQL and SQLite: a batch of applies in one transaction. A job named twice in the batch, an apply whose stale
    /// revision may be its own earlier success, and every apply of a batch the database refused as a whole (a request
    /// id used before, a job created concurrently by another replica) are written alone afterwards.
    /// </summary>
    private async Task RunApplyBatchInTransactionAsync(IReadOnlyList<GroupCommit<ApplyCall, ApplyJobResponse>.Waiting> waiting,
        Func<IReadOnlyList<GroupCommit<ApplyCall, ApplyJobResponse>.Waiting>> _)
    {
        if (BeforeApplyBatch is { } before) await before(waiting.Count);
        var batch = ApplyBatch.Of(waiting);
        // A transaction for one apply costs what ApplyAloneAsync's does.
        if (batch.Together.Count == 1)
        {
            batch.Alone.Insert(0, batch.Together[0]);
        }
        else
        {
            try
            {
                var calls = batch.Calls;
                Answer(batch, await store.WriteAsync(tx => ApplyBatchInTransactionAsync(tx, calls)), batch.Alone);
            }
            catch (Exception error) when (error is DuplicateKeyException or StoreConcurrencyException)
            {
                batch.Alone.AddRange(batch.Together);
            }
        }
        await WriteAloneAsync(batch.Alone);
    }

    /// <summary>Answers the applies written together from their outcomes; one without an outcome joins <paramref name="unsettled"/>.</summary>
    private void Answer(ApplyBatch batch, IReadOnlyList<object?> outcomes, List<GroupCommit<ApplyCall, ApplyJobResponse>.Waiting> unsettled)
    {
        if (batch.Together.Count > 1) Interlocked.Add(ref _appliesWrittenTogether, outcomes.Count(o => o is not null));
        for (var i = 0; i < batch.Together.Count; i++)
        {
            switch (outcomes[i])
            {
                case ApplyJobResponse response: batch.Together[i].Result.SetResult(response); break;
                case Exception refusal: batch.Together[i].Result.SetException(refusal); break;
                default: unsettled.Add(batch.Together[i]); break;
            }
        }
    }

    private async Task WriteAloneAsync(IEnumerable<GroupCommit<ApplyCall, ApplyJobResponse>.Waiting> alone)
    {
        foreach (var waiting in alone)
        {
            try
            {
                waiting.Result.SetResult(await ApplyAloneAsync(waiting.Call));
            }
            catch (Exception error)
            {
                waiting.Result.SetException(error);
            }
        }
    }

    /// <summary>A call's plan against the jobs as read; a retry of a request already recorded is replayed alone.</summary>
    private static ApplyPlan PlanOf(ApplyCall call, IReadOnlyDictionary<(string, string), JobRecord> jobs, IReadOnlySet<string> recorded) =>
        call.RequestId is { } id && recorded.Contains(id) ? ApplyPlan.Replay : ApplyPlan.For(jobs.GetValueOrDefault(call.Key), call.Request, call.Content.SpecHash);

    /// <summary>
    /// What a call of a batch comes to when its plan is not a new revision: null for a replay (answered alone), the
    /// refusal of a stale revision (alone too when a request id may make it the call's own earlier success).
    /// </summary>
    private static object? OutcomeWithoutRevision(ApplyCall call, ApplyPlan plan) => plan.Kind switch
    {
        ApplyPlanKind.Stale when call.RequestId is null => StaleRevision(call.Target, call.Request.ExpectedRevision, plan.Current),
        ApplyPlanKind.Unchanged => UnchangedResponse(plan.Job!, call.Spec),
        _ => null,
    };

    /// <summary>
    /// Per call: the response, the refusal (an exception), or null when the write did not settle it; and the snapshot of
    /// <paramref name="readAfter"/> when it is given and could be read. A call in <paramref name="unread"/> is planned as
    /// the create it may be; the others from <paramref name="snapshot"/>.
    /// </summary>
    private async Task<(IReadOnlyList<object?> Outcomes, ApplyBatchSnapshot? ReadAfter)> ApplyBatchInOneStatementAsync(IReadOnlyList<ApplyCall> calls,
        IReadOnlySet<ApplyCall> unread, ApplyBatchSnapshot? snapshot, ApplyBatchKeys? readAfter)
    {
        var now = _options.Clock.GetUtcNow();
        var plans = calls.Select(c => unread.Contains(c) ? ApplyPlan.For(null, c.Request, c.Content.SpecHash)
            : PlanOf(c, snapshot!.Jobs, snapshot.RecordedRequestIds)).ToList();
        var outcomes = new object?[calls.Count];
        var revisions = new List<GuardedRevision>();
        var unchanged = new List<GuardedAudit>();
        for (var i = 0; i < calls.Count; i++)
        {
            var (call, plan) = (calls[i], plans[i]);
            // Unread, a refusal cannot be told yet: the job may exist.
            outcomes[i] = unread.Contains(call) ? null : OutcomeWithoutRevision(call, plan);
            if (plan.Kind == ApplyPlanKind.Unchanged)
                unchanged.Add(new GuardedAudit(i, plan.Job!.Id, plan.Job.Revision, UnchangedAudit(plan.Job, call, now)));
            else if (plan.Kind == ApplyPlanKind.NewRevision)
                revisions.Add(new GuardedRevision(i, plan.Job?.Id, call.Spec.Namespace, call.Spec.Name, plan.From, plan.Job?.DesiredState, plan.To,
                    plan.NextState, call.Content, NewHeadAudit(call, plan, plan.Job?.Id, now)));
        }
        var written = await store.WriteAppliesAsync(revisions, unchanged, now, readAfter);
        foreach (var revision in revisions)
            outcomes[revision.Index] = written.JobIds.TryGetValue(revision.Index, out var jobId) ? NewHeadResponse(calls[revision.Index], plans[revision.Index], jobId, now) : null;
        foreach (var audit in unchanged.Where(u => !written.JobIds.ContainsKey(u.Index)))
            outcomes[audit.Index] = null;
        return (outcomes, written.Next);
    }

    /// <summary>Per call: the response, the refusal (an exception), or null when it must be written alone.</summary>
    private async Task<IReadOnlyList<object?>> ApplyBatchInTransactionAsync(StoreTransaction tx, IReadOnlyList<ApplyCall> calls)
    {
        var now = _options.Clock.GetUtcNow();
        var seen = await tx.FindRecordedRequestIdsAsync(calls.Select(c => c.RequestId).OfType<string>().ToList());
        var jobs = await tx.LockJobsAsync(calls.Select(c => c.Key).ToList());
        var plans = calls.Select(c => PlanOf(c, jobs, seen)).ToList();
        var created = await tx.InsertJobsAsync(calls.Where((_, i) => plans[i] is { Kind: ApplyPlanKind.NewRevision, Job: null })
            .Select(c => (c.Key.Namespace, c.Key.Name, c.Caller.Actor)).ToList(), DesiredState.Running, now);
        var writes = new List<(int Index, long JobId)>();
        for (var i = 0; i < calls.Count; i++)
        {
            if (plans[i].Kind == ApplyPlanKind.NewRevision) writes.Add((i, plans[i].Job?.Id ?? created[calls[i].Key]));
        }
        var revisionIds = await tx.InsertRevisionsAsync(writes.Select(w => new RevisionWrite(w.JobId, plans[w.Index].To,
            calls[w.Index].Content, calls[w.Index].Caller.Actor, calls[w.Index].RequestId)).ToList(), now);
        var written = writes.Select((w, k) => (w.Index, w.JobId, RevisionId: revisionIds[k])).ToDictionary(w => w.Index);

        // The batch's head moves and audit rows go out as one statement each (per chunk), not one per apply.
        var outcomes = new object?[calls.Count];
        var moves = new List<HeadMove>();
        var audits = new List<AuditEntry>();
        for (var i = 0; i < calls.Count; i++)
        {
            var (call, plan) = (calls[i], plans[i]);
            outcomes[i] = OutcomeWithoutRevision(call, plan);
            if (plan.Kind == ApplyPlanKind.Unchanged) audits.Add(UnchangedAudit(plan.Job!, call, now));
            if (plan.Kind != ApplyPlanKind.NewRevision) continue;
            var (_, jobId, revisionId) = written[i];
            moves.Add(new HeadMove(jobId, plan.From, plan.To, revisionId, plan.NextState, call.Caller.Actor));
            audits.Add(NewHeadAudit(call, plan, jobId, now));
            outcomes[i] = NewHeadResponse(call, plan, jobId, now);
        }
        await tx.MoveHeadsAsync(moves, now);
        await tx.AppendAuditsAsync(audits);
        return outcomes;
    }

    /// <summary>One apply in its own transaction, retried when it raced another replica creating the same job.</summary>
    private async Task<ApplyJobResponse> ApplyAloneAsync(ApplyCall call)
    {
        // A repeated request id is found where it costs nothing on the first attempt: the audit row's unique key
        // refuses the commit (then the earlier answer is replayed), and refusals look the id up before refusing.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (response, earlier) = await store.WriteAsync(tx => ApplyInTransactionAsync(tx, call));
                return earlier is not null ? await ReplayApplyAsync(earlier, call.Target, call.Content.SpecHash, call.Accepted, CancellationToken.None) : response!;
            }
            catch (DuplicateKeyException)
            {
                // Either this request id was recorded already (replay the first answer), or another request created
                // the job between our read and our insert (apply again, now as an update).
                if (call.RequestId is not null && await store.FindAuditByRequestIdAsync(call.RequestId) is { } raced)
                    return await ReplayApplyAsync(raced, call.Target, call.Content.SpecHash, call.Accepted, CancellationToken.None);
                if (attempt >= MaxCreateRaceRetries)
                    throw new ConflictException($"{call.Target} kept changing concurrently while it was applied; retry");
            }
        }
    }

    private async Task<(ApplyJobResponse? Response, AuditRecord? Earlier)> ApplyInTransactionAsync(StoreTransaction tx, ApplyCall call)
    {
        var now = _options.Clock.GetUtcNow();
        var plan = ApplyPlan.For(await tx.LockJobAsync(call.Spec.Namespace, call.Spec.Name), call.Request, call.Content.SpecHash);
        switch (plan.Kind)
        {
            case ApplyPlanKind.Stale:
                // A retry of an apply that succeeded finds the job moved on by its own first attempt.
                if (call.RequestId is not null && await tx.FindAuditByRequestIdAsync(call.RequestId) is { } earlier) return (null, earlier);
                throw StaleRevision(call.Target, call.Request.ExpectedRevision, plan.Current);
            case ApplyPlanKind.Unchanged:
                await tx.AppendAuditAsync(UnchangedAudit(plan.Job!, call, now));
                return (UnchangedResponse(plan.Job!, call.Spec), null);
        }
        var jobId = plan.Job?.Id ?? await tx.InsertJobAsync(call.Spec.Namespace, call.Spec.Name, DesiredState.Running, now, call.Caller.Actor);
        var revisionId = await tx.InsertRevisionAsync(jobId, plan.To, call.Content, call.Caller.Actor, now, call.RequestId);
        await tx.MoveHeadsAsync([new HeadMove(jobId, plan.From, plan.To, revisionId, plan.NextState, call.Caller.Actor)], now);
        await tx.AppendAuditAsync(NewHeadAudit(call, plan, jobId, now));
        return (NewHeadResponse(call, plan, jobId, now), null);
    }

    /// <summary>The audit row of an apply's new revision; <paramref name="jobId"/> is null for a job not created yet.</summary>
    private static AuditEntry NewHeadAudit(ApplyCall call, ApplyPlan plan, long? jobId, DateTimeOffset now) =>
        new(now, call.Caller.Actor, plan.Live ? AuditAction.JobUpdate : AuditAction.JobCreate, call.Target, jobId, call.RequestId,
            plan.Job is null ? null : plan.From, plan.To, plan.Job?.SpecHash, call.Content.SpecHash, call.Caller.Client, null);

    /// <summary>The answer to an apply whose new revision was written.</summary>
    private static ApplyJobResponse NewHeadResponse(ApplyCall call, ApplyPlan plan, long jobId, DateTimeOffset now)
    {
        var (job, live, actor) = (plan.Job, plan.Live, call.Caller.Actor);
        var stored = new JobRecord(jobId, call.Spec.Namespace, call.Spec.Name, plan.To, plan.NextState, call.Content.SpecHash,
            call.Content.SourceKind, null, live ? job!.CreatedAt : now, live ? job!.CreatedBy : actor, now, actor);
        return new ApplyJobResponse
        {
            Job = stored.ToJob(call.Spec), Outcome = live ? ApplyOutcome.Updated : ApplyOutcome.Created, Revision = plan.To,
            SpecHash = call.Content.SpecHash, PreviousRevision = plan.Current,
        };
    }

    private static AuditEntry UnchangedAudit(JobRecord job, ApplyCall call, DateTimeOffset now) =>
        new(now, call.Caller.Actor, AuditAction.JobApplyUnchanged, call.Target, job.Id, call.RequestId, job.Revision, job.Revision,
            job.SpecHash, job.SpecHash, call.Caller.Client, null);

    private static ApplyJobResponse UnchangedResponse(JobRecord job, JobSpec spec) => new()
    {
        Job = job.ToJob(spec), Outcome = ApplyOutcome.Unchanged, Revision = job.Revision, SpecHash = job.SpecHash,
        PreviousRevision = job.Revision,
    };

    private async Task<ApplyJobResponse> ReplayApplyAsync(AuditRecord earlier, string target, string specHash, AcceptedSpec accepted,
        CancellationToken ct)
    {
        var outcome = earlier.Action switch
        {
            AuditAction.JobCreate => ApplyOutcome.Created,
            AuditAction.JobUpdate => ApplyOutcome.Updated,
            AuditAction.JobApplyUnchanged => ApplyOutcome.Unchanged,
            _ => ApplyOutcome.Unspecified,
        };
        if (outcome == ApplyOutcome.Unspecified || earlier.Target != target || earlier.AfterHash != specHash)
            throw new ConflictException($"request id '{earlier.RequestId}' was already used for {Describe(earlier)}; " +
                                        "a retry must repeat the same request, a new request needs a new id");
        var (ns, name) = (accepted.Spec.Namespace, accepted.Spec.Name);
        var job = await store.FindJobAsync(ns, name, includeSpec: true, ct)
                  ?? throw new NotFoundException($"job {ns}/{name} not found");
        var response = new ApplyJobResponse
        {
            Job = job.ToJob(), Outcome = outcome, Revision = earlier.AfterRevision ?? 0, SpecHash = earlier.AfterHash ?? "",
            PreviousRevision = earlier.Action == AuditAction.JobCreate ? 0 : earlier.BeforeRevision ?? 0, Replayed = true,
        };
        response.Warnings.AddRange(accepted.Warnings.Select(w => w.ToProto()));
        return response;
    }

    private async Task<ApplyJobResponse> DryRunAsync(ApplyJobRequest request, JobSpec spec, NewRevision content, AcceptedSpec accepted,
        CancellationToken ct)
    {
        var job = await store.FindJobAsync(spec.Namespace, spec.Name, includeSpec: false, ct);
        var live = job is { DesiredState: not DesiredState.Deleted };
        var current = live ? job!.Revision : 0;
        if (request.HasExpectedRevision && request.ExpectedRevision != current)
            throw StaleRevision(RequestChecks.Target(spec.Namespace, spec.Name), request.ExpectedRevision, current);
        var unchanged = live && job!.SpecHash == content.SpecHash;
        var response = new ApplyJobResponse
        {
            Outcome = unchanged ? ApplyOutcome.Unchanged : live ? ApplyOutcome.Updated : ApplyOutcome.Created,
            Revision = unchanged ? current : (job?.Revision ?? 0) + 1,
            SpecHash = content.SpecHash,
            PreviousRevision = current,
            Job = job is null
                ? new Job { Namespace = spec.Namespace, Name = spec.Name, Spec = spec, SpecHash = content.SpecHash, SourceKind = content.SourceKind }
                : job.ToJob(spec),
        };
        response.Warnings.AddRange(accepted.Warnings.Select(w => w.ToProto()));
        return response;
    }

    // ---- reads ----------------------------------------------------------------------------------------------

    public async Task<Job> GetJobAsync(GetJobRequest request, CallerContext caller, CancellationToken ct = default)
    {
        RequestChecks.JobName(request.Namespace, request.Name);
        var job = await store.FindJobAsync(request.Namespace, request.Name, includeSpec: true, ct);
        if (job is null || (job.DesiredState == DesiredState.Deleted && !request.IncludeDeleted))
            throw JobNotFound(request.Namespace, request.Name, job is not null);
        return job.ToJob();
    }

    /// <summary>Jobs by (namespace, name), filtered only through indexed tables (labels, placement, lineage).</summary>
    public async Task<ListJobsResponse> ListJobsAsync(ListJobsRequest request, CallerContext caller, CancellationToken ct = default)
    {
        var pageSize = RequestChecks.PageSize(request.PageSize);
        var after = PageToken.Decode("jobs", request.PageToken, 2);
        var query = new JobQuery
        {
            Namespace = NullIfEmpty(request.Namespace),
            Labels = LabelSelector.Parse(request.LabelSelector),
            Runtime = request.Runtime == Runtime.Unspecified ? null : request.Runtime,
            Stateful = request.HasStateful ? request.Stateful : null,
            Fabric = NullIfEmpty(request.Fabric),
            ReadsDataset = NullIfEmpty(RequestChecks.DatasetUri(request.ReadsDataset)),
            WritesDataset = NullIfEmpty(RequestChecks.DatasetUri(request.WritesDataset)),
            DesiredState = request.DesiredState == DesiredState.Unspecified ? null : request.DesiredState,
            IncludeDeleted = request.IncludeDeleted,
            IncludeSpec = request.IncludeSpec,
            After = after is null ? null : (after[0], after[1]),
            Limit = pageSize + 1,
        };
        var jobs = await store.ListJobsAsync(query, ct);
        var response = new ListJobsResponse();
        response.Jobs.AddRange(jobs.Take(pageSize).Select(j => j.ToJob()));
        if (jobs.Count > pageSize)
            response.NextPageToken = PageToken.Encode("jobs", jobs[pageSize - 1].Namespace, jobs[pageSize - 1].Name);
        return response;
    }

    /// <summary>The job's revisions, newest first; deleted jobs keep their history.</summary>
    public async Task<ListJobRevisionsResponse> ListJobRevisionsAsync(ListJobRevisionsRequest request, CallerContext caller,
        CancellationToken ct = default)
    {
        var pageSize = RequestChecks.PageSize(request.PageSize);
        var before = PageToken.DecodeNumber("revisions", request.PageToken);
        var jobId = await JobIdAsync(request.Namespace, request.Name, ct);
        var revisions = await store.ListRevisionsAsync(jobId, before, pageSize + 1, request.IncludeSpec, ct);
        var response = new ListJobRevisionsResponse();
        response.Revisions.AddRange(revisions.Take(pageSize).Select(r => r.ToRevision(request.Namespace, request.Name)));
        if (revisions.Count > pageSize)
            response.NextPageToken = PageToken.Encode("revisions", revisions[pageSize - 1].Revision.ToString());
        return response;
    }

    public async Task<JobRevision> GetJobRevisionAsync(GetJobRevisionRequest request, CallerContext caller, CancellationToken ct = default)
    {
        if (request.Revision <= 0) throw new SpecValidationException("revision", $"must be 1 or more, got {request.Revision}");
        var jobId = await JobIdAsync(request.Namespace, request.Name, ct);
        var revision = await store.FindRevisionAsync(jobId, request.Revision, ct)
                       ?? throw new NotFoundException($"job {request.Namespace}/{request.Name} has no revision {request.Revision}");
        return revision.ToRevision(request.Namespace, request.Name);
    }

    /// <summary>Field-level changes from one revision to another (to_revision 0 = the current one).</summary>
    public async Task<DiffJobRevisionsResponse> DiffJobRevisionsAsync(DiffJobRevisionsRequest request, CallerContext caller,
        CancellationToken ct = default)
    {
        if (request.FromRevision <= 0) throw new SpecValidationException("from_revision", $"must be 1 or more, got {request.FromRevision}");
        if (request.ToRevision < 0) throw new SpecValidationException("to_revision", $"must be 0 (current) or more, got {request.ToRevision}");
        var jobId = await JobIdAsync(request.Namespace, request.Name, ct);
        var toNumber = request.ToRevision;
        if (toNumber == 0)
            toNumber = (await store.ListRevisionsAsync(jobId, null, 1, includeSpec: false, ct))[0].Revision;
        var from = await RevisionAsync(jobId, request.Namespace, request.Name, request.FromRevision, ct);
        var to = await RevisionAsync(jobId, request.Namespace, request.Name, toNumber, ct);
        var response = new DiffJobRevisionsResponse
        {
            FromRevision = from.Revision, ToRevision = to.Revision, FromHash = from.SpecHash, ToHash = to.SpecHash,
        };
        response.Changes.AddRange(SpecDiff.Compare(CanonicalSpec.FromCanonicalJson(from.CanonicalSpec!), CanonicalSpec.FromCanonicalJson(to.CanonicalSpec!)));
        return response;
    }

    // ---- desired state --------------------------------------------------------------------------------------

    public Task<ChangeJobStateResponse> SuspendJobAsync(ChangeJobStateRequest request, CallerContext caller, CancellationToken ct = default) =>
        ChangeStateAsync(request, caller, AuditAction.JobSuspend, DesiredState.Suspended, ct);

    public Task<ChangeJobStateResponse> ResumeJobAsync(ChangeJobStateRequest request, CallerContext caller, CancellationToken ct = default) =>
        ChangeStateAsync(request, caller, AuditAction.JobResume, DesiredState.Running, ct);

    /// <summary>Soft delete: the job leaves listings and lineage; its revisions and audit rows stay.</summary>
    public Task<ChangeJobStateResponse> DeleteJobAsync(ChangeJobStateRequest request, CallerContext caller, CancellationToken ct = default) =>
        ChangeStateAsync(request, caller, AuditAction.JobDelete, DesiredState.Deleted, ct);

    /// <summary>
    /// Sets the desired state. Already in that state: answers changed=false and writes nothing (no change, no audit row).
    /// </summary>
    private async Task<ChangeJobStateResponse> ChangeStateAsync(ChangeJobStateRequest request, CallerContext caller, AuditAction action,
        DesiredState state, CancellationToken ct)
    {
        caller.Check();
        RequestChecks.JobName(request.Namespace, request.Name);
        var requestId = RequestChecks.RequestId(request.RequestId);
        if (request.Reason.Length > StoreLimits.ReasonLength)
            throw new SpecValidationException("reason", $"must be at most {StoreLimits.ReasonLength} characters");
        var target = RequestChecks.Target(request.Namespace, request.Name);
        try
        {
            var (response, earlier) = await store.WriteAsync<(ChangeJobStateResponse?, AuditRecord?)>(async tx =>
            {
                var now = _options.Clock.GetUtcNow();
                var job = await tx.LockJobAsync(request.Namespace, request.Name);
                // A retry of a change that succeeded finds the job in the state (or revision) its first attempt left.
                var refused = job is null || job.DesiredState == DesiredState.Deleted || job.DesiredState == state ||
                              (request.HasExpectedRevision && request.ExpectedRevision != job.Revision);
                if (refused && requestId is not null && await tx.FindAuditByRequestIdAsync(requestId) is { } recorded)
                    return (null, recorded);
                if (job is null || job.DesiredState == DesiredState.Deleted)
                    throw JobNotFound(request.Namespace, request.Name, job is not null);
                if (request.HasExpectedRevision && request.ExpectedRevision != job.Revision)
                    throw StaleRevision(target, request.ExpectedRevision, job.Revision);
                if (job.DesiredState == state)
                    return (new ChangeJobStateResponse { Job = job.ToJob(), Changed = false }, null);
                await tx.SetDesiredStateAsync(job.Id, job.Revision, state, now, caller.Actor);
                await tx.AppendAuditAsync(new AuditEntry(now, caller.Actor, action, target, job.Id, requestId, job.Revision, job.Revision,
                    job.SpecHash, job.SpecHash, caller.Client, NullIfEmpty(request.Reason)));
                var changed = job with { DesiredState = state, UpdatedAt = now, UpdatedBy = caller.Actor };
                var started = await StartDeploymentsAsync(tx, $"{request.Namespace}/{request.Name}", state, caller.Actor, now, ct);
                return (new ChangeJobStateResponse { Job = changed.ToJob(), Changed = true, DeploymentIds = { started } }, null);
            }, ct);
            return earlier is null ? response! : await ReplayStateChangeAsync(earlier, action, target, request, ct);
        }
        catch (DuplicateKeyException error)
        {
            // Only the audit row's request id is unique here: this request id was recorded already.
            if (requestId is not null && await store.FindAuditByRequestIdAsync(requestId, ct) is { } raced)
                return await ReplayStateChangeAsync(raced, action, target, request, ct);
            throw new ConflictException($"{target} changed concurrently: {error.Message}");
        }
    }

    /// <summary>
    /// Scales the job: a new revision of its head spec with <c>resources.parallelism</c> set, checked against the
    /// spec's bounds, audited, and (when a deployment store is wired) a Scale deployment per fabric where the job was
    /// submitted, all in one transaction. The same parallelism as the head changes nothing.
    /// </summary>
    public async Task<ScaleJobResponse> ScaleJobAsync(ScaleJobRequest request, CallerContext caller, CancellationToken ct = default)
    {
        caller.Check();
        RequestChecks.JobName(request.Namespace, request.Name);
        var requestId = RequestChecks.RequestId(request.RequestId);
        if (request.Reason.Length > StoreLimits.ReasonLength)
            throw new SpecValidationException("reason", $"must be at most {StoreLimits.ReasonLength} characters");
        if (request.Parallelism < 1)
            throw new SpecValidationException("parallelism", $"must be at least 1, got {request.Parallelism}");
        var target = RequestChecks.Target(request.Namespace, request.Name);
        var head = await store.FindJobAsync(request.Namespace, request.Name, includeSpec: true, ct);
        if (head is null || head.DesiredState == DesiredState.Deleted)
        {
            if (requestId is not null && await store.FindAuditByRequestIdAsync(requestId, ct) is { } recorded)
                return await ReplayScaleAsync(recorded, target, request, ct);
            throw JobNotFound(request.Namespace, request.Name, head is not null);
        }
        var spec = CanonicalSpec.FromCanonicalJson(head.CanonicalSpec!);
        CheckScaleBounds(spec, request.Parallelism);
        spec.Resources ??= new Resources();
        var before = spec.Resources.Parallelism;
        spec.Resources.Parallelism = request.Parallelism;
        var content = RevisionContent.Of(spec, SourceKind.Spec, null);
        try
        {
            var (response, earlier) = await store.WriteAsync<(ScaleJobResponse?, AuditRecord?)>(async tx =>
            {
                var now = _options.Clock.GetUtcNow();
                var job = await tx.LockJobAsync(request.Namespace, request.Name);
                var moved = job is null || job.DesiredState == DesiredState.Deleted || job.Revision != head.Revision ||
                            (request.HasExpectedRevision && request.ExpectedRevision != job.Revision);
                if (moved && requestId is not null && await tx.FindAuditByRequestIdAsync(requestId) is { } recorded)
                    return (null, recorded);
                if (job is null || job.DesiredState == DesiredState.Deleted)
                    throw JobNotFound(request.Namespace, request.Name, job is not null);
                if (request.HasExpectedRevision && request.ExpectedRevision != job.Revision)
                    throw StaleRevision(target, request.ExpectedRevision, job.Revision);
                if (job.Revision != head.Revision)
                    throw new ConflictException($"{target} changed while it was scaled (now revision {job.Revision}); retry", job.Revision);
                if (job.DesiredState == DesiredState.Suspended)
                    throw new ConflictException($"{target} is suspended: resume it before scaling", job.Revision);
                if (before == request.Parallelism)
                    return (new ScaleJobResponse { Job = job.ToJob(), Revision = job.Revision, PreviousRevision = job.Revision }, null);
                var to = job.Revision + 1;
                var revisionId = await tx.InsertRevisionAsync(job.Id, to, content, caller.Actor, now, requestId);
                await tx.SetHeadAsync(job.Id, job.Revision, to, revisionId, job.DesiredState, now, caller.Actor);
                await tx.AppendAuditAsync(new AuditEntry(now, caller.Actor, AuditAction.JobScale, target, job.Id, requestId, job.Revision, to,
                    job.SpecHash, content.SpecHash, caller.Client, NullIfEmpty(request.Reason) ?? $"parallelism {before} -> {request.Parallelism}"));
                var started = await StartScaleDeploymentsAsync(tx, $"{request.Namespace}/{request.Name}", to, caller.Actor, now, ct);
                var scaled = job with { Revision = to, SpecHash = content.SpecHash, SourceKind = SourceKind.Spec, UpdatedAt = now, UpdatedBy = caller.Actor };
                return (new ScaleJobResponse
                {
                    Job = scaled.ToJob(spec), Revision = to, PreviousRevision = job.Revision, Changed = true, DeploymentIds = { started },
                }, null);
            }, ct);
            return earlier is null ? response! : await ReplayScaleAsync(earlier, target, request, ct);
        }
        catch (DuplicateKeyException error)
        {
            if (requestId is not null && await store.FindAuditByRequestIdAsync(requestId, ct) is { } raced)
                return await ReplayScaleAsync(raced, target, request, ct);
            throw new ConflictException($"{target} changed concurrently: {error.Message}");
        }
    }

    /// <summary>The bounds a parallelism must keep: <c>resources.max_parallelism</c> and, when enabled, autoscaling's.</summary>
    private static void CheckScaleBounds(JobSpec spec, int parallelism)
    {
        if (spec.Resources is { MaxParallelism: > 0 } resources && parallelism > resources.MaxParallelism)
            throw new SpecValidationException("parallelism", $"{parallelism} exceeds resources.maxParallelism {resources.MaxParallelism}");
        if (spec.Autoscaling is not { Enabled: true } autoscaling)
            return;
        if (autoscaling.MinParallelism > 0 && parallelism < autoscaling.MinParallelism)
            throw new SpecValidationException("parallelism", $"{parallelism} is below autoscaling.minParallelism {autoscaling.MinParallelism}");
        if (autoscaling.MaxParallelism > 0 && parallelism > autoscaling.MaxParallelism)
            throw new SpecValidationException("parallelism", $"{parallelism} exceeds autoscaling.maxParallelism {autoscaling.MaxParallelism}");
    }

    private async Task<IReadOnlyList<long>> StartScaleDeploymentsAsync(StoreTransaction tx, string job, long revision, string actor,
        DateTimeOffset now, CancellationToken ct)
    {
        if (_options.Deployments is not { } deployments)
            return [];
        var submitted = await deployments.LastSubmissionsAsync(tx, job, ct);
        var created = await deployments.CreateAsync(tx, submitted.Select(d => new NewDeployment(job, revision, d.Fabric, DeploymentKind.Scale, actor)), now, ct);
        return created.Select(d => d.Id).ToList();
    }

    private async Task<ScaleJobResponse> ReplayScaleAsync(AuditRecord earlier, string target, ScaleJobRequest request, CancellationToken ct)
    {
        if (earlier.Action != AuditAction.JobScale || earlier.Target != target)
            throw new ConflictException($"request id '{earlier.RequestId}' was already used for {Describe(earlier)}; " +
                                        "a retry must repeat the same request, a new request needs a new id");
        var job = await store.FindJobAsync(request.Namespace, request.Name, includeSpec: true, ct)
                  ?? throw JobNotFound(request.Namespace, request.Name, false);
        return new ScaleJobResponse
        {
            Job = job.ToJob(), Revision = earlier.AfterRevision ?? 0, PreviousRevision = earlier.BeforeRevision ?? 0, Changed = true, Replayed = true,
        };
    }

    /// <summary>
    /// The deployments that carry a desired-state change out: one per fabric where the job was ever submitted, for the
    /// revision submitted there last (what runs or ran), written in the change's transaction.
    /// </summary>
    private async Task<IReadOnlyList<long>> StartDeploymentsAsync(StoreTransaction tx, string job, DesiredState state, string actor,
        DateTimeOffset now, CancellationToken ct)
    {
        if (_options.Deployments is not { } deployments)
            return [];
        var kind = state switch
        {
            DesiredState.Suspended => DeploymentKind.Suspend,
            DesiredState.Deleted => DeploymentKind.Delete,
            _ => DeploymentKind.Resume,
        };
        var submitted = await deployments.LastSubmissionsAsync(tx, job, ct);
        var created = await deployments.CreateAsync(tx, submitted.Select(d => new NewDeployment(job, d.Revision, d.Fabric, kind, actor)), now, ct);
        return created.Select(d => d.Id).ToList();
    }

    private async Task<ChangeJobStateResponse> ReplayStateChangeAsync(AuditRecord earlier, AuditAction action, string target,
        ChangeJobStateRequest request, CancellationToken ct)
    {
        if (earlier.Action != action || earlier.Target != target)
            throw new ConflictException($"request id '{earlier.RequestId}' was already used for {Describe(earlier)}; " +
                                        "a retry must repeat the same request, a new request needs a new id");
        var job = await store.FindJobAsync(request.Namespace, request.Name, includeSpec: true, ct)
                  ?? throw JobNotFound(request.Namespace, request.Name, false);
        return new ChangeJobStateResponse { Job = job.ToJob(), Changed = true, Replayed = true };
    }

    // ---- audit ----------------------------------------------------------------------------------------------

    /// <summary>Audit rows newest first, by job (namespace and name), namespace, actor, action and time range.</summary>
    public async Task<ListAuditEventsResponse> ListAuditEventsAsync(ListAuditEventsRequest request, CallerContext caller,
        CancellationToken ct = default)
    {
        var pageSize = RequestChecks.PageSize(request.PageSize);
        if (request.Name.Length > 0 && request.Namespace.Length == 0)
            throw new SpecValidationException("namespace", "is required when name is given (a job is namespace/name)");
        if (request.Since is not null && request.Until is not null && request.Since.CompareTo(request.Until) >= 0)
            throw new SpecValidationException("until", "must be later than since");
        var query = new AuditQuery
        {
            JobId = request.Name.Length > 0 ? await JobIdAsync(request.Namespace, request.Name, ct) : null,
            TargetPrefix = request.Name.Length == 0 && request.Namespace.Length > 0 ? $"job/{request.Namespace}/" : null,
            Actor = NullIfEmpty(request.Actor),
            Action = request.Action == AuditAction.Unspecified ? null : request.Action,
            Since = request.Since?.ToDateTimeOffset(),
            Until = request.Until?.ToDateTimeOffset(),
            BeforeId = PageToken.DecodeNumber("audit", request.PageToken),
            Limit = pageSize + 1,
        };
        var rows = await store.ListAuditAsync(query, ct);
        var response = new ListAuditEventsResponse();
        response.Events.AddRange(rows.Take(pageSize).Select(r => r.ToEvent()));
        if (rows.Count > pageSize)
            response.NextPageToken = PageToken.Encode("audit", rows[pageSize - 1].Id.ToString());
        return response;
    }

    // ---- lineage --------------------------------------------------------------------------------------------

    /// <summary>The live jobs whose current revision reads or writes the dataset.</summary>
    public async Task<DatasetLineage> GetDatasetLineageAsync(GetDatasetLineageRequest request, CallerContext caller, CancellationToken ct = default)
    {
        var uri = DatasetUriOf(request.Uri);
        var (dataset, links) = await store.FindDatasetLinksAsync(uri, ct) ?? throw DatasetNotFound(uri);
        var response = new DatasetLineage { Dataset = dataset.ToInfo() };
        response.Readers.AddRange(links.Where(l => l.Direction == DatasetDirection.Read).Select(l => l.ToRef()));
        response.Writers.AddRange(links.Where(l => l.Direction == DatasetDirection.Write).Select(l => l.ToRef()));
        return response;
    }

    /// <summary>Upstream (writers of what the job reads, transitively) and downstream jobs, to a depth (default 1).</summary>
    public async Task<JobLineage> GetJobLineageAsync(GetJobLineageRequest request, CallerContext caller, CancellationToken ct = default)
    {
        RequestChecks.JobName(request.Namespace, request.Name);
        if (request.Depth < 0 || request.Depth > MaxJobLineageDepth)
            throw new SpecValidationException("depth", $"must be between 1 and {MaxJobLineageDepth} (0 means 1), got {request.Depth}");
        var depth = request.Depth == 0 ? 1 : request.Depth;
        var job = await store.FindJobAsync(request.Namespace, request.Name, includeSpec: false, ct);
        if (job is null || job.DesiredState == DesiredState.Deleted)
            throw JobNotFound(request.Namespace, request.Name, job is not null);
        var own = await store.LinksOfJobsAsync([job.Id], ct);
        var reads = own.Where(l => l.Direction == DatasetDirection.Read).ToList();
        var writes = own.Where(l => l.Direction == DatasetDirection.Write).ToList();
        var (upstream, _) = await _lineage.WalkAsync(reads.Select(l => l.DatasetId).ToList(), downstream: false, depth, new HashSet<long> { job.Id }, ct);
        var (downstream, _) = await _lineage.WalkAsync(writes.Select(l => l.DatasetId).ToList(), downstream: true, depth, new HashSet<long> { job.Id }, ct);
        var response = new JobLineage { Job = new JobRef { Namespace = job.Namespace, Name = job.Name, Revision = job.Revision } };
        response.Reads.AddRange(reads.Select(l => l.DatasetUri));
        response.Writes.AddRange(writes.Select(l => l.DatasetUri));
        response.Upstream.AddRange(upstream);
        response.Downstream.AddRange(downstream);
        return response;
    }

    /// <summary>Every live job downstream of the dataset, and every dataset they write, transitively.</summary>
    public async Task<BlastRadius> GetBlastRadiusAsync(GetBlastRadiusRequest request, CallerContext caller, CancellationToken ct = default)
    {
        if (request.MaxDepth < 0 || request.MaxDepth > LineageExplorer.MaxDepth)
            throw new SpecValidationException("max_depth", $"must be between 0 (unlimited) and {LineageExplorer.MaxDepth}, got {request.MaxDepth}");
        var dataset = await DatasetAsync(request.Uri, ct);
        var depth = request.MaxDepth == 0 ? LineageExplorer.MaxDepth : request.MaxDepth;
        var (jobs, datasets) = await _lineage.WalkAsync([dataset.Id], downstream: true, depth, new HashSet<long>(), ct);
        var response = new BlastRadius { Dataset = dataset.ToInfo() };
        response.Jobs.AddRange(jobs);
        response.Datasets.AddRange(datasets.Where(d => d != dataset.Uri));
        return response;
    }

    public async Task<ListDatasetsResponse> ListDatasetsAsync(ListDatasetsRequest request, CallerContext caller, CancellationToken ct = default)
    {
        var pageSize = RequestChecks.PageSize(request.PageSize);
        var after = PageToken.Decode("datasets", request.PageToken, 1)?[0];
        var datasets = await store.ListDatasetsAsync(NullIfEmpty(RequestChecks.DatasetUri(request.UriPrefix)), after, pageSize + 1, ct);
        var response = new ListDatasetsResponse();
        response.Datasets.AddRange(datasets.Take(pageSize).Select(d => d.ToInfo()));
        if (datasets.Count > pageSize)
            response.NextPageToken = PageToken.Encode("datasets", datasets[pageSize - 1].Uri);
        return response;
    }

    public async Task<ListNamespacesResponse> ListNamespacesAsync(ListNamespacesRequest request, CallerContext caller, CancellationToken ct = default)
    {
        var response = new ListNamespacesResponse();
        response.Namespaces.AddRange(await store.ListNamespacesAsync(ct));
        return response;
    }

    // ---- fabrics --------------------------------------------------------------------------------------------

    /// <summary>Creates or replaces a fabric, audited; validated like the platform config's fabrics.</summary>
    public async Task<FabricRecord> PutFabricAsync(PutFabricRequest request, CallerContext caller, CancellationToken ct = default)
    {
        caller.Check();
        var requestId = RequestChecks.RequestId(request.RequestId);
        if (request.Fabric is null) throw new SpecValidationException("fabric", "is required");
        var errors = PlatformValidator.Validate(new PlatformConfig { Fabrics = { request.Fabric } }).Where(d => d.IsError).ToList();
        if (errors.Count > 0)
            throw new SpecValidationException(errors.Select(d => new FieldViolation(d.Path.Replace("fabrics[0]", "fabric"), 0, 0, d.Message)).ToList());
        var fabric = CanonicalSpec.Canonicalize(request.Fabric);
        var config = JsonFormatter.Default.Format(fabric);
        var target = $"fabric/{fabric.Name}";
        var hash = CanonicalSpec.HashOf(config);
        if (requestId is not null && await store.FindAuditByRequestIdAsync(requestId, ct) is { } earlier)
        {
            if (earlier.Action != AuditAction.FabricPut || earlier.Target != target || earlier.AfterHash != hash)
                throw new ConflictException($"request id '{requestId}' was already used for {Describe(earlier)}");
            return await FabricAsync(fabric.Name, ct);
        }
        var now = _options.Clock.GetUtcNow();
        try
        {
            await store.WriteAsync(async tx =>
            {
                await tx.PutFabricAsync(fabric.Name, config, now, caller.Actor);
                await tx.AppendAuditAsync(new AuditEntry(now, caller.Actor, AuditAction.FabricPut, target, null, requestId, null, null, null, hash,
                    caller.Client, null));
                return true;
            }, ct);
        }
        catch (DuplicateKeyException) when (requestId is not null)
        {
            throw new ConflictException($"request id '{requestId}' was used concurrently by another request");
        }
        return new FabricRecord { Fabric = fabric, UpdatedAt = Timestamp.FromDateTimeOffset(now), UpdatedBy = caller.Actor };
    }

    public async Task<ListFabricsResponse> ListFabricsAsync(ListFabricsRequest request, CallerContext caller, CancellationToken ct = default)
    {
        var response = new ListFabricsResponse();
        response.Fabrics.AddRange((await store.ListFabricsAsync(ct)).Select(ToFabricRecord));
        return response;
    }

    // ---- bulk -----------------------------------------------------------------------------------------------

    /// <summary>
    /// Bulk path for the benchmark and imports: stores new jobs (revision 1 each, lineage, audit) with multi-row
    /// inserts in one transaction. Every spec must be valid and name a job that does not exist yet. Returns how many
    /// were stored. Use batches of a few thousand.
    /// </summary>
    public async Task<int> SeedJobsAsync(IReadOnlyList<JobSpec> specs, CallerContext caller, CancellationToken ct = default)
    {
        caller.Check();
        var violations = new List<FieldViolation>();
        var jobs = new List<SeedJob>(specs.Count);
        for (var i = 0; i < specs.Count; i++)
        {
            var errors = SpecValidator.Validate(specs[i], _options.Platform).Where(d => d.IsError).ToList();
            violations.AddRange(errors.Select(d => new FieldViolation($"specs[{i}].{d.Path}", 0, 0, d.Message)));
            if (errors.Count == 0)
                jobs.Add(new SeedJob(specs[i].Namespace, specs[i].Name, RevisionContent.Of(specs[i], SourceKind.Spec, null)));
        }
        var duplicate = jobs.GroupBy(j => (j.Namespace, j.Name)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            violations.Add(new FieldViolation("specs", 0, 0, $"job {duplicate.Key.Namespace}/{duplicate.Key.Name} appears more than once"));
        if (violations.Count > 0) throw new SpecValidationException(violations);
        try
        {
            return await store.SeedJobsAsync(jobs, caller.Actor, caller.Client, _options.Clock.GetUtcNow(), ct);
        }
        catch (DuplicateKeyException error)
        {
            throw new ConflictException($"seeding refused: a job in the batch already exists ({error.Message})");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private async Task<long> JobIdAsync(string @namespace, string name, CancellationToken ct)
    {
        RequestChecks.JobName(@namespace, name);
        return await store.FindJobIdAsync(@namespace, name, ct) ?? throw JobNotFound(@namespace, name, false);
    }

    private async Task<RevisionRecord> RevisionAsync(long jobId, string @namespace, string name, long revision, CancellationToken ct) =>
        await store.FindRevisionAsync(jobId, revision, ct) ?? throw new NotFoundException($"job {@namespace}/{name} has no revision {revision}");

    private async Task<DatasetRecord> DatasetAsync(string uri, CancellationToken ct)
    {
        var normalized = DatasetUriOf(uri);
        return await store.FindDatasetAsync(normalized, ct) ?? throw DatasetNotFound(normalized);
    }

    private static string DatasetUriOf(string uri) =>
        string.IsNullOrWhiteSpace(uri) ? throw new SpecValidationException("uri", "is required, e.g. kafka://cluster/topic") : RequestChecks.DatasetUri(uri);

    private static NotFoundException DatasetNotFound(string uri) => new($"dataset {uri} not found: no job has ever read or written it");

    private async Task<FabricRecord> FabricAsync(string name, CancellationToken ct) =>
        (await store.ListFabricsAsync(ct)).Where(f => f.Name == name).Select(ToFabricRecord).FirstOrDefault()
        ?? throw new NotFoundException($"fabric {name} not found");

    private static FabricRecord ToFabricRecord(StoredFabric fabric) => new()
    {
        Fabric = Fabric.Parser.ParseJson(fabric.Config),
        UpdatedAt = Timestamp.FromDateTimeOffset(fabric.UpdatedAt),
        UpdatedBy = fabric.UpdatedBy,
    };

    private static ConflictException StaleRevision(string target, long expected, long current) =>
        new($"{target} is at revision {current}, but the request expected revision {expected}" +
            (current == 0 ? " (the job does not exist)" : "") + "; read it again and re-apply", current);

    private static NotFoundException JobNotFound(string @namespace, string name, bool deleted) =>
        new($"job {@namespace}/{name} not found" + (deleted ? " (it was deleted; its history and audit remain)" : ""));

    private static string Describe(AuditRecord audit) => $"{audit.Action} of {audit.Target} at {audit.At:O}";

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
