using System.Data.Common;
using Dapper;
using Npgsql;
using Sluice.Spec.V1;
using Sluice.Store.Dialects;

namespace Sluice.Store;

/// <summary>
/// One write transaction (see <see cref="SluiceStore.WriteAsync{T}"/>): reads that lock what they read, and the
/// inserts and guarded updates a command makes. Writes whose results nobody needs (index rows, head moves, audit
/// rows) are queued and sent together in one round trip before the next read or the commit; a guarded update that
/// finds its row moved fails there with <see cref="StoreConcurrencyException"/>, and the whole transaction rolls back.
/// </summary>
public sealed class StoreTransaction
{
    private readonly IStoreDialect _dialect;
    private readonly CancellationToken _ct;
    private readonly List<Statement> _pending = [];

    internal StoreTransaction(IStoreDialect dialect, DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        _dialect = dialect;
        Connection = connection;
        Transaction = transaction;
        _ct = ct;
    }

    internal DbConnection Connection { get; }

    internal DbTransaction Transaction { get; }

    /// <summary>The job (deleted or not) with its head revision, locked until the transaction ends.</summary>
    public async Task<JobRecord?> LockJobAsync(string @namespace, string name)
    {
        await FlushAsync();
        // Lock the job row alone, then read it with its head in a second statement of the same round trip:
        // PostgreSQL re-checks a locked join against the row's newest version, which would drop a job whose head
        // moved while we waited for the lock; the second statement reads after the lock is held.
        await using var results = await Connection.QueryMultipleAsync(Command(
            "SELECT id FROM jobs WHERE namespace = @Namespace AND name = @Name" + _dialect.ForUpdate + "; " +
            "SELECT " + JobRow.Columns + JobRow.From + " WHERE j.namespace = @Namespace AND j.name = @Name",
            new { Namespace = @namespace, Name = name }));
        var locked = await results.ReadSingleOrDefaultAsync<long?>();
        var row = await results.ReadSingleOrDefaultAsync<JobRow>();
        return locked is null ? null : row?.ToRecord();
    }

    /// <summary>
    /// Locks many jobs at once (in key order, so concurrent batches cannot deadlock) and answers those that exist,
    /// deleted or not, with their head revisions.
    /// </summary>
    public async Task<IReadOnlyDictionary<(string Namespace, string Name), JobRecord>> LockJobsAsync(IReadOnlyCollection<(string Namespace, string Name)> keys)
    {
        await FlushAsync();
        return await BatchWrites.LockJobsAsync(_dialect, this, keys, _ct);
    }

    /// <summary>Inserts many job rows (revision 0, no head yet) and their namespaces; answers their ids.</summary>
    public async Task<IReadOnlyDictionary<(string Namespace, string Name), long>> InsertJobsAsync(
        IReadOnlyCollection<(string Namespace, string Name, string Actor)> jobs, DesiredState state, DateTimeOffset at)
    {
        if (jobs.Count == 0) return new Dictionary<(string, string), long>();
        await FlushAsync();
        return await BatchWrites.InsertJobsAsync(_dialect, this, jobs, state, Micros.From(at), _ct);
    }

    /// <summary>Inserts many immutable revisions with their index rows; answers their ids in the order given.</summary>
    public async Task<IReadOnlyList<long>> InsertRevisionsAsync(IReadOnlyList<RevisionWrite> revisions, DateTimeOffset at) =>
        revisions.Count == 0 ? [] : await BatchWrites.InsertRevisionsAsync(_dialect, this, revisions, Micros.From(at), _ct);

    /// <summary>Inserts the job row (revision 0, no head yet), creating its namespace on first use.</summary>
    public async Task<long> InsertJobAsync(string @namespace, string name, DesiredState state, DateTimeOffset at, string actor)
    {
        await FlushAsync();
        await using var results = await Connection.QueryMultipleAsync(Command(
            _dialect.InsertIgnore("namespaces", "name, created_at, created_by", "(@Namespace, @At, @Actor)", "name") + "; " +
            _dialect.InsertReturningId(
                "INSERT INTO jobs (namespace, name, revision, current_revision_id, desired_state, created_at, created_by, updated_at, updated_by) " +
                "VALUES (@Namespace, @Name, 0, NULL, @State, @At, @Actor, @At, @Actor)"),
            new { Namespace = @namespace, Name = name, State = (short)state, At = Micros.From(at), Actor = actor }));
        return await results.ReadSingleAsync<long>();
    }

    /// <summary>Inserts an immutable revision with its labels, placement and dataset links; answers its id.</summary>
    public async Task<long> InsertRevisionAsync(long jobId, long revision, NewRevision content, string author, DateTimeOffset at, string? requestId)
    {
        await FlushAsync();
        var micros = Micros.From(at);
        if (Connection is NpgsqlConnection npgsql)
            return await PostgresRevisionInsert.InsertAsync(npgsql, (NpgsqlTransaction)Transaction, jobId, revision, content, author, micros, requestId, _ct);
        var uris = content.Datasets.Select(d => d.Dataset.Uri).Distinct().ToArray();
        // The revision and the ids of the datasets it links, in one round trip.
        await using var results = await Connection.QueryMultipleAsync(Command(
            _dialect.InsertReturningId(
                "INSERT INTO job_revisions (job_id, revision, spec_hash, canonical_spec, source_kind, source_text, runtime, stateful, author, created_at, request_id) " +
                "VALUES (@JobId, @Revision, @SpecHash, @CanonicalSpec, @SourceKind, @SourceText, @Runtime, @Stateful, @Author, @At, @RequestId)") +
            (uris.Length == 0 ? "" : "; SELECT id, uri FROM datasets WHERE " + _dialect.InList("uri", "Uris")),
            new
            {
                JobId = jobId, Revision = revision, content.SpecHash, content.CanonicalSpec, SourceKind = (short)content.SourceKind,
                content.SourceText, Runtime = (short)content.Runtime, content.Stateful, Author = author, At = micros, RequestId = requestId,
                Uris = uris,
            }));
        var revisionId = await results.ReadSingleAsync<long>();
        var known = uris.Length == 0
            ? new Dictionary<string, long>()
            : (await results.ReadAsync<(long Id, string Uri)>()).ToDictionary(d => d.Uri, d => d.Id, StringComparer.Ordinal);
        await RevisionIndexWriter.WriteAsync(_dialect, this, [(revisionId, content)], known, micros, _ct);
        return revisionId;
    }

    /// <summary>Moves the job's head from <paramref name="fromRevision"/> to a new revision; refuses if the head moved.</summary>
    public Task SetHeadAsync(long jobId, long fromRevision, long toRevision, long revisionId, DesiredState state, DateTimeOffset at, string actor) =>
        MoveHeadsAsync([new HeadMove(jobId, fromRevision, toRevision, revisionId, state, actor)], at);

    /// <summary>Moves many heads with one statement per chunk; refuses (the whole transaction) if any head moved.</summary>
    public Task MoveHeadsAsync(IReadOnlyList<HeadMove> moves, DateTimeOffset at)
    {
        var micros = Micros.From(at);
        foreach (var chunk in moves.Chunk(Math.Max(1, _dialect.MaxParameters / 7)))
        {
            var parameters = new List<(string, object?)>(chunk.Length * 7);
            var rows = chunk.Select((m, i) =>
            {
                object?[] values = [m.JobId, m.FromRevision, m.ToRevision, m.RevisionId, (short)m.State, micros, m.Actor];
                return values.Select((value, c) =>
                {
                    parameters.Add(($"h{i}_{c}", value));
                    return $"@h{i}_{c}";
                }).ToArray();
            }).ToList();
            Enqueue(new Statement(_dialect.MoveHeads(rows), parameters, ExpectedRows: chunk.Length,
                Refusal: chunk.Length == 1
                    ? $"job {chunk[0].JobId} is no longer at revision {chunk[0].FromRevision}"
                    : $"one of jobs {string.Join(", ", chunk.Select(m => m.JobId))} is no longer at the revision it was read at"));
        }
        return Task.CompletedTask;
    }

    /// <summary>Changes the desired state of a job still at <paramref name="revision"/>; refuses if the head moved.</summary>
    public Task SetDesiredStateAsync(long jobId, long revision, DesiredState state, DateTimeOffset at, string actor)
    {
        Enqueue(new Statement(
            "UPDATE jobs SET desired_state = @State, updated_at = @At, updated_by = @Actor WHERE id = @JobId AND revision = @Revision",
            [("State", (short)state), ("At", Micros.From(at)), ("Actor", actor), ("JobId", jobId), ("Revision", revision)],
            ExpectedRows: 1, Refusal: $"job {jobId} is no longer at revision {revision}"));
        return Task.CompletedTask;
    }

    /// <summary>Queues the audit row; a reused request id fails the commit with <see cref="DuplicateKeyException"/>.</summary>
    public Task AppendAuditAsync(AuditEntry entry) => AppendAuditsAsync([entry]);

    /// <summary>Queues audit rows, many per INSERT; a reused request id fails the commit with <see cref="DuplicateKeyException"/>.</summary>
    public Task AppendAuditsAsync(IReadOnlyList<AuditEntry> entries)
    {
        Enqueue(MultiRowInsert.Build(_dialect, entries, AuditColumns.Length, AuditValues,
            values => $"INSERT INTO audit_log ({string.Join(", ", AuditColumns)}) VALUES {values}"));
        return Task.CompletedTask;
    }

    public async Task<AuditRecord?> FindAuditByRequestIdAsync(string requestId)
    {
        await FlushAsync();
        var row = await Connection.QuerySingleOrDefaultAsync<AuditRow>(Command(
            "SELECT " + AuditRow.Columns + " FROM audit_log WHERE request_id = @RequestId", new { RequestId = requestId }));
        return row?.ToRecord();
    }

    /// <summary>Which of <paramref name="requestIds"/> the audit log holds already.</summary>
    public async Task<IReadOnlySet<string>> FindRecordedRequestIdsAsync(IReadOnlyList<string> requestIds)
    {
        if (requestIds.Count == 0) return new HashSet<string>();
        await FlushAsync();
        var found = await Connection.QueryAsync<string>(Command(
            "SELECT request_id FROM audit_log WHERE " + _dialect.InList("request_id", "RequestIds"), new { RequestIds = requestIds.ToArray() }));
        return found.ToHashSet(StringComparer.Ordinal);
    }

    public Task PutFabricAsync(string name, string config, DateTimeOffset at, string actor)
    {
        Enqueue(new Statement(
            _dialect.Upsert("fabrics", "name, config, updated_at, updated_by", "(@Name, @Config, @At, @Actor)", "name", ["config", "updated_at", "updated_by"]),
            [("Name", name), ("Config", config), ("At", Micros.From(at)), ("Actor", actor)]));
        return Task.CompletedTask;
    }

    internal static readonly string[] AuditColumns =
        ["at", "actor", "action", "target", "job_id", "request_id", "before_revision", "after_revision", "before_hash", "after_hash", "client", "reason"];

    internal static object?[] AuditValues(AuditEntry e) =>
    [
        Micros.From(e.At), e.Actor, (short)e.Action, e.Target, e.JobId, e.RequestId, e.BeforeRevision, e.AfterRevision,
        e.BeforeHash, e.AfterHash, e.Client, e.Reason,
    ];

    internal void Enqueue(Statement statement) => _pending.Add(statement);

    internal void Enqueue(IEnumerable<Statement> statements) => _pending.AddRange(statements);

    /// <summary>Sends the queued writes (one round trip where the provider batches).</summary>
    internal async Task FlushAsync()
    {
        if (_pending.Count == 0) return;
        var statements = _pending.ToList();
        _pending.Clear();
        await Statement.ExecuteAsync(Connection, Transaction, statements, _dialect.BatchesWrites, _ct);
    }

    private CommandDefinition Command(string sql, object? parameters = null) =>
        new(sql, parameters, Transaction, cancellationToken: _ct);
}
