using Dapper;
using Sluice.Spec.V1;
using Sluice.Store.Dialects;

namespace Sluice.Store;

/// <summary>
/// Multi-row inserts of many new jobs: jobs, then their first revisions, then the index rows, heads and audit rows.
/// Generated ids are read back by natural key, which is correct on every dialect whatever the auto-increment mode.
/// </summary>
internal static class JobSeeder
{
    public static async Task<int> SeedAsync(IStoreDialect dialect, StoreTransaction tx, IReadOnlyList<SeedJob> jobs,
        string actor, string client, long at, CancellationToken ct)
    {
        if (jobs.Count == 0) return 0;
        var connection = tx.Connection;
        var transaction = tx.Transaction;
        var running = (short)DesiredState.Running;

        var namespaces = jobs.Select(j => j.Namespace).Distinct(StringComparer.Ordinal).ToList();
        tx.Enqueue(MultiRowInsert.Build(dialect, namespaces, 3, n => [n, at, actor],
            values => dialect.InsertIgnore("namespaces", "name, created_at, created_by", values, "name")));
        tx.Enqueue(MultiRowInsert.Build(dialect, jobs, 8,
            j => [j.Namespace, j.Name, 1L, running, at, actor, at, actor],
            values => "INSERT INTO jobs (namespace, name, revision, desired_state, created_at, created_by, updated_at, updated_by) VALUES " + values));
        await tx.FlushAsync();

        var jobIds = new Dictionary<(string, string), long>();
        foreach (var group in jobs.GroupBy(j => j.Namespace))
        foreach (var chunk in group.Chunk(Math.Max(1, dialect.MaxParameters - 1)))
        {
            var rows = await connection.QueryAsync<(long Id, string Name)>(new CommandDefinition(
                "SELECT id, name FROM jobs WHERE namespace = @Namespace AND " + dialect.InList("name", "Names"),
                new { Namespace = group.Key, Names = chunk.Select(j => j.Name).ToArray() }, transaction, cancellationToken: ct));
            foreach (var (id, name) in rows) jobIds[(group.Key, name)] = id;
        }

        tx.Enqueue(MultiRowInsert.Build(dialect, jobs, 11, j =>
            [
                jobIds[(j.Namespace, j.Name)], 1L, j.Revision.SpecHash, j.Revision.CanonicalSpec, (short)j.Revision.SourceKind,
                j.Revision.SourceText, (short)j.Revision.Runtime, j.Revision.Stateful, actor, at, j.RequestId,
            ],
            values => "INSERT INTO job_revisions (job_id, revision, spec_hash, canonical_spec, source_kind, source_text, runtime, stateful, author, created_at, request_id) VALUES " + values));
        await tx.FlushAsync();

        var revisionIds = new Dictionary<long, long>();
        foreach (var chunk in jobIds.Values.Chunk(Math.Max(1, dialect.MaxParameters - 1)))
        {
            var rows = await connection.QueryAsync<(long Id, long JobId)>(new CommandDefinition(
                "SELECT id, job_id FROM job_revisions WHERE revision = 1 AND " + dialect.InList("job_id", "JobIds"),
                new { JobIds = chunk }, transaction, cancellationToken: ct));
            foreach (var (id, jobId) in rows) revisionIds[jobId] = id;
        }

        await RevisionIndexWriter.WriteAsync(dialect, tx,
            jobs.Select(j => (revisionIds[jobIds[(j.Namespace, j.Name)]], j.Revision)).ToList(), new Dictionary<string, long>(StringComparer.Ordinal), at, ct);
        await tx.FlushAsync();

        foreach (var chunk in jobIds.Values.Chunk(Math.Max(1, dialect.MaxParameters - 1)))
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE jobs SET current_revision_id = (SELECT r.id FROM job_revisions r WHERE r.job_id = jobs.id AND r.revision = 1) " +
                "WHERE " + dialect.InList("id", "JobIds"), new { JobIds = chunk }, transaction, cancellationToken: ct));

        tx.Enqueue(MultiRowInsert.Build(dialect, jobs, StoreTransaction.AuditColumns.Length, j => StoreTransaction.AuditValues(
                new AuditEntry(Micros.ToTime(at), actor, AuditAction.JobCreate, $"job/{j.Namespace}/{j.Name}", jobIds[(j.Namespace, j.Name)],
                    j.RequestId, null, 1, null, j.Revision.SpecHash, client, null)),
            values => $"INSERT INTO audit_log ({string.Join(", ", StoreTransaction.AuditColumns)}) VALUES {values}"));
        return jobs.Count;
    }
}
