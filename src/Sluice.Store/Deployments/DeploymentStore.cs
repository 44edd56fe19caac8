using System.Data.Common;
using Dapper;
using Npgsql;
using Sluice.Store.Ownership;

namespace Sluice.Store.Deployments;

/// <summary>
/// Every statement of the deployment workflow. Commands (create, cancel, queries) run unfenced; every write of the
/// state machine goes through <see cref="TransitionAsync"/>, whose guarding UPDATE carries the shard lease's epoch in
/// its WHERE clause, so a worker that lost its lease can never overwrite the new owner's work.
/// </summary>
public sealed partial class DeploymentStore : IAsyncDisposable
{
    public const string NotifyChannel = "sluice_deployments";
    private readonly DeploymentSql _sql;

    private readonly TransitionCommitter _commits;
    private readonly PostgresWakeUps? _wakeUps;

    private DeploymentStore(DeploymentSql sql, int shardCount)
    {
        _sql = sql;
        ShardCount = shardCount;
        // SQLite has one writer at a time; the servers overlap building one group with committing another.
        _commits = new TransitionCommitter(WriteGroupAsync, WriteAloneAsync, WhyRefusedAsync,
            writers: sql.Kind == StoreDialectKind.Sqlite ? 1 : 2, maxGroup: 1024);
        if (sql.Kind == StoreDialectKind.Postgres)
        {
            _wakeUps = new PostgresWakeUps(async ct => (NpgsqlConnection)await sql.OpenAsync(ct), NotifyChannel);
        }
    }

    /// <summary>The fixed number of logical shards; a deployment's shard is a stable hash of its job.</summary>
    public int ShardCount { get; }

    public StoreDialectKind Dialect => _sql.Kind;

    /// <summary>Group-commit transactions written so far and the transitions they carried (for the benchmark).</summary>
    public (long Groups, long Transitions) GroupCommits => _commits.Counts;

    /// <summary>The workflow's statements over the store's database (its tables come with the store's migrations).</summary>
    public static DeploymentStore For(SluiceStore store, int shardCount = 64) =>
        new(DeploymentSql.For(store.Url.Dialect, store.Url.ConnectionString), shardCount);

    /// <summary>FNV-1a of the job key: stable across processes and versions (string.GetHashCode is not).</summary>
    public int ShardOf(string job)
    {
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(job))
        {
            hash = (hash ^ b) * 16777619u;
        }
        return (int)(hash % (uint)ShardCount);
    }

    // ---- commands ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Records a new deployment. It takes the (job, fabric) slot and starts <see cref="DeploymentState.Pending"/> when
    /// the slot is free; otherwise it is <see cref="DeploymentState.Queued"/> behind the active one, and it supersedes
    /// every older request still queued there (they never started; the newest request is what the user wants next).
    /// The unique index on the slot makes the database the judge, not this code. A deployment that takes the slot at
    /// once also records what admission needs (the previous submission, its own submission attempt): with no other
    /// deployment of the (job, fabric) unfinished, neither can change before it is admitted.
    /// </summary>
    public async Task<DeploymentRecord> CreateAsync(NewDeployment request, DateTimeOffset now, CancellationToken ct = default)
    {
        var created = await WriteAsync(async (connection, transaction) =>
            (connection is NpgsqlConnection postgres ? await TryCreatePendingAsync(postgres, transaction, request, now, ct) : null)
            ?? await CreateAsync(connection, transaction, request, now, notifyInTransaction: false, ct), ct);
        // After the commit: a NOTIFY inside the transaction would hold PostgreSQL's database-wide notification lock
        // through the commit, so creates would commit one at a time.
        _wakeUps?.Notify(created.Shard);
        return created;
    }

    /// <summary>
    /// Records deployments inside a metadata command's transaction, so the job's change and the deployments that carry
    /// it out commit together or not at all. Same rules as <see cref="CreateAsync(NewDeployment, DateTimeOffset, CancellationToken)"/>.
    /// </summary>
    public async Task<IReadOnlyList<DeploymentRecord>> CreateAsync(StoreTransaction tx, IEnumerable<NewDeployment> requests, DateTimeOffset now,
        CancellationToken ct = default)
    {
        await tx.FlushAsync();
        var created = new List<DeploymentRecord>();
        foreach (var request in requests)
        {
            created.Add(await CreateAsync(tx.Connection, tx.Transaction, request, now, notifyInTransaction: true, ct));
        }
        return created;
    }

    /// <summary>The newest submitted deployment on each fabric where the job was ever submitted, read in <paramref name="tx"/>.</summary>
    public async Task<IReadOnlyList<DeploymentRecord>> LastSubmissionsAsync(StoreTransaction tx, string job, CancellationToken ct = default)
    {
        await tx.FlushAsync();
        var rows = await tx.Connection.QueryAsync<DeploymentRow>(new CommandDefinition(
            "SELECT " + DeploymentRow.Columns + " FROM deployments WHERE id IN (SELECT MAX(id) FROM deployments WHERE job = @Job " +
            "AND runtime_id IS NOT NULL GROUP BY fabric) ORDER BY fabric",
            new { Job = job }, tx.Transaction, cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    private async Task<DeploymentRecord> CreateAsync(DbConnection connection, DbTransaction transaction, NewDeployment request, DateTimeOffset now,
        bool notifyInTransaction, CancellationToken ct)
    {
        var activeKey = DeploymentRecord.ActiveKeyOf(request.Job, request.Fabric);
        var history = await connection.QuerySingleAsync<SlotHistory>(new CommandDefinition(SlotHistory.Sql,
            new { request.Job, request.Fabric, request.Revision }, transaction, cancellationToken: ct));
        var pending = history.Unfinished == 0 ? await TryInsertAsync(connection, transaction, request, activeKey, DeploymentState.Pending, now, ct, history) : null;
        var state = pending is null ? DeploymentState.Queued : DeploymentState.Pending;
        var id = pending ?? (await TryInsertAsync(connection, transaction, request, null, DeploymentState.Queued, now, ct))!.Value;
        var superseded = state == DeploymentState.Queued ? await SupersedeQueuedAsync(connection, transaction, request, id, now, ct) : [];
        await InsertEventAsync(connection, transaction, id, now, null, state, 0, 0,
            RequestedDetail(request, state) + (superseded.Count == 0 ? "" : $"; supersedes queued deployment {string.Join(", ", superseded)}"), ct);
        if (notifyInTransaction && _sql.Kind == StoreDialectKind.Postgres)
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_notify(@Channel, @Payload)",
                new { Channel = NotifyChannel, Payload = ShardOf(request.Job).ToString(System.Globalization.CultureInfo.InvariantCulture) },
                transaction, cancellationToken: ct));
        }
        return Created(request, id, state, now, pending is null ? null : history);
    }

    /// <summary>
    /// Finishes the (job, fabric)'s older queued deployments as <see cref="DeploymentState.Superseded"/>, each with an
    /// event naming <paramref name="newerId"/>. Guarded by state: one a worker already moved on (its turn came) stays.
    /// </summary>
    private static async Task<IReadOnlyList<long>> SupersedeQueuedAsync(DbConnection connection, DbTransaction transaction, NewDeployment newer,
        long newerId, DateTimeOffset now, CancellationToken ct)
    {
        var queued = await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT id FROM deployments WHERE job = @Job AND fabric = @Fabric AND state = @Queued AND finished_at IS NULL AND id < @Newer ORDER BY id",
            new { newer.Job, newer.Fabric, Queued = (short)DeploymentState.Queued, Newer = newerId }, transaction, cancellationToken: ct));
        var superseded = new List<long>();
        foreach (var id in queued)
        {
            var reason = $"superseded by deployment {newerId} ({newer.Kind.ToString().ToLowerInvariant()} of revision {newer.Revision} " +
                         $"requested by {newer.RequestedBy}) before it started";
            var updated = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE deployments SET state = @Superseded, error = @Reason, version = version + 1, updated_at = @Now, finished_at = @Now " +
                "WHERE id = @Id AND state = @Queued AND finished_at IS NULL",
                new { Id = id, Superseded = (short)DeploymentState.Superseded, Queued = (short)DeploymentState.Queued, Reason = reason, Now = Micros.From(now) },
                transaction, cancellationToken: ct));
            if (updated == 1)
            {
                await InsertEventAsync(connection, transaction, id, now, DeploymentState.Queued, DeploymentState.Superseded, 0, 0, reason, ct);
                superseded.Add(id);
            }
        }
        return superseded;
    }

    /// <summary>
    /// PostgreSQL's common case in one statement: when nothing of the (job, fabric) is unfinished, the pending row
    /// (with its admission history) and its event. Null when the slot is busy or was just taken; the caller then goes
    /// the general way in the same transaction (ON CONFLICT DO NOTHING leaves it usable).
    /// </summary>
    private async Task<DeploymentRecord?> TryCreatePendingAsync(NpgsqlConnection connection, DbTransaction transaction, NewDeployment request,
        DateTimeOffset now, CancellationToken ct)
    {
        const string sql =
            "WITH pending AS (INSERT INTO deployments (job, revision, fabric, kind, state, step_index, attempt, next_attempt_at, step_started_at, " +
            "error, active_key, shard, fence_epoch, version, cancel_requested, auto_rollback, rollback_of, submit_attempt, previous_id, " +
            "requested_by, created_at, updated_at) " +
            "SELECT @Job, @Revision, @Fabric, @Kind, @Pending, 0, 0, @Now, @Now, NULL, @ActiveKey, @Shard, 0, 1, FALSE, @AutoRollback, @RollbackOf, " +
            "(SELECT COALESCE(MAX(submit_attempt), 0) + 1 FROM deployments WHERE job = @Job AND fabric = @Fabric AND revision = @Revision), " +
            "(SELECT MAX(id) FROM deployments WHERE job = @Job AND fabric = @Fabric AND runtime_id IS NOT NULL), @RequestedBy, @Now, @Now " +
            "WHERE NOT EXISTS (SELECT 1 FROM deployments WHERE job = @Job AND fabric = @Fabric AND finished_at IS NULL) " +
            "ON CONFLICT (active_key) DO NOTHING RETURNING id, submit_attempt, previous_id), " +
            "event AS (INSERT INTO deployment_events (deployment_id, at, from_state, state, attempt, fence_epoch, detail) " +
            "SELECT id, @Now, NULL, @Pending, 0, 0, @Detail FROM pending) " +
            "SELECT id AS Id, @Pending AS State, submit_attempt AS SubmitAttempt, previous_id AS PreviousId FROM pending";
        var made = await connection.QuerySingleOrDefaultAsync<MadeRow>(new CommandDefinition(sql, new
        {
            request.Job, request.Revision, request.Fabric, Kind = (short)request.Kind, Now = Micros.From(now),
            Pending = (short)DeploymentState.Pending, ActiveKey = DeploymentRecord.ActiveKeyOf(request.Job, request.Fabric),
            Shard = ShardOf(request.Job), request.AutoRollback, request.RollbackOf, request.RequestedBy,
            Detail = RequestedDetail(request, DeploymentState.Pending),
        }, transaction, cancellationToken: ct));
        return made is null
            ? null
            : Created(request, made.Id, DeploymentState.Pending, now, new SlotHistory { PreviousId = made.PreviousId, LastSubmitAttempt = made.SubmitAttempt - 1 });
    }

    private static string RequestedDetail(NewDeployment request, DeploymentState state) =>
        $"{request.Kind.ToString().ToLowerInvariant()} of revision {request.Revision} requested by {request.RequestedBy}" +
        (state == DeploymentState.Queued ? $"; queued behind the active deployment of {DeploymentRecord.ActiveKeyOf(request.Job, request.Fabric)}" : "");

    private DeploymentRecord Created(NewDeployment request, long id, DeploymentState state, DateTimeOffset now, SlotHistory? history) => new()
    {
        Id = id, Job = request.Job, Revision = request.Revision, Fabric = request.Fabric, Kind = request.Kind, State = state,
        NextAttemptAt = now, StepStartedAt = now, HoldsSlot = state == DeploymentState.Pending, Shard = ShardOf(request.Job), Version = 1,
        AutoRollback = request.AutoRollback, RollbackOf = request.RollbackOf, RequestedBy = request.RequestedBy,
        SubmitAttempt = history?.NextSubmitAttempt ?? 0, PreviousId = history?.PreviousId, CreatedAt = now, UpdatedAt = now,
    };

    private async Task<long?> TryInsertAsync(DbConnection connection, DbTransaction transaction, NewDeployment request, string? activeKey,
        DeploymentState state, DateTimeOffset now, CancellationToken ct, SlotHistory? history = null)
    {
        var insert = _sql.InsertReturningId(
            "INSERT INTO deployments (job, revision, fabric, kind, state, step_index, attempt, next_attempt_at, step_started_at, error, " +
            "active_key, shard, fence_epoch, version, cancel_requested, auto_rollback, rollback_of, submit_attempt, previous_id, requested_by, " +
            "created_at, updated_at) VALUES (@Job, @Revision, @Fabric, @Kind, @State, 0, 0, @Now, @Now, NULL, @ActiveKey, @Shard, 0, 1, " +
            "@False, @AutoRollback, @RollbackOf, @SubmitAttempt, @PreviousId, @RequestedBy, @Now, @Now)");
        var parameters = new
        {
            request.Job, request.Revision, request.Fabric, Kind = (short)request.Kind, State = (short)state, Now = Micros.From(now),
            ActiveKey = activeKey, Shard = ShardOf(request.Job), False = false, request.AutoRollback, request.RollbackOf, request.RequestedBy,
            SubmitAttempt = history?.NextSubmitAttempt ?? 0, history?.PreviousId,
        };
        if (activeKey is null)
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(insert, parameters, transaction, cancellationToken: ct));
        }
        // A savepoint lets the transaction go on after the database refuses the slot (PostgreSQL aborts it otherwise).
        await transaction.SaveAsync("take_slot", ct);
        try
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(insert, parameters, transaction, cancellationToken: ct));
            await transaction.ReleaseAsync("take_slot", ct);
            return id;
        }
        catch (Exception error) when (_sql.IsUniqueViolation(error))
        {
            await transaction.RollbackAsync("take_slot", ct);
            return null;
        }
    }

    /// <summary>What a new deployment of a (job, fabric) finds: unfinished ones ahead, the last submission, the revision's last attempt.</summary>
    private sealed class SlotHistory
    {
        public const string Sql =
            "SELECT (SELECT COUNT(*) FROM deployments WHERE job = @Job AND fabric = @Fabric AND finished_at IS NULL) AS Unfinished, " +
            "(SELECT MAX(id) FROM deployments WHERE job = @Job AND fabric = @Fabric AND runtime_id IS NOT NULL) AS PreviousId, " +
            "(SELECT MAX(submit_attempt) FROM deployments WHERE job = @Job AND fabric = @Fabric AND revision = @Revision) AS LastSubmitAttempt";

        public long Unfinished { get; set; }
        public long? PreviousId { get; set; }
        public long? LastSubmitAttempt { get; set; }
        public int NextSubmitAttempt => (int)(LastSubmitAttempt ?? 0) + 1;
    }

    private sealed class MadeRow
    {
        public long Id { get; set; }
        public long State { get; set; }
        public long SubmitAttempt { get; set; }
        public long? PreviousId { get; set; }
    }

    /// <summary>
    /// Asks the worker that owns the deployment to stop it at its next step. Bumps the row's version, so a step
    /// in flight fails its guarded write, re-reads and sees the request. False when it already finished.
    /// </summary>
    public Task<bool> RequestCancelAsync(long id, DateTimeOffset now, CancellationToken ct = default) =>
        WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE deployments SET cancel_requested = @True, next_attempt_at = @Now, version = version + 1, updated_at = @Now " +
            "WHERE id = @Id AND finished_at IS NULL",
            new { Id = id, True = true, Now = Micros.From(now) }, transaction, cancellationToken: ct)) == 1, ct);

    public async Task<DeploymentRecord?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await _sql.OpenAsync(ct);
        return await GetAsync(connection, null, id, ct);
    }

    private static async Task<DeploymentRecord?> GetAsync(DbConnection connection, DbTransaction? transaction, long id, CancellationToken ct) =>
        (await connection.QuerySingleOrDefaultAsync<DeploymentRow>(new CommandDefinition(
            "SELECT " + DeploymentRow.Columns + " FROM deployments WHERE id = @Id", new { Id = id }, transaction, cancellationToken: ct)))?.ToRecord();

    /// <summary>The job's deployments, newest first, on one fabric or all.</summary>
    public async Task<IReadOnlyList<DeploymentRecord>> ListAsync(string job, string? fabric, int limit, CancellationToken ct = default)
    {
        await using var connection = await _sql.OpenAsync(ct);
        var rows = await connection.QueryAsync<DeploymentRow>(new CommandDefinition(
            "SELECT " + DeploymentRow.Columns + " FROM deployments WHERE job = @Job" + (fabric is null ? "" : " AND fabric = @Fabric") +
            " ORDER BY id DESC LIMIT @Limit", new { Job = job, Fabric = fabric, Limit = limit }, cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>The deployment holding the (job, fabric) slot, if any.</summary>
    public async Task<DeploymentRecord?> FindActiveAsync(string job, string fabric, CancellationToken ct = default)
    {
        await using var connection = await _sql.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<DeploymentRow>(new CommandDefinition(
            "SELECT " + DeploymentRow.Columns + " FROM deployments WHERE active_key = @Key",
            new { Key = DeploymentRecord.ActiveKeyOf(job, fabric) }, cancellationToken: ct)))?.ToRecord();
    }

    /// <summary>The latest deployment of the (job, fabric) that submitted a job to the runtime, other than <paramref name="exceptId"/>.</summary>
    public async Task<DeploymentRecord?> FindLastSubmissionAsync(string job, string fabric, long exceptId, CancellationToken ct = default)
    {
        await using var connection = await _sql.OpenAsync(ct);
        return (await connection.QueryFirstOrDefaultAsync<DeploymentRow>(new CommandDefinition(
            "SELECT " + DeploymentRow.Columns + " FROM deployments WHERE job = @Job AND fabric = @Fabric AND runtime_id IS NOT NULL " +
            "AND id <> @Except ORDER BY id DESC LIMIT 1", new { Job = job, Fabric = fabric, Except = exceptId }, cancellationToken: ct)))?.ToRecord();
    }

    /// <summary>
    /// The revision a rollback returns to: the newest revision that reached running on the fabric and is older than
    /// the newest revision deployed there. Null when there is none.
    /// </summary>
    public async Task<long?> FindRollbackRevisionAsync(string job, string fabric, CancellationToken ct = default)
    {
        await using var connection = await _sql.OpenAsync(ct);
        return await connection.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT revision FROM deployments WHERE job = @Job AND fabric = @Fabric AND state = @Succeeded AND runtime_id IS NOT NULL " +
            "AND revision < (SELECT MAX(revision) FROM deployments WHERE job = @Job AND fabric = @Fabric AND runtime_id IS NOT NULL) " +
            "ORDER BY id DESC LIMIT 1",
            new { Job = job, Fabric = fabric, Succeeded = (short)DeploymentState.Succeeded }, cancellationToken: ct));
    }

    /// <summary>The oldest unfinished deployment of the (job, fabric): the one whose turn it is.</summary>
    public async Task<long?> FirstUnfinishedIdAsync(string job, string fabric, CancellationToken ct = default)
    {
        await using var connection = await _sql.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MIN(id) FROM deployments WHERE job = @Job AND fabric = @Fabric AND finished_at IS NULL",
            new { Job = job, Fabric = fabric }, cancellationToken: ct));
    }

    /// <summary>The newest deployment still queued for the (job, fabric), if any.</summary>
    public async Task<long?> NewestQueuedIdAsync(string job, string fabric, CancellationToken ct = default)
    {
        await using var connection = await _sql.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MAX(id) FROM deployments WHERE job = @Job AND fabric = @Fabric AND state = @Queued AND finished_at IS NULL",
            new { Job = job, Fabric = fabric, Queued = (short)DeploymentState.Queued }, cancellationToken: ct));
    }

    /// <summary>
    /// The submission attempt a new deployment of (job, revision, fabric) uses: one past every attempt earlier
    /// deployments of that revision recorded, so a rollback to a revision is a new submission, never a replay.
    /// </summary>
    public async Task<int> NextSubmitAttemptAsync(string job, string fabric, long revision, long exceptId, CancellationToken ct = default)
    {
        await using var connection = await _sql.OpenAsync(ct);
        var max = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MAX(submit_attempt) FROM deployments WHERE job = @Job AND fabric = @Fabric AND revision = @Revision AND id <> @Except",
            new { Job = job, Fabric = fabric, Revision = revision, Except = exceptId }, cancellationToken: ct));
        return (int)(max ?? 0) + 1;
    }

    public async Task<IReadOnlyList<DeploymentEventRecord>> EventsAsync(long deploymentId, long afterEventId = 0, CancellationToken ct = default)
    {
        await using var connection = await _sql.OpenAsync(ct);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(
            "SELECT " + EventRow.Columns + " FROM deployment_events WHERE deployment_id = @Id AND id > @After ORDER BY id",
            new { Id = deploymentId, After = afterEventId }, cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<IReadOnlyList<ResourceRecord>> ResourcesAsync(string job, string? fabric, CancellationToken ct = default)
    {
        await using var connection = await _sql.OpenAsync(ct);
        var rows = await connection.QueryAsync<ResourceRow>(new CommandDefinition(
            "SELECT " + ResourceRow.Columns + " FROM resources WHERE job = @Job" + (fabric is null ? "" : " AND fabric = @Fabric") + " ORDER BY id",
            new { Job = job, Fabric = fabric }, cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>The newest savepoint of the (job, fabric) still retained.</summary>
    public async Task<ResourceRecord?> FindLatestSavepointAsync(string job, string fabric, CancellationToken ct = default)
    {
        await using var connection = await _sql.OpenAsync(ct);
        return (await connection.QueryFirstOrDefaultAsync<ResourceRow>(new CommandDefinition(
            "SELECT " + ResourceRow.Columns + " FROM resources WHERE job = @Job AND fabric = @Fabric AND kind = @Savepoint AND status = @Provisioned " +
            "ORDER BY id DESC LIMIT 1",
            new { Job = job, Fabric = fabric, Savepoint = (short)ResourceKind.Savepoint, Provisioned = (short)ResourceStatus.Provisioned },
            cancellationToken: ct)))?.ToRecord();
    }

    /// <summary>Counts of unfinished deployments and of all deployments (for progress reporting and the benchmark).</summary>
    public async Task<(long Unfinished, long Total)> CountAsync(CancellationToken ct = default)
    {
        await using var connection = await _sql.OpenAsync(ct);
        var unfinished = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM deployments WHERE finished_at IS NULL", cancellationToken: ct));
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM deployments", cancellationToken: ct));
        return (unfinished, total);
    }

    /// <summary>How many deployments are in each state.</summary>
    public async Task<IReadOnlyDictionary<DeploymentState, long>> CountByStateAsync(CancellationToken ct = default)
    {
        await using var connection = await _sql.OpenAsync(ct);
        var rows = await connection.QueryAsync<(long State, long Count)>(new CommandDefinition(
            "SELECT state, COUNT(*) FROM deployments GROUP BY state", cancellationToken: ct));
        return rows.ToDictionary(r => (DeploymentState)r.State, r => r.Count);
    }

    // ---- the worker's side: leases ------------------------------------------------------------------------------

    /// <summary>Creates the shard rows once (idempotent) so leases can be taken by UPDATE.</summary>
    public Task EnsureShardsAsync(CancellationToken ct = default) =>
        WriteAsync(async (connection, transaction) =>
        {
            var existing = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM shard_leases", transaction: transaction, cancellationToken: ct));
            if (existing >= ShardCount) return 0;
            foreach (var shard in Enumerable.Range(0, ShardCount))
            {
                await connection.ExecuteAsync(new CommandDefinition(_sql.InsertShardIgnore, new { Shard = shard }, transaction, cancellationToken: ct));
            }
            return 0;
        }, ct);

    /// <summary>Registers or refreshes the worker; answers how many workers are alive (itself included).</summary>
    public Task<int> HeartbeatAsync(string worker, DateTimeOffset now, TimeSpan ttl, CancellationToken ct = default) =>
        WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(_sql.UpsertWorker,
                new { Worker = worker, Now = Micros.From(now), Expires = Micros.From(now + ttl) }, transaction, cancellationToken: ct));
            return (int)await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM workers WHERE expires_at > @Now", new { Now = Micros.From(now) }, transaction, cancellationToken: ct));
        }, ct);

    /// <summary>Removes the worker and frees its leases (their epochs stay; the next owner bumps them).</summary>
    public Task LeaveAsync(string worker, CancellationToken ct = default) =>
        WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("UPDATE shard_leases SET owner = '', expires_at = 0 WHERE owner = @Worker",
                new { Worker = worker }, transaction, cancellationToken: ct));
            return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM workers WHERE worker_id = @Worker",
                new { Worker = worker }, transaction, cancellationToken: ct));
        }, ct);

    public async Task<IReadOnlyList<ShardLease>> LeasesAsync(CancellationToken ct = default)
    {
        await using var connection = await _sql.OpenAsync(ct);
        var rows = await connection.QueryAsync<LeaseRow>(new CommandDefinition(
            "SELECT shard AS Shard, owner AS Owner, epoch AS Epoch, expires_at AS ExpiresAt FROM shard_leases ORDER BY shard", cancellationToken: ct));
        return rows.Select(r => r.ToLease()).ToList();
    }

    /// <summary>
    /// Takes the shard if its lease expired (or was released): a new epoch, the fencing token every later write of
    /// <paramref name="owner"/> on this shard presents. Null when someone else holds it.
    /// </summary>
    public Task<ShardFence?> TryAcquireAsync(int shard, string owner, DateTimeOffset now, TimeSpan ttl, CancellationToken ct = default) =>
        WriteAsync(async (connection, transaction) =>
        {
            var taken = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE shard_leases SET owner = @Owner, epoch = epoch + 1, expires_at = @Expires WHERE shard = @Shard AND expires_at <= @Now",
                new { Owner = owner, Shard = shard, Now = Micros.From(now), Expires = Micros.From(now + ttl) }, transaction, cancellationToken: ct));
            if (taken != 1) return null;
            var epoch = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT epoch FROM shard_leases WHERE shard = @Shard", new { Shard = shard }, transaction, cancellationToken: ct));
            return new ShardFence(shard, owner, epoch);
        }, ct);

    /// <summary>Extends the leases the owner still holds at the given epochs; answers those (the rest were lost).</summary>
    public Task<IReadOnlyList<ShardFence>> RenewAsync(IReadOnlyCollection<ShardFence> held, DateTimeOffset now, TimeSpan ttl, CancellationToken ct = default) =>
        WriteAsync<IReadOnlyList<ShardFence>>(async (connection, transaction) =>
        {
            var kept = new List<ShardFence>();
            foreach (var fence in held)
            {
                var renewed = await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE shard_leases SET expires_at = @Expires WHERE shard = @Shard AND owner = @Owner AND epoch = @Epoch",
                    new { fence.Shard, fence.Owner, fence.Epoch, Expires = Micros.From(now + ttl) }, transaction, cancellationToken: ct));
                if (renewed == 1) kept.Add(fence);
            }
            return kept;
        }, ct);

    /// <summary>Gives the shard up (rebalancing, shutdown); a no-op if the fence is no longer current.</summary>
    public Task ReleaseAsync(ShardFence fence, CancellationToken ct = default) =>
        WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE shard_leases SET owner = '', expires_at = 0 WHERE shard = @Shard AND owner = @Owner AND epoch = @Epoch",
            new { fence.Shard, fence.Owner, fence.Epoch }, transaction, cancellationToken: ct)), ct);

    // ---- the worker's side: the state machine ---------------------------------------------------------------------

    /// <summary>
    /// Unfinished deployments of the given shards whose next attempt is due, oldest due first, leaving out
    /// <paramref name="skip"/> (those the caller is driving already).
    /// </summary>
    public async Task<IReadOnlyList<DeploymentRecord>> DueAsync(IReadOnlyCollection<int> shards, DateTimeOffset now, int limit,
        CancellationToken ct = default, IReadOnlyCollection<long>? skip = null)
    {
        if (shards.Count == 0) return [];
        await using var connection = await _sql.OpenAsync(ct);
        var rows = await connection.QueryAsync<DeploymentRow>(new CommandDefinition(
            "SELECT " + DeploymentRow.Columns + " FROM deployments WHERE shard IN (" + string.Join(",", shards) + ") AND finished_at IS NULL " +
            "AND next_attempt_at <= @Now " + (skip is not { Count: > 0 } ? "" : _sql.Kind == StoreDialectKind.Postgres ? "AND id <> ALL(@Skip) " : "AND id NOT IN @Skip ") +
            "ORDER BY next_attempt_at, id LIMIT @Limit",
            new { Now = Micros.From(now), Limit = limit, Skip = skip?.ToArray() }, cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>
    /// Persists one step's outcome, committed before this returns: the deployment row (guarded by its version and by
    /// the shard lease's epoch in the WHERE clause), one event (none for a plain re-schedule: <paramref name="detail"/>
    /// null), and optionally the resource the step provisioned and a follow-up deployment (an automatic rollback).
    /// Transitions of many deployments share a transaction (group commit), each row with its own guard, so a refused
    /// row fails only its own call; one that takes a slot, adds a follow-up or changes ownership gets a transaction of
    /// its own. Terminal states give the (job, fabric) slot up and wake the next queued one.
    /// Throws <see cref="FencedOutException"/> when the lease moved on, <see cref="DeploymentChangedException"/> when
    /// the row did, <see cref="SlotTakenException"/> when <paramref name="next"/> takes a slot another deployment holds.
    /// </summary>
    public Task<DeploymentRecord> TransitionAsync(ShardFence fence, DeploymentRecord current, DeploymentRecord next, string? detail,
        DateTimeOffset now, ResourceWrite? resource = null, NewDeployment? followUp = null, CancellationToken ct = default) =>
        TransitionCoreAsync(fence, current, next, detail, now, resource, followUp, null, ct);

    private Task<DeploymentRecord> TransitionCoreAsync(ShardFence fence, DeploymentRecord current, DeploymentRecord next, string? detail,
        DateTimeOffset now, ResourceWrite? resource, NewDeployment? followUp, OwnershipChange? ownership, CancellationToken ct)
    {
        var write = new TransitionWrite(fence, current, next, detail, now, resource);
        return followUp is null && ownership is null && !write.TakesSlot
            ? _commits.CommitAsync(write, ct)
            : TransitionAloneAsync(write, followUp, ownership, ct);
    }

    /// <summary>
    /// One transition in a transaction of its own: those that take a slot (the unique index may refuse), add a
    /// follow-up, or change the job's ownership (which may refuse and must then undo the transition).
    /// </summary>
    private Task<DeploymentRecord> TransitionAloneAsync(TransitionWrite write, NewDeployment? followUp, OwnershipChange? ownership, CancellationToken ct) =>
        WriteAsync(async (connection, transaction) =>
        {
            bool updated;
            try
            {
                updated = await ApplyAsync(connection, transaction, write, ct);
            }
            catch (Exception error) when (_sql.IsUniqueViolation(error))
            {
                throw new SlotTakenException(write.Next.ActiveKey);
            }
            if (!updated)
            {
                throw await WhyRefusedAsync(connection, transaction, write, ct);
            }
            if (ownership is not null)
            {
                await OwnershipSql.ApplyAsync(connection, transaction, _sql.Kind, ownership, write.Now, ct);
            }
            if (followUp is not null)
            {
                var id = await TryInsertAsync(connection, transaction, followUp, write.Terminal ? write.Next.ActiveKey : null,
                    write.Terminal ? DeploymentState.Pending : DeploymentState.Queued, write.Now, ct);
                await InsertEventAsync(connection, transaction, id!.Value, write.Now, null, write.Terminal ? DeploymentState.Pending : DeploymentState.Queued,
                    0, write.Fence.Epoch, $"{followUp.Kind.ToString().ToLowerInvariant()} to revision {followUp.Revision} after deployment {write.Current.Id} failed", ct);
            }
            return write.Stored();
        }, ct);

    private async Task WriteAloneAsync(TransitionWrite write)
    {
        try
        {
            await TransitionAloneAsync(write, null, null, CancellationToken.None);
            write.Succeed();
        }
        catch (Exception error)
        {
            write.Fail(error);
        }
    }

    /// <summary>A group of transitions in one transaction; answers the ids of the rows whose fence and version held.</summary>
    private Task<IReadOnlySet<long>> WriteGroupAsync(IReadOnlyList<TransitionWrite> group) =>
        _sql.Kind == StoreDialectKind.Postgres ? WriteGroupInOneStatementAsync(group) : WriteAsync<IReadOnlySet<long>>(async (connection, transaction) =>
        {
            var applied = new HashSet<long>();
            foreach (var write in group)
            {
                if (await ApplyAsync(connection, transaction, write, CancellationToken.None)) applied.Add(write.Current.Id);
            }
            return applied;
        }, CancellationToken.None);

    /// <summary>
    /// PostgreSQL writes the whole group as one statement, which is atomic on its own: sent outside an explicit
    /// transaction it commits in the same round trip, instead of a second one for COMMIT.
    /// </summary>
    private Task<IReadOnlySet<long>> WriteGroupInOneStatementAsync(IReadOnlyList<TransitionWrite> group) =>
        RetryTransientAsync(async () =>
        {
            await using var connection = (NpgsqlConnection)await _sql.OpenAsync(CancellationToken.None);
            return await PostgresTransitionGroup.WriteAsync(connection, group, CancellationToken.None);
        }, CancellationToken.None);

    /// <summary>
    /// The row write (guarded by its version and by the shard lease's epoch in the WHERE clause), then, only if it
    /// held, its event, its resource, and the wake-up of the next queued deployment. False when the guard refused.
    /// </summary>
    private async Task<bool> ApplyAsync(DbConnection connection, DbTransaction transaction, TransitionWrite write, CancellationToken ct)
    {
        var (fence, current, next) = (write.Fence, write.Current, write.Next);
        var parameters = new
        {
            current.Id, current.Version, fence.Shard, fence.Owner, fence.Epoch, Now = Micros.From(write.Now),
            State = (short)next.State, next.StepIndex, next.Attempt, NextAttemptAt = Micros.From(next.NextAttemptAt),
            StepStartedAt = Micros.From(next.StepStartedAt), next.Error, write.ActiveKey,
            RestoreKind = (short?)next.Restore, next.RestorePath, next.RenderedFormat, next.Rendered, next.Driver, next.RuntimeId,
            next.SubmitAttempt, next.PreviousId, FinishedAt = write.FinishedAtMicros,
        };
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE deployments SET state = @State, step_index = @StepIndex, attempt = @Attempt, next_attempt_at = @NextAttemptAt, " +
            "step_started_at = @StepStartedAt, error = @Error, active_key = @ActiveKey, fence_epoch = @Epoch, version = version + 1, " +
            "restore_kind = @RestoreKind, restore_path = @RestorePath, " +
            (write.RenderingChanged ? "rendered_format = @RenderedFormat, rendered = @Rendered, " : "") +
            "driver = @Driver, runtime_id = @RuntimeId, submit_attempt = @SubmitAttempt, previous_id = @PreviousId, " +
            "updated_at = @Now, finished_at = @FinishedAt " +
            "WHERE id = @Id AND version = @Version AND shard = @Shard " +
            "AND EXISTS (SELECT 1 FROM shard_leases WHERE shard = @Shard AND owner = @Owner AND epoch = @Epoch)",
            parameters, transaction, cancellationToken: ct));
        if (updated != 1) return false;
        if (write.Detail is not null)
        {
            await InsertEventAsync(connection, transaction, current.Id, write.Now, current.State, next.State, next.Attempt, fence.Epoch, write.Detail, ct);
        }
        if (write.Resource is not null)
        {
            await WriteResourceAsync(connection, transaction, current, write.Resource, write.Now, ct);
        }
        if (write.Terminal)
        {
            // Wake the next queued deployment of the (job, fabric): same job, so same shard, same fence.
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE deployments SET next_attempt_at = @Now WHERE job = @Job AND fabric = @Fabric AND state = @Queued AND finished_at IS NULL",
                new { current.Job, current.Fabric, Queued = (short)DeploymentState.Queued, parameters.Now }, transaction, cancellationToken: ct));
        }
        return true;
    }

    /// <summary>Why the guard refused a write: the lease moved on (fenced out), or the row changed underneath.</summary>
    private static async Task<Exception> WhyRefusedAsync(DbConnection connection, DbTransaction? transaction, TransitionWrite write, CancellationToken ct)
    {
        var fence = write.Fence;
        var lease = await connection.QuerySingleOrDefaultAsync<LeaseRow>(new CommandDefinition(
            "SELECT shard AS Shard, owner AS Owner, epoch AS Epoch, expires_at AS ExpiresAt FROM shard_leases WHERE shard = @Shard",
            new { fence.Shard }, transaction, cancellationToken: ct));
        if (lease is null || lease.Owner != fence.Owner || lease.Epoch != fence.Epoch)
        {
            return new FencedOutException(fence,
                $"write to deployment {write.Current.Id} refused: shard {fence.Shard} lease epoch {fence.Epoch} of {fence.Owner} is stale " +
                $"(now epoch {lease?.Epoch} held by '{lease?.Owner}')");
        }
        return new DeploymentChangedException(write.Current.Id, write.Current.Version);
    }

    private async Task<Exception> WhyRefusedAsync(TransitionWrite write)
    {
        await using var connection = await _sql.OpenAsync(CancellationToken.None);
        return await WhyRefusedAsync(connection, null, write, CancellationToken.None);
    }

    private Task WriteResourceAsync(DbConnection connection, DbTransaction transaction, DeploymentRecord deployment, ResourceWrite resource,
        DateTimeOffset now, CancellationToken ct)
    {
        var parameters = new
        {
            deployment.Job, deployment.Fabric, Kind = (short)resource.Kind, resource.Name, resource.ExternalId, Status = (short)resource.Status,
            resource.Revision, DeploymentId = deployment.Id, Now = Micros.From(now),
            ReleasedAt = resource.Status == ResourceStatus.Released ? Micros.From(now) : (long?)null,
        };
        // Provisioning is keyed by (job, fabric, kind, name): a re-run updates the row the first run wrote.
        var conflict = _sql.Kind == StoreDialectKind.MySql
            ? " ON DUPLICATE KEY UPDATE external_id = VALUES(external_id), status = VALUES(status), revision = VALUES(revision), " +
              "deployment_id = VALUES(deployment_id), released_at = VALUES(released_at)"
            : " ON CONFLICT (job, fabric, kind, name) DO UPDATE SET external_id = excluded.external_id, status = excluded.status, " +
              "revision = excluded.revision, deployment_id = excluded.deployment_id, released_at = excluded.released_at";
        return connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO resources (job, fabric, kind, name, external_id, status, revision, deployment_id, created_at, released_at) " +
            "VALUES (@Job, @Fabric, @Kind, @Name, @ExternalId, @Status, @Revision, @DeploymentId, @Now, @ReleasedAt)" + conflict,
            parameters, transaction, cancellationToken: ct));
    }

    private static Task InsertEventAsync(DbConnection connection, DbTransaction transaction, long deploymentId, DateTimeOffset at,
        DeploymentState? from, DeploymentState state, int attempt, long epoch, string detail, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO deployment_events (deployment_id, at, from_state, state, attempt, fence_epoch, detail) " +
            "VALUES (@DeploymentId, @At, @From, @State, @Attempt, @Epoch, @Detail)",
            new { DeploymentId = deploymentId, At = Micros.From(at), From = (short?)from, State = (short)state, Attempt = attempt, Epoch = epoch, Detail = detail },
            transaction, cancellationToken: ct));

    /// <summary>
    /// Waits for PostgreSQL notifications of new deployments and calls <paramref name="onShard"/> with each one's
    /// shard, until cancelled. Returns at once on databases without LISTEN/NOTIFY (workers poll there).
    /// </summary>
    public async Task ListenAsync(Action<int> onShard, CancellationToken ct)
    {
        if (_sql is not DeploymentSql.Postgres postgres) return;
        await using var connection = await postgres.OpenListenerAsync(ct);
        connection.Notification += (_, e) =>
        {
            if (int.TryParse(e.Payload, System.Globalization.CultureInfo.InvariantCulture, out var shard)) onShard(shard);
        };
        await using (var listen = new NpgsqlCommand("LISTEN " + NotifyChannel, connection))
        {
            await listen.ExecuteNonQueryAsync(ct);
        }
        while (!ct.IsCancellationRequested)
        {
            await connection.WaitAsync(ct);
        }
    }

    /// <summary>Runs one raw single-row UPDATE transaction: the database's own limit, measured beside the engine.</summary>
    public async Task RawTransactionAsync(int shard, CancellationToken ct = default) =>
        await WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE shard_leases SET expires_at = expires_at WHERE shard = @Shard", new { Shard = shard }, transaction, cancellationToken: ct)), ct);

    private Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct) =>
        RetryTransientAsync(async () =>
        {
            await using var connection = await _sql.OpenAsync(ct);
            // Disposed uncommitted (the work or the commit threw), the transaction rolls back.
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(ct);
            return result;
        }, ct);

    private Task<T> RetryTransientAsync<T>(Func<Task<T>> attempt, CancellationToken ct) => TransientRetry.RunAsync(_sql.IsTransient, attempt, ct);

    public async ValueTask DisposeAsync()
    {
        await _commits.DisposeAsync();
        if (_wakeUps is not null) await _wakeUps.DisposeAsync();
        await _sql.DisposeAsync();
    }
}
