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
    private const int MaxWriteAttempts = 8;
    private readonly DeploymentSql _sql;

    private DeploymentStore(DeploymentSql sql, int shardCount)
    {
        _sql = sql;
        ShardCount = shardCount;
    }

    /// <summary>The fixed number of logical shards; a deployment's shard is a stable hash of its job.</summary>
    public int ShardCount { get; }

    public StoreDialectKind Dialect => _sql.Kind;

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
    /// The unique index on the slot makes the database the judge, not this code.
    /// </summary>
    public Task<DeploymentRecord> CreateAsync(NewDeployment request, DateTimeOffset now, CancellationToken ct = default) =>
        WriteAsync((connection, transaction) => CreateAsync(connection, transaction, request, now, ct), ct);

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
            created.Add(await CreateAsync(tx.Connection, tx.Transaction, request, now, ct));
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
        CancellationToken ct)
    {
        var activeKey = DeploymentRecord.ActiveKeyOf(request.Job, request.Fabric);
        var queuedAhead = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM deployments WHERE job = @Job AND fabric = @Fabric AND finished_at IS NULL",
            new { request.Job, request.Fabric }, transaction, cancellationToken: ct));
        long id;
        DeploymentState state;
        if (queuedAhead == 0 && await TryInsertAsync(connection, transaction, request, activeKey, DeploymentState.Pending, now, ct) is { } pending)
        {
            (id, state) = (pending, DeploymentState.Pending);
        }
        else
        {
            id = (await TryInsertAsync(connection, transaction, request, null, DeploymentState.Queued, now, ct))!.Value;
            state = DeploymentState.Queued;
        }
        var superseded = state == DeploymentState.Queued ? await SupersedeQueuedAsync(connection, transaction, request, id, now, ct) : [];
        await InsertEventAsync(connection, transaction, id, now, null, state, 0, 0,
            state == DeploymentState.Pending
                ? $"{request.Kind.ToString().ToLowerInvariant()} of revision {request.Revision} requested by {request.RequestedBy}"
                : $"{request.Kind.ToString().ToLowerInvariant()} of revision {request.Revision} requested by {request.RequestedBy}; queued behind the active deployment of {activeKey}" +
                  (superseded.Count == 0 ? "" : $"; supersedes queued deployment {string.Join(", ", superseded)}"),
            ct);
        if (_sql.Kind == StoreDialectKind.Postgres)
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_notify(@Channel, @Payload)",
                new { Channel = NotifyChannel, Payload = ShardOf(request.Job).ToString(System.Globalization.CultureInfo.InvariantCulture) },
                transaction, cancellationToken: ct));
        }
        return new DeploymentRecord
        {
            Id = id, Job = request.Job, Revision = request.Revision, Fabric = request.Fabric, Kind = request.Kind, State = state,
            NextAttemptAt = now, StepStartedAt = now, HoldsSlot = state == DeploymentState.Pending, Shard = ShardOf(request.Job), Version = 1,
            AutoRollback = request.AutoRollback, RollbackOf = request.RollbackOf, RequestedBy = request.RequestedBy,
            CreatedAt = now, UpdatedAt = now,
        };
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

    private async Task<long?> TryInsertAsync(DbConnection connection, DbTransaction transaction, NewDeployment request, string? activeKey,
        DeploymentState state, DateTimeOffset now, CancellationToken ct)
    {
        var insert = _sql.InsertReturningId(
            "INSERT INTO deployments (job, revision, fabric, kind, state, step_index, attempt, next_attempt_at, step_started_at, error, " +
            "active_key, shard, fence_epoch, version, cancel_requested, auto_rollback, rollback_of, submit_attempt, requested_by, " +
            "created_at, updated_at) VALUES (@Job, @Revision, @Fabric, @Kind, @State, 0, 0, @Now, @Now, NULL, @ActiveKey, @Shard, 0, 1, " +
            "@False, @AutoRollback, @RollbackOf, 0, @RequestedBy, @Now, @Now)");
        var parameters = new
        {
            request.Job, request.Revision, request.Fabric, Kind = (short)request.Kind, State = (short)state, Now = Micros.From(now),
            ActiveKey = activeKey, Shard = ShardOf(request.Job), False = false, request.AutoRollback, request.RollbackOf, request.RequestedBy,
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

    /// <summary>Unfinished deployments of the given shards whose next attempt is due, oldest due first.</summary>
    public async Task<IReadOnlyList<DeploymentRecord>> DueAsync(IReadOnlyCollection<int> shards, DateTimeOffset now, int limit, CancellationToken ct = default)
    {
        if (shards.Count == 0) return [];
        await using var connection = await _sql.OpenAsync(ct);
        var rows = await connection.QueryAsync<DeploymentRow>(new CommandDefinition(
            "SELECT " + DeploymentRow.Columns + " FROM deployments WHERE shard IN (" + string.Join(",", shards) + ") AND finished_at IS NULL " +
            "AND next_attempt_at <= @Now " +
            "ORDER BY next_attempt_at, id LIMIT @Limit",
            new { Now = Micros.From(now), Limit = limit }, cancellationToken: ct));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <summary>
    /// Persists one step's outcome in one transaction: the deployment row (guarded by its version and by the shard
    /// lease's epoch in the WHERE clause), one event (none for a plain re-schedule: <paramref name="detail"/> null), and optionally the resource the step provisioned and a follow-up
    /// deployment (an automatic rollback). Terminal states give the (job, fabric) slot up and wake the next queued one.
    /// Throws <see cref="FencedOutException"/> when the lease moved on, <see cref="DeploymentChangedException"/> when
    /// the row did, <see cref="SlotTakenException"/> when <paramref name="next"/> takes a slot another deployment holds.
    /// </summary>
    public Task<DeploymentRecord> TransitionAsync(ShardFence fence, DeploymentRecord current, DeploymentRecord next, string? detail,
        DateTimeOffset now, ResourceWrite? resource = null, NewDeployment? followUp = null, CancellationToken ct = default) =>
        TransitionCoreAsync(fence, current, next, detail, now, resource, followUp, null, ct);

    private Task<DeploymentRecord> TransitionCoreAsync(ShardFence fence, DeploymentRecord current, DeploymentRecord next, string? detail,
        DateTimeOffset now, ResourceWrite? resource, NewDeployment? followUp, OwnershipChange? ownership, CancellationToken ct) =>
        WriteAsync(async (connection, transaction) =>
        {
            var terminal = next.State.IsTerminal();
            var parameters = new
            {
                current.Id, current.Version, fence.Shard, fence.Owner, fence.Epoch, Now = Micros.From(now),
                State = (short)next.State, next.StepIndex, next.Attempt, NextAttemptAt = Micros.From(next.NextAttemptAt),
                StepStartedAt = Micros.From(next.StepStartedAt), next.Error,
                ActiveKey = terminal || !next.HoldsSlot ? null : next.ActiveKey,
                RestoreKind = (short?)next.Restore, next.RestorePath, next.RenderedFormat, next.Rendered, next.Driver, next.RuntimeId,
                next.SubmitAttempt, next.PreviousId, FinishedAt = terminal ? Micros.From(now) : (long?)null,
            };
            int updated;
            try
            {
                updated = await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE deployments SET state = @State, step_index = @StepIndex, attempt = @Attempt, next_attempt_at = @NextAttemptAt, " +
                    "step_started_at = @StepStartedAt, error = @Error, active_key = @ActiveKey, fence_epoch = @Epoch, version = version + 1, " +
                    "restore_kind = @RestoreKind, restore_path = @RestorePath, rendered_format = @RenderedFormat, rendered = @Rendered, " +
                    "driver = @Driver, runtime_id = @RuntimeId, submit_attempt = @SubmitAttempt, previous_id = @PreviousId, " +
                    "updated_at = @Now, finished_at = @FinishedAt " +
                    "WHERE id = @Id AND version = @Version AND shard = @Shard " +
                    "AND EXISTS (SELECT 1 FROM shard_leases WHERE shard = @Shard AND owner = @Owner AND epoch = @Epoch)",
                    parameters, transaction, cancellationToken: ct));
            }
            catch (Exception error) when (_sql.IsUniqueViolation(error))
            {
                throw new SlotTakenException(next.ActiveKey);
            }
            if (updated != 1)
            {
                var lease = await connection.QuerySingleOrDefaultAsync<LeaseRow>(new CommandDefinition(
                    "SELECT shard AS Shard, owner AS Owner, epoch AS Epoch, expires_at AS ExpiresAt FROM shard_leases WHERE shard = @Shard",
                    new { fence.Shard }, transaction, cancellationToken: ct));
                if (lease is null || lease.Owner != fence.Owner || lease.Epoch != fence.Epoch)
                {
                    throw new FencedOutException(fence,
                        $"write to deployment {current.Id} refused: shard {fence.Shard} lease epoch {fence.Epoch} of {fence.Owner} is stale " +
                        $"(now epoch {lease?.Epoch} held by '{lease?.Owner}')");
                }
                throw new DeploymentChangedException(current.Id, current.Version);
            }
            if (ownership is not null)
            {
                await OwnershipSql.ApplyAsync(connection, transaction, _sql.Kind, ownership, now, ct);
            }
            if (detail is not null)
            {
                await InsertEventAsync(connection, transaction, current.Id, now, current.State, next.State, next.Attempt, fence.Epoch, detail, ct);
            }
            if (resource is not null)
            {
                await WriteResourceAsync(connection, transaction, current, resource, now, ct);
            }
            if (terminal)
            {
                // Wake the next queued deployment of the (job, fabric): same job, so same shard, same fence.
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE deployments SET next_attempt_at = @Now WHERE job = @Job AND fabric = @Fabric AND state = @Queued AND finished_at IS NULL",
                    new { current.Job, current.Fabric, Queued = (short)DeploymentState.Queued, Now = Micros.From(now) }, transaction, cancellationToken: ct));
            }
            if (followUp is not null)
            {
                var id = await TryInsertAsync(connection, transaction, followUp, terminal ? next.ActiveKey : null,
                    terminal ? DeploymentState.Pending : DeploymentState.Queued, now, ct);
                await InsertEventAsync(connection, transaction, id!.Value, now, null, terminal ? DeploymentState.Pending : DeploymentState.Queued,
                    0, fence.Epoch, $"{followUp.Kind.ToString().ToLowerInvariant()} to revision {followUp.Revision} after deployment {current.Id} failed", ct);
            }
            return next with
            {
                Version = current.Version + 1, FenceEpoch = fence.Epoch, HoldsSlot = parameters.ActiveKey is not null, UpdatedAt = now,
                FinishedAt = terminal ? now : null,
            };
        }, ct);

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
        if (_sql.Kind != StoreDialectKind.Postgres) return;
        await using var connection = (NpgsqlConnection)await _sql.OpenAsync(ct);
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

    private async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await _sql.OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            try
            {
                var result = await work(connection, transaction);
                await transaction.CommitAsync(ct);
                return result;
            }
            catch (Exception error) when (_sql.IsTransient(error) && attempt < MaxWriteAttempts)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                await Task.Delay(Random.Shared.Next(1, 10 * attempt), ct);
            }
        }
    }

    public ValueTask DisposeAsync() => _sql.DisposeAsync();
}
