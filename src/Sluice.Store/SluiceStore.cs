using System.Data.Common;
using System.Text;
using Dapper;
using Npgsql;
using Sluice.Spec.V1;
using Sluice.Store.Dialects;

namespace Sluice.Store;

/// <summary>
/// The relational store for one database (SQLite, PostgreSQL or MySQL/MariaDB): schema migrations, the write
/// transaction commands run in, and every query. Open one with <see cref="StoreFactory.Open"/>; thread-safe, pooled.
/// </summary>
public sealed class SluiceStore : IAsyncDisposable
{
    private readonly IStoreDialect _dialect;

    internal SluiceStore(StoreUrl url)
    {
        Url = url;
        _dialect = url.Dialect switch
        {
            StoreDialectKind.Postgres => new PostgresDialect(url.ConnectionString),
            StoreDialectKind.MySql => new MySqlDialect(url.ConnectionString),
            _ => new SqliteDialect(url.ConnectionString),
        };
    }

    internal StoreUrl Url { get; }

    public StoreDialectKind Dialect => Url.Dialect;

    /// <summary>
    /// Brings the schema to the latest version (versioned migrations); safe to call on every start, and from many
    /// replicas at once: on PostgreSQL and MySQL a database lock lets one migrate while the others wait.
    /// </summary>
    public async Task MigrateAsync(CancellationToken ct = default)
    {
        // On SQLite this first connection also switches the file to WAL before the first table exists.
        await using var connection = await _dialect.OpenAsync(ct);
        var migrationLock = _dialect.MigrationLock;
        if (migrationLock is { } statements)
            await connection.ExecuteScalarAsync(new CommandDefinition(statements.Lock, cancellationToken: ct));
        try
        {
            await Task.Run(() => SchemaMigrator.MigrateUp(_dialect, Url.ConnectionString), ct);
        }
        finally
        {
            if (migrationLock is { } release)
                await connection.ExecuteScalarAsync(new CommandDefinition(release.Unlock, cancellationToken: CancellationToken.None));
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it. Deadlocks, serialization failures and a busy
    /// database are retried from the start; a unique-key violation becomes <see cref="DuplicateKeyException"/>.
    /// Either way nothing of a failed attempt remains.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<StoreTransaction, Task<T>> work, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await _dialect.OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(_dialect.WriteIsolation, ct);
            try
            {
                var tx = new StoreTransaction(_dialect, connection, transaction, ct);
                var result = await work(tx);
                await tx.FlushAsync();
                await transaction.CommitAsync(ct);
                return result;
            }
            catch (Exception error) when (_dialect.IsTransient(error) && attempt < TransientRetry.MaxAttempts)
            {
                await RollbackQuietlyAsync(transaction);
                await Task.Delay(Random.Shared.Next(1, 10 * attempt), ct);
            }
            catch (Exception error) when (_dialect.IsUniqueViolation(error))
            {
                await RollbackQuietlyAsync(transaction);
                throw new DuplicateKeyException(error.Message, error);
            }
        }
    }

    /// <summary>
    /// Whether <see cref="ReadForAppliesAsync"/> and <see cref="WriteAppliesAsync"/> are available: a batch of applies in one
    /// statement without an explicit transaction. PostgreSQL only; elsewhere a batch runs in <see cref="WriteAsync{T}"/>.
    /// </summary>
    public bool WritesAppliesInOneStatement => Dialect == StoreDialectKind.Postgres;

    /// <summary>A read on its own for a batch of applies: the jobs it names (with their heads) and the request ids recorded already.</summary>
    public Task<ApplyBatchSnapshot> ReadForAppliesAsync(ApplyBatchKeys keys, CancellationToken ct = default) =>
        InOneStatementAsync(connection => PostgresApplyBatch.ReadAsync(connection, keys, ct), ct);

    /// <summary>
    /// Every apply of the batch in one statement, committed on its own. Each apply is written whole or, when its job
    /// moved since it was read (or exists, for a create), not at all; answers the job id of each one
    /// written by index. A request id recorded meanwhile fails the statement with <see cref="DuplicateKeyException"/>.
    /// Given <paramref name="next"/>, also reads those jobs and request ids once the write is committed, in the same
    /// round trip; a failure of that read leaves the write committed and the snapshot null.
    /// </summary>
    public Task<AppliesWritten> WriteAppliesAsync(IReadOnlyList<GuardedRevision> revisions, IReadOnlyList<GuardedAudit> unchanged,
        DateTimeOffset at, ApplyBatchKeys? next = null, CancellationToken ct = default) =>
        InOneStatementAsync(connection => PostgresApplyBatch.WriteAsync(connection, revisions, unchanged, Micros.From(at), next, ct), ct);

    private async Task<T> InOneStatementAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        if (_dialect is not PostgresDialect postgres) throw new NotSupportedException($"{Dialect} writes applies in a transaction (WriteAsync)");
        try
        {
            return await TransientRetry.RunAsync(_dialect.IsTransient, async () =>
            {
                await using var connection = await postgres.OpenForArrayStatementsAsync(ct);
                return await work(connection);
            }, ct);
        }
        catch (Exception error) when (_dialect.IsUniqueViolation(error))
        {
            throw new DuplicateKeyException(error.Message, error);
        }
    }

    /// <summary><see cref="WriteAsync{T}"/> for work that answers nothing.</summary>
    public Task WriteAsync(Func<StoreTransaction, Task> work, CancellationToken ct = default) =>
        WriteAsync(async tx =>
        {
            await work(tx);
            return true;
        }, ct);

    public async Task<JobRecord?> FindJobAsync(string @namespace, string name, bool includeSpec, CancellationToken ct = default)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            "SELECT " + JobRow.Columns + (includeSpec ? ", r.canonical_spec AS CanonicalSpec" : "") + JobRow.From +
            " WHERE j.namespace = @Namespace AND j.name = @Name",
            new { Namespace = @namespace, Name = name }, cancellationToken: ct));
        return row?.ToRecord();
    }

    /// <summary>One page of jobs, ordered by (namespace, name); every filter answered from index tables.</summary>
    public async Task<IReadOnlyList<JobRecord>> ListJobsAsync(JobQuery query, CancellationToken ct = default)
    {
        var sql = new StringBuilder("SELECT ").Append(JobRow.Columns);
        if (query.IncludeSpec) sql.Append(", r.canonical_spec AS CanonicalSpec");
        sql.Append(JobRow.From).Append(" WHERE 1 = 1");
        var p = new DynamicParameters();
        if (query.Namespace is not null)
        {
            sql.Append(" AND j.namespace = @Namespace");
            p.Add("Namespace", query.Namespace);
        }
        if (query.DesiredState is { } state)
        {
            sql.Append(" AND j.desired_state = @State");
            p.Add("State", (short)state);
        }
        else if (!query.IncludeDeleted)
        {
            sql.Append(" AND j.desired_state <> @Deleted");
            p.Add("Deleted", (short)DesiredState.Deleted);
        }
        if (query.Runtime is { } runtime)
        {
            sql.Append(" AND r.runtime = @Runtime");
            p.Add("Runtime", (short)runtime);
        }
        if (query.Stateful is { } stateful)
        {
            sql.Append(" AND r.stateful = @Stateful");
            p.Add("Stateful", stateful);
        }
        if (query.Fabric is not null)
        {
            sql.Append(" AND j.current_revision_id IN (SELECT revision_id FROM job_placements WHERE fabric = @Fabric)");
            p.Add("Fabric", query.Fabric);
        }
        AppendDatasetFilter(sql, p, query.ReadsDataset, DatasetDirection.Read, "Reads");
        AppendDatasetFilter(sql, p, query.WritesDataset, DatasetDirection.Write, "Writes");
        for (var i = 0; i < query.Labels.Count; i++)
            AppendLabelFilter(sql, p, query.Labels[i], i);
        if (query.After is var (afterNamespace, afterName))
        {
            sql.Append(" AND (j.namespace > @AfterNamespace OR (j.namespace = @AfterNamespace AND j.name > @AfterName))");
            p.Add("AfterNamespace", afterNamespace);
            p.Add("AfterName", afterName);
        }
        sql.Append(" ORDER BY j.namespace, j.name LIMIT @Limit");
        p.Add("Limit", query.Limit);

        await using var connection = await _dialect.OpenForValueDependentQueryAsync(ct);
        var rows = await connection.QueryAsync<JobRow>(new CommandDefinition(sql.ToString(), p, cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    private static void AppendDatasetFilter(StringBuilder sql, DynamicParameters p, string? uri, DatasetDirection direction, string name)
    {
        if (uri is null) return;
        sql.Append($" AND j.current_revision_id IN (SELECT jd.revision_id FROM job_datasets jd JOIN datasets d ON d.id = jd.dataset_id " +
                   $"WHERE d.uri = @{name}Uri AND jd.direction = @{name}Direction)");
        p.Add(name + "Uri", uri);
        p.Add(name + "Direction", (short)direction);
    }

    // Kubernetes selector semantics: "k!=v" and "!k" also match jobs without the label.
    private static void AppendLabelFilter(StringBuilder sql, DynamicParameters p, LabelRequirement label, int index)
    {
        var key = $"LabelKey{index}";
        var value = $"LabelValue{index}";
        p.Add(key, label.Key);
        switch (label.Operator)
        {
            case LabelOperator.Equals:
                sql.Append($" AND j.current_revision_id IN (SELECT revision_id FROM job_labels WHERE label_key = @{key} AND label_value = @{value})");
                p.Add(value, label.Value);
                break;
            case LabelOperator.NotEquals:
                sql.Append($" AND j.current_revision_id NOT IN (SELECT revision_id FROM job_labels WHERE label_key = @{key} AND label_value = @{value})");
                p.Add(value, label.Value);
                break;
            case LabelOperator.Exists:
                sql.Append($" AND j.current_revision_id IN (SELECT revision_id FROM job_labels WHERE label_key = @{key})");
                break;
            case LabelOperator.NotExists:
                sql.Append($" AND j.current_revision_id NOT IN (SELECT revision_id FROM job_labels WHERE label_key = @{key})");
                break;
        }
    }

    /// <summary>The job's revisions, newest first, below <paramref name="beforeRevision"/> when given.</summary>
    public async Task<IReadOnlyList<RevisionRecord>> ListRevisionsAsync(long jobId, long? beforeRevision, int limit, bool includeSpec,
        CancellationToken ct = default)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        var rows = await connection.QueryAsync<RevisionRow>(new CommandDefinition(
            "SELECT " + RevisionRow.Columns(includeSpec) + " FROM job_revisions WHERE job_id = @JobId" +
            (beforeRevision is null ? "" : " AND revision < @Before") + " ORDER BY revision DESC LIMIT @Limit",
            new { JobId = jobId, Before = beforeRevision, Limit = limit }, cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<RevisionRecord?> FindRevisionAsync(long jobId, long revision, CancellationToken ct = default)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<RevisionRow>(new CommandDefinition(
            "SELECT " + RevisionRow.Columns(includeSpec: true) + " FROM job_revisions WHERE job_id = @JobId AND revision = @Revision",
            new { JobId = jobId, Revision = revision }, cancellationToken: ct));
        return row?.ToRecord();
    }

    /// <summary>Any job's id by name, deleted or not (history and audit outlive deletion).</summary>
    public async Task<long?> FindJobIdAsync(string @namespace, string name, CancellationToken ct = default)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT id FROM jobs WHERE namespace = @Namespace AND name = @Name", new { Namespace = @namespace, Name = name }, cancellationToken: ct));
    }

    public async Task<AuditRecord?> FindAuditByRequestIdAsync(string requestId, CancellationToken ct = default)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<AuditRow>(new CommandDefinition(
            "SELECT " + AuditRow.Columns + " FROM audit_log WHERE request_id = @RequestId", new { RequestId = requestId }, cancellationToken: ct));
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<AuditRecord>> ListAuditAsync(AuditQuery query, CancellationToken ct = default)
    {
        var sql = new StringBuilder("SELECT ").Append(AuditRow.Columns).Append(" FROM audit_log WHERE 1 = 1");
        var p = new DynamicParameters();
        void Filter(string condition, string name, object? value)
        {
            sql.Append(" AND ").Append(condition);
            p.Add(name, value);
        }
        if (query.JobId is { } jobId) Filter("job_id = @JobId", "JobId", jobId);
        if (query.TargetPrefix is { } prefix) Filter("target LIKE @Target ESCAPE '!'", "Target", LikePrefix(prefix));
        if (query.Actor is { } actor) Filter("actor = @Actor", "Actor", actor);
        if (query.Action is { } action) Filter("action = @Action", "Action", (short)action);
        if (query.Since is { } since) Filter("at >= @Since", "Since", Micros.From(since));
        if (query.Until is { } until) Filter("at < @Until", "Until", Micros.From(until));
        if (query.BeforeId is { } beforeId) Filter("id < @BeforeId", "BeforeId", beforeId);
        sql.Append(" ORDER BY id DESC LIMIT @Limit");
        p.Add("Limit", query.Limit);
        await using var connection = await _dialect.OpenForValueDependentQueryAsync(ct);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(sql.ToString(), p, cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<DatasetRecord?> FindDatasetAsync(string uri, CancellationToken ct = default)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<DatasetRow>(new CommandDefinition(
            "SELECT " + DatasetRow.Columns + " FROM datasets WHERE uri = @Uri", new { Uri = uri }, cancellationToken: ct));
        return row?.ToRecord();
    }

    /// <summary>Datasets whose URI starts with <paramref name="uriPrefix"/>, ordered by URI, after <paramref name="afterUri"/>.</summary>
    public async Task<IReadOnlyList<DatasetRecord>> ListDatasetsAsync(string? uriPrefix, string? afterUri, int limit, CancellationToken ct = default)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        var rows = await connection.QueryAsync<DatasetRow>(new CommandDefinition(
            "SELECT " + DatasetRow.Columns + " FROM datasets WHERE 1 = 1" +
            (string.IsNullOrEmpty(uriPrefix) ? "" : " AND uri LIKE @Prefix ESCAPE '!'") +
            (afterUri is null ? "" : " AND uri > @After") + " ORDER BY uri LIMIT @Limit",
            new { Prefix = LikePrefix(uriPrefix ?? ""), After = afterUri, Limit = limit }, cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>
    /// A dataset and the links of live jobs' head revisions to it, in one round trip; null when no job ever linked it.
    /// </summary>
    public async Task<(DatasetRecord Dataset, IReadOnlyList<LineageLink> Links)?> FindDatasetLinksAsync(string uri, CancellationToken ct = default)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            "SELECT " + DatasetRow.Columns + " FROM datasets WHERE uri = @Uri; " +
            // One dataset: its uri is the one asked for, so the links need no join with datasets (a probe per reader).
            "SELECT j.id AS JobId, j.namespace AS Namespace, j.name AS Name, j.revision AS Revision, jd.dataset_id AS DatasetId, " +
            "@Uri AS DatasetUri, jd.direction AS Direction FROM job_datasets jd JOIN jobs j ON j.current_revision_id = jd.revision_id " +
            "WHERE jd.dataset_id = (SELECT id FROM datasets WHERE uri = @Uri) AND j.desired_state <> @Deleted ORDER BY j.namespace, j.name",
            new { Uri = uri, Deleted = (short)DesiredState.Deleted }, cancellationToken: ct));
        var dataset = await results.ReadSingleOrDefaultAsync<DatasetRow>();
        var links = (await results.ReadAsync<LinkRow>()).Select(r => r.ToRecord()).ToList();
        return dataset is null ? null : (dataset.ToRecord(), links);
    }

    private const string LinksSelect =
        "SELECT j.id AS JobId, j.namespace AS Namespace, j.name AS Name, j.revision AS Revision, jd.dataset_id AS DatasetId, " +
        "d.uri AS DatasetUri, jd.direction AS Direction FROM job_datasets jd " +
        "JOIN jobs j ON j.current_revision_id = jd.revision_id JOIN datasets d ON d.id = jd.dataset_id ";

    private const string LinksOrder = "ORDER BY j.namespace, j.name, d.uri";

    /// <summary>The links of live jobs' head revisions to the given datasets (in one direction, or both).</summary>
    public Task<IReadOnlyList<LineageLink>> LinksOfDatasetsAsync(IReadOnlyCollection<long> datasetIds, DatasetDirection? direction,
        CancellationToken ct = default) =>
        LinksAsync(_dialect.InList("jd.dataset_id", "Ids") + (direction is null ? "" : " AND jd.direction = @Direction"),
            datasetIds, direction, ct);

    /// <summary>Every dataset link of the given live jobs' head revisions.</summary>
    public Task<IReadOnlyList<LineageLink>> LinksOfJobsAsync(IReadOnlyCollection<long> jobIds, CancellationToken ct = default) =>
        LinksAsync(_dialect.InList("j.id", "Ids"), jobIds, null, ct);

    private async Task<IReadOnlyList<LineageLink>> LinksAsync(string condition, IReadOnlyCollection<long> ids, DatasetDirection? direction,
        CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var result = new List<LineageLink>();
        await using var connection = await _dialect.OpenAsync(ct);
        foreach (var chunk in ids.Chunk(Math.Max(1, _dialect.MaxParameters - 2)))
        {
            var rows = await connection.QueryAsync<LinkRow>(new CommandDefinition(
                LinksSelect + "WHERE " + condition + " AND j.desired_state <> @Deleted " + LinksOrder,
                new { Ids = chunk, Direction = (short?)direction, Deleted = (short)DesiredState.Deleted }, cancellationToken: ct));
            result.AddRange(rows.Select(r => r.ToRecord()));
        }
        return result;
    }

    public async Task<IReadOnlyList<string>> ListNamespacesAsync(CancellationToken ct = default)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        var rows = await connection.QueryAsync<string>(new CommandDefinition("SELECT name FROM namespaces ORDER BY name", cancellationToken: ct));
        return rows.ToList();
    }

    public async Task<IReadOnlyList<StoredFabric>> ListFabricsAsync(CancellationToken ct = default)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        var rows = await connection.QueryAsync<FabricRow>(new CommandDefinition(
            "SELECT name AS Name, config AS Config, updated_at AS UpdatedAt, updated_by AS UpdatedBy FROM fabrics ORDER BY name",
            cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>
    /// Bulk path (benchmark seeding, imports): stores new jobs at revision 1, running, with their index rows and one
    /// audit row each, using multi-row inserts in one transaction per call. A name that exists fails the whole call.
    /// </summary>
    public Task<int> SeedJobsAsync(IReadOnlyList<SeedJob> jobs, string actor, string client, DateTimeOffset at, CancellationToken ct = default) =>
        WriteAsync(tx => JobSeeder.SeedAsync(_dialect, tx, jobs, actor, client, Micros.From(at), ct), ct);

    /// <summary>
    /// Refreshes the query planner's statistics (and, on PostgreSQL, the visibility map). Call it after bulk loads
    /// (<see cref="SeedJobsAsync"/>): until the database's own background analysis catches up, plans are chosen for the
    /// tables as they were before the load.
    /// </summary>
    public async Task AnalyzeAsync(CancellationToken ct = default)
    {
        await using var connection = await _dialect.OpenAsync(ct);
        // Text, explicitly: Dapper takes a one-word command for a stored procedure's name.
        await connection.ExecuteAsync(new CommandDefinition(_dialect.AnalyzeStatement, commandType: System.Data.CommandType.Text, cancellationToken: ct));
    }

    private static string LikePrefix(string prefix) =>
        prefix.Replace("!", "!!").Replace("%", "!%").Replace("_", "!_") + "%";

    private static async Task RollbackQuietlyAsync(DbTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None);
        }
        catch (DbException)
        {
            // The server already ended the transaction (deadlock victims are rolled back by it).
        }
    }

    public ValueTask DisposeAsync() => _dialect.DisposeAsync();
}
