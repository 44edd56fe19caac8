using System.Data.Common;
using Dapper;
using Sluice.Spec.V1;
using Sluice.Store.Dialects;

namespace Sluice.Store;

/// <summary>
/// One write transaction (see <see cref="SluiceStore.WriteAsync{T}"/>): reads that lock what they read, and the
/// inserts and guarded updates a command makes. Committed by the store when the command's delegate returns.
/// </summary>
public sealed class StoreTransaction
{
    private readonly IStoreDialect _dialect;
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly CancellationToken _ct;

    internal DbConnection Connection => _connection;
    internal DbTransaction Transaction => _transaction;

    internal StoreTransaction(IStoreDialect dialect, DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        _dialect = dialect;
        _connection = connection;
        _transaction = transaction;
        _ct = ct;
    }

    /// <summary>The job (deleted or not) with its head revision, locked until the transaction ends.</summary>
    public async Task<JobRecord?> LockJobAsync(string @namespace, string name)
    {
        // Lock the job row alone, then read it with its head: PostgreSQL re-checks a locked join against the
        // row's newest version, which would drop a job whose head moved while we waited for the lock.
        var jobId = await _connection.QuerySingleOrDefaultAsync<long?>(Command(
            "SELECT id FROM jobs WHERE namespace = @Namespace AND name = @Name" + _dialect.ForUpdate,
            new { Namespace = @namespace, Name = name }));
        if (jobId is null) return null;
        var row = await _connection.QuerySingleAsync<JobRow>(Command(
            "SELECT " + JobRow.Columns + JobRow.From + " WHERE j.id = @Id", new { Id = jobId }));
        return row.ToRecord();
    }

    /// <summary>Inserts the job row (revision 0, no head yet), creating its namespace on first use.</summary>
    public async Task<long> InsertJobAsync(string @namespace, string name, DesiredState state, DateTimeOffset at, string actor)
    {
        var micros = Micros.From(at);
        await _connection.ExecuteAsync(Command(
            _dialect.InsertIgnore("namespaces", "name, created_at, created_by", "(@Namespace, @At, @Actor)", "name"),
            new { Namespace = @namespace, At = micros, Actor = actor }));
        return await _connection.ExecuteScalarAsync<long>(Command(_dialect.InsertReturningId(
                "INSERT INTO jobs (namespace, name, revision, current_revision_id, desired_state, created_at, created_by, updated_at, updated_by) " +
                "VALUES (@Namespace, @Name, 0, NULL, @State, @At, @Actor, @At, @Actor)"),
            new { Namespace = @namespace, Name = name, State = (short)state, At = micros, Actor = actor }));
    }

    /// <summary>Inserts an immutable revision with its labels, placement and dataset links; answers its id.</summary>
    public async Task<long> InsertRevisionAsync(long jobId, long revision, NewRevision content, string author, DateTimeOffset at, string? requestId)
    {
        var micros = Micros.From(at);
        var revisionId = await _connection.ExecuteScalarAsync<long>(Command(_dialect.InsertReturningId(
                "INSERT INTO job_revisions (job_id, revision, spec_hash, canonical_spec, source_kind, source_text, runtime, stateful, author, created_at, request_id) " +
                "VALUES (@JobId, @Revision, @SpecHash, @CanonicalSpec, @SourceKind, @SourceText, @Runtime, @Stateful, @Author, @At, @RequestId)"),
            new
            {
                JobId = jobId, Revision = revision, content.SpecHash, content.CanonicalSpec, SourceKind = (short)content.SourceKind,
                content.SourceText, Runtime = (short)content.Runtime, content.Stateful, Author = author, At = micros, RequestId = requestId,
            }));
        await RevisionIndexWriter.WriteAsync(_dialect, _connection, _transaction, [(revisionId, content)], micros, _ct);
        return revisionId;
    }

    /// <summary>Moves the job's head from <paramref name="fromRevision"/> to a new revision; refuses if the head moved.</summary>
    public async Task SetHeadAsync(long jobId, long fromRevision, long toRevision, long revisionId, DesiredState state, DateTimeOffset at, string actor)
    {
        var updated = await _connection.ExecuteAsync(Command(
            "UPDATE jobs SET revision = @To, current_revision_id = @RevisionId, desired_state = @State, updated_at = @At, updated_by = @Actor " +
            "WHERE id = @JobId AND revision = @From",
            new { To = toRevision, RevisionId = revisionId, State = (short)state, At = Micros.From(at), Actor = actor, JobId = jobId, From = fromRevision }));
        if (updated != 1)
            throw new StoreConcurrencyException($"job {jobId} is no longer at revision {fromRevision}");
    }

    /// <summary>Changes the desired state of a job still at <paramref name="revision"/>; refuses if the head moved.</summary>
    public async Task SetDesiredStateAsync(long jobId, long revision, DesiredState state, DateTimeOffset at, string actor)
    {
        var updated = await _connection.ExecuteAsync(Command(
            "UPDATE jobs SET desired_state = @State, updated_at = @At, updated_by = @Actor WHERE id = @JobId AND revision = @Revision",
            new { State = (short)state, At = Micros.From(at), Actor = actor, JobId = jobId, Revision = revision }));
        if (updated != 1)
            throw new StoreConcurrencyException($"job {jobId} is no longer at revision {revision}");
    }

    public Task<long> AppendAuditAsync(AuditEntry entry) =>
        _connection.ExecuteScalarAsync<long>(Command(_dialect.InsertReturningId(
            "INSERT INTO audit_log (at, actor, action, target, job_id, request_id, before_revision, after_revision, before_hash, after_hash, client, reason) " +
            "VALUES (@At, @Actor, @Action, @Target, @JobId, @RequestId, @BeforeRevision, @AfterRevision, @BeforeHash, @AfterHash, @Client, @Reason)"),
            AuditParameters(entry)));

    public async Task<AuditRecord?> FindAuditByRequestIdAsync(string requestId)
    {
        var row = await _connection.QuerySingleOrDefaultAsync<AuditRow>(Command(
            "SELECT " + AuditRow.Columns + " FROM audit_log WHERE request_id = @RequestId", new { RequestId = requestId }));
        return row?.ToRecord();
    }

    public Task PutFabricAsync(string name, string config, DateTimeOffset at, string actor) =>
        _connection.ExecuteAsync(Command(
            _dialect.Upsert("fabrics", "name, config, updated_at, updated_by", "(@Name, @Config, @At, @Actor)", "name",
                ["config", "updated_at", "updated_by"]),
            new { Name = name, Config = config, At = Micros.From(at), Actor = actor }));

    internal static object AuditParameters(AuditEntry e) => new
    {
        At = Micros.From(e.At), e.Actor, Action = (short)e.Action, e.Target, e.JobId, e.RequestId, e.BeforeRevision,
        e.AfterRevision, e.BeforeHash, e.AfterHash, e.Client, e.Reason,
    };

    private CommandDefinition Command(string sql, object? parameters = null) =>
        new(sql, parameters, _transaction, cancellationToken: _ct);
}
