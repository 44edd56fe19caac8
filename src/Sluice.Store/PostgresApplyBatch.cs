using Dapper;
using Npgsql;
using NpgsqlTypes;
using Sluice.Spec.V1;

namespace Sluice.Store;

/// <summary>
/// PostgreSQL: a batch of applies written in one autocommitted statement (atomic on its own, so it commits in the same
/// round trip). Each apply's writes are guarded by its job still being as the caller decided on: at the head it read,
/// or still missing for a create. One whose job moved is left out whole (no revision, no index rows, no dataset, no
/// audit row) and reported as not written, while the others commit. The same round trip can then read jobs and
/// request ids, after the write committed: the caller writes applies it has not read as the creates they may be, and
/// plans those the guard left out (their job existed) from that read. A read on its own (<see cref="ReadAsync"/>) is
/// left for a batch the database refused whole.
/// </summary>
internal static class PostgresApplyBatch
{
    private const string ReadJobsSql =
        "SELECT " + JobRow.Columns + JobRow.From + " WHERE (j.namespace, j.name) IN (SELECT * FROM unnest(@Namespaces, @Names))";

    private const string ReadRequestIdsSql = "SELECT request_id FROM audit_log WHERE request_id = ANY(@RequestIds)";

    private const string WriteSql =
        "WITH sequence AS MATERIALIZED (SELECT pg_get_serial_sequence('job_revisions', 'id') AS name)," +
        " w AS MATERIALIZED (" +
        " SELECT w.*, nextval(sequence.name) AS revision_id FROM sequence, unnest(@Ords, @JobIds, @Namespaces, @Names," +
        " @FromRevisions, @ReadStates, @ToRevisions, @NextStates, @SpecHashes, @Specs, @SourceKinds, @SourceTexts, @Runtimes, @Statefuls," +
        " @Actors, @RequestIds, @Actions, @Targets, @BeforeRevisions, @BeforeHashes, @Clients)" +
        " AS w(ord, job_id, namespace, name, from_revision, read_state, to_revision, next_state, spec_hash, spec, source_kind, source_text," +
        " runtime, stateful, actor, request_id, action, target, before_revision, before_hash, client))," +
        " namespaces AS (INSERT INTO namespaces (name, created_at, created_by)" +
        " SELECT DISTINCT ON (namespace) namespace, @At, actor FROM w WHERE job_id IS NULL ORDER BY namespace ON CONFLICT (name) DO NOTHING)," +
        // New jobs start at their first head directly: the revision's id is drawn above, and the foreign key is
        // checked when the statement ends, after the revision below exists.
        " created AS (INSERT INTO jobs (namespace, name, revision, current_revision_id, desired_state, created_at, created_by, updated_at, updated_by)" +
        " SELECT namespace, name, to_revision, revision_id, next_state, @At, actor, @At, actor FROM w WHERE job_id IS NULL" +
        " ORDER BY namespace, name ON CONFLICT (namespace, name) DO NOTHING RETURNING id, namespace, name)," +
        // The guard: the head and the desired state the apply was decided on (a delete or suspend keeps the revision).
        " moved AS (UPDATE jobs j SET revision = w.to_revision, current_revision_id = w.revision_id, desired_state = w.next_state," +
        " updated_at = @At, updated_by = w.actor FROM w" +
        " WHERE j.id = w.job_id AND j.revision = w.from_revision AND j.desired_state = w.read_state RETURNING j.id)," +
        " written AS (SELECT w.*, c.id AS written_job_id FROM w JOIN created c ON c.namespace = w.namespace AND c.name = w.name" +
        " WHERE w.job_id IS NULL UNION ALL SELECT w.*, m.id FROM w JOIN moved m ON m.id = w.job_id)," +
        " revisions AS (INSERT INTO job_revisions (id, job_id, revision, spec_hash, canonical_spec, source_kind, source_text, runtime, stateful," +
        " author, created_at, request_id) OVERRIDING SYSTEM VALUE SELECT revision_id, written_job_id, to_revision, spec_hash, spec, source_kind," +
        " source_text, runtime, stateful, actor, @At, request_id FROM written)," +
        " labels AS (INSERT INTO job_labels (revision_id, label_key, label_value)" +
        " SELECT written.revision_id, l.k, l.v FROM unnest(@LabelOrds, @LabelKeys, @LabelValues) AS l(ord, k, v) JOIN written ON written.ord = l.ord)," +
        " placements AS (INSERT INTO job_placements (revision_id, fabric)" +
        " SELECT written.revision_id, f.fabric FROM unnest(@FabricOrds, @Fabrics) AS f(ord, fabric) JOIN written ON written.ord = f.ord)," +
        // The datasets the written revisions link, added if new. Sorted so concurrent statements take the unique-index
        // locks in one order and cannot deadlock on them.
        " wanted AS (SELECT DISTINCT ON (d.uri) d.uri, d.system_name, d.cluster, d.name" +
        " FROM unnest(@LinkOrds, @LinkUris, @LinkSystems, @LinkClusters, @LinkNames) AS d(ord, uri, system_name, cluster, name)" +
        " JOIN written ON written.ord = d.ord ORDER BY d.uri)," +
        " added AS (INSERT INTO datasets (uri, system_name, cluster, name, created_at) SELECT uri, system_name, cluster, name, @At FROM wanted" +
        " ORDER BY uri ON CONFLICT (uri) DO NOTHING RETURNING id, uri)," +
        // The table as of the statement's start: every dataset that existed then, and none of those just added.
        " ids AS (SELECT id, uri FROM added UNION ALL SELECT d.id, d.uri FROM datasets d JOIN wanted ON wanted.uri = d.uri)," +
        " links AS (INSERT INTO job_datasets (revision_id, dataset_id, direction) SELECT DISTINCT written.revision_id, ids.id, k.direction" +
        " FROM unnest(@LinkOrds, @LinkUris, @LinkDirections) AS k(ord, uri, direction) JOIN written ON written.ord = k.ord JOIN ids ON ids.uri = k.uri)," +
        // A dataset another transaction added after this statement's snapshot (and committed while we waited on its
        // unique key) is neither added nor seen above: the statement fails whole, and its retry sees it. Materialized,
        // so the check below runs on what this finds rather than being pushed down beneath it.
        " unlinked AS MATERIALIZED (SELECT uri FROM wanted WHERE NOT EXISTS (SELECT 1 FROM ids WHERE ids.uri = wanted.uri))," +
        // Unchanged applies record only their audit row, if the head they compared with is still the live head.
        " kept AS (SELECT u.* FROM unnest(@KeptOrds, @KeptJobIds, @KeptRevisions, @KeptActors, @KeptTargets, @KeptRequestIds, @KeptHashes, @KeptClients)" +
        " AS u(ord, job_id, revision, actor, target, request_id, hash, client)" +
        " JOIN jobs j ON j.id = u.job_id AND j.revision = u.revision AND j.desired_state <> @Deleted)," +
        " audits AS (INSERT INTO audit_log (at, actor, action, target, job_id, request_id, before_revision, after_revision, before_hash, after_hash, client)" +
        " SELECT @At, actor, action, target, job_id, request_id, before_revision, after_revision, before_hash, after_hash, client FROM (" +
        " SELECT ord, actor, action, target, written_job_id AS job_id, request_id, before_revision, to_revision AS after_revision, before_hash," +
        " spec_hash AS after_hash, client FROM written" +
        " UNION ALL SELECT ord, actor, @Unchanged, target, job_id, request_id, revision, revision, hash, hash, client FROM kept) a ORDER BY ord)" +
        " SELECT ord, written_job_id FROM written UNION ALL SELECT ord, job_id FROM kept" +
        " UNION ALL SELECT -1, -1 FROM unlinked WHERE sluice_retry_statement('dataset ' || uri || ' was added by a concurrent write')";

    public static async Task<ApplyBatchSnapshot> ReadAsync(NpgsqlConnection connection, ApplyBatchKeys keys, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        AddReads(batch, keys);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        return await ReadSnapshotAsync(reader, ct);
    }

    /// <summary>
    /// Answers the job id of every apply written, by <see cref="GuardedRevision.Index"/> / <see cref="GuardedAudit.Index"/>,
    /// and, when <paramref name="next"/> is given, the snapshot of its jobs and request ids, read once the write committed.
    /// </summary>
    public static async Task<AppliesWritten> WriteAsync(NpgsqlConnection connection, IReadOnlyList<GuardedRevision> revisions,
        IReadOnlyList<GuardedAudit> unchanged, long atMicros, ApplyBatchKeys? next, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        var write = WriteCommand(revisions, unchanged, atMicros);
        batch.BatchCommands.Add(write);
        var reads = next is null ? [] : AddReads(batch, next);
        // A Sync after the write: it commits before the reads run, so they see it, and their failure cannot undo it.
        write.AppendErrorBarrier = reads.Count > 0;

        await using var reader = await batch.ExecuteReaderAsync(ct);
        var written = new Dictionary<int, long>();
        while (await reader.ReadAsync(ct)) written[reader.GetInt32(0)] = reader.GetInt64(1);
        if (reads.Count == 0) return new AppliesWritten(written, null);
        try
        {
            await reader.NextResultAsync(ct);
            return new AppliesWritten(written, await ReadSnapshotAsync(reader, ct));
        }
        catch (PostgresException error) when (error.BatchCommand is { } failed && reads.Contains(failed))
        {
            // The write is committed; the caller reads the next batch again on its own.
            return new AppliesWritten(written, null);
        }
    }

    private static List<NpgsqlBatchCommand> AddReads(NpgsqlBatch batch, ApplyBatchKeys keys)
    {
        var jobs = new NpgsqlBatchCommand(ReadJobsSql);
        jobs.Parameters.AddArray("Namespaces", NpgsqlDbType.Text, keys.Jobs, k => k.Namespace);
        jobs.Parameters.AddArray("Names", NpgsqlDbType.Text, keys.Jobs, k => k.Name);
        var requestIds = new NpgsqlBatchCommand(ReadRequestIdsSql);
        requestIds.Parameters.AddArray("RequestIds", NpgsqlDbType.Text, keys.RequestIds, id => id);
        batch.BatchCommands.Add(jobs);
        batch.BatchCommands.Add(requestIds);
        return [jobs, requestIds];
    }

    /// <summary>Reads the results of <see cref="AddReads"/>, the reader positioned on the first of them.</summary>
    private static async Task<ApplyBatchSnapshot> ReadSnapshotAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var jobs = new Dictionary<(string, string), JobRecord>();
        var parse = reader.GetRowParser<JobRow>();
        while (await reader.ReadAsync(ct))
        {
            var job = parse(reader).ToRecord();
            jobs[(job.Namespace, job.Name)] = job;
        }
        await reader.NextResultAsync(ct);
        var recorded = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) recorded.Add(reader.GetString(0));
        return new ApplyBatchSnapshot(jobs, recorded);
    }

    private static NpgsqlBatchCommand WriteCommand(IReadOnlyList<GuardedRevision> revisions, IReadOnlyList<GuardedAudit> unchanged, long atMicros)
    {
        var command = new NpgsqlBatchCommand(WriteSql);
        var p = command.Parameters;
        p.AddWithValue("At", atMicros);
        p.AddWithValue("Deleted", (short)DesiredState.Deleted);
        p.AddWithValue("Unchanged", (short)AuditAction.JobApplyUnchanged);
        p.AddArray("Ords", NpgsqlDbType.Integer, revisions, r => r.Index);
        p.AddArray("JobIds", NpgsqlDbType.Bigint, revisions, r => r.JobId);
        p.AddArray("Namespaces", NpgsqlDbType.Text, revisions, r => r.Namespace);
        p.AddArray("Names", NpgsqlDbType.Text, revisions, r => r.Name);
        p.AddArray("FromRevisions", NpgsqlDbType.Bigint, revisions, r => r.FromRevision);
        p.AddArray("ReadStates", NpgsqlDbType.Smallint, revisions, r => (short?)r.ReadState);
        p.AddArray("ToRevisions", NpgsqlDbType.Bigint, revisions, r => r.ToRevision);
        p.AddArray("NextStates", NpgsqlDbType.Smallint, revisions, r => (short)r.NextState);
        p.AddArray("SpecHashes", NpgsqlDbType.Text, revisions, r => r.Content.SpecHash);
        p.AddArray("Specs", NpgsqlDbType.Text, revisions, r => r.Content.CanonicalSpec);
        p.AddArray("SourceKinds", NpgsqlDbType.Smallint, revisions, r => (short)r.Content.SourceKind);
        p.AddArray("SourceTexts", NpgsqlDbType.Text, revisions, r => r.Content.SourceText);
        p.AddArray("Runtimes", NpgsqlDbType.Smallint, revisions, r => (short)r.Content.Runtime);
        p.AddArray("Statefuls", NpgsqlDbType.Boolean, revisions, r => r.Content.Stateful);
        p.AddArray("Actors", NpgsqlDbType.Text, revisions, r => r.Audit.Actor);
        p.AddArray("RequestIds", NpgsqlDbType.Text, revisions, r => r.Audit.RequestId);
        p.AddArray("Actions", NpgsqlDbType.Smallint, revisions, r => (short)r.Audit.Action);
        p.AddArray("Targets", NpgsqlDbType.Text, revisions, r => r.Audit.Target);
        p.AddArray("BeforeRevisions", NpgsqlDbType.Bigint, revisions, r => r.Audit.BeforeRevision);
        p.AddArray("BeforeHashes", NpgsqlDbType.Text, revisions, r => r.Audit.BeforeHash);
        p.AddArray("Clients", NpgsqlDbType.Text, revisions, r => r.Audit.Client);

        var labels = revisions.SelectMany(r => r.Content.Labels.Select(l => (r.Index, l.Key, l.Value))).ToList();
        p.AddArray("LabelOrds", NpgsqlDbType.Integer, labels, l => l.Index);
        p.AddArray("LabelKeys", NpgsqlDbType.Text, labels, l => l.Key);
        p.AddArray("LabelValues", NpgsqlDbType.Text, labels, l => l.Value);
        var fabrics = revisions.SelectMany(r => r.Content.Fabrics.Distinct().Select(f => (r.Index, Fabric: f))).ToList();
        p.AddArray("FabricOrds", NpgsqlDbType.Integer, fabrics, f => f.Index);
        p.AddArray("Fabrics", NpgsqlDbType.Text, fabrics, f => f.Fabric);
        var links = revisions.SelectMany(r => r.Content.Datasets.Select(d => (r.Index, d.Dataset, Direction: (short)d.Direction))).ToList();
        p.AddArray("LinkOrds", NpgsqlDbType.Integer, links, l => l.Index);
        p.AddArray("LinkUris", NpgsqlDbType.Text, links, l => l.Dataset.Uri);
        p.AddArray("LinkSystems", NpgsqlDbType.Text, links, l => l.Dataset.System);
        p.AddArray("LinkClusters", NpgsqlDbType.Text, links, l => l.Dataset.Cluster);
        p.AddArray("LinkNames", NpgsqlDbType.Text, links, l => l.Dataset.Name);
        p.AddArray("LinkDirections", NpgsqlDbType.Smallint, links, l => l.Direction);

        p.AddArray("KeptOrds", NpgsqlDbType.Integer, unchanged, u => u.Index);
        p.AddArray("KeptJobIds", NpgsqlDbType.Bigint, unchanged, u => u.JobId);
        p.AddArray("KeptRevisions", NpgsqlDbType.Bigint, unchanged, u => u.Revision);
        p.AddArray("KeptActors", NpgsqlDbType.Text, unchanged, u => u.Audit.Actor);
        p.AddArray("KeptTargets", NpgsqlDbType.Text, unchanged, u => u.Audit.Target);
        p.AddArray("KeptRequestIds", NpgsqlDbType.Text, unchanged, u => u.Audit.RequestId);
        p.AddArray("KeptHashes", NpgsqlDbType.Text, unchanged, u => u.Audit.AfterHash);
        p.AddArray("KeptClients", NpgsqlDbType.Text, unchanged, u => u.Audit.Client);

        return command;
    }
}
