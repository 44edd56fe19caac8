using Dapper;
using System.Data.Common;
using System.Text;
using Sluice.Spec.V1;
using Sluice.Store.Dialects;

namespace Sluice.Store;

/// <summary>A revision to insert as part of a batch: the job it belongs to, its number and content.</summary>
public sealed record RevisionWrite(long JobId, long Revision, NewRevision Content, string Author, string? RequestId);

/// <summary>
/// Set-oriented writes for many jobs in one transaction (group commit): each call is one round trip whatever the
/// number of jobs, and locks and inserts go in key order so concurrent batches cannot deadlock on each other.
/// Generated ids are read back by natural key, which is correct on every dialect whatever the auto-increment mode.
/// </summary>
internal static class BatchWrites
{
    public static async Task<Dictionary<(string Namespace, string Name), JobRecord>> LockJobsAsync(
        IStoreDialect dialect, StoreTransaction tx, IReadOnlyCollection<(string Namespace, string Name)> keys, CancellationToken ct)
    {
        var sorted = Sorted(keys);
        await using var command = new CommandText(tx);
        var list = command.RowList(sorted, k => [k.Namespace, k.Name]);
        // Lock the rows alone first (in key order), then read them with their heads once the locks are held (see
        // StoreTransaction.LockJobAsync for why the join is not locked directly).
        command.Sql.Append("SELECT id FROM jobs WHERE (namespace, name) IN (").Append(list).Append(") ORDER BY namespace, name")
            .Append(dialect.ForUpdate).Append("; SELECT ").Append(JobRow.Columns).Append(JobRow.From)
            .Append(" WHERE (j.namespace, j.name) IN (").Append(list).Append(')');
        await using var reader = await command.ExecuteReaderAsync(ct);
        var locked = new HashSet<long>();
        while (await reader.ReadAsync(ct)) locked.Add(reader.GetInt64(0));
        await reader.NextResultAsync(ct);
        var jobs = new Dictionary<(string, string), JobRecord>();
        var parse = reader.GetRowParser<JobRow>();
        while (await reader.ReadAsync(ct))
        {
            var row = parse(reader);
            if (locked.Contains(row.Id)) jobs[(row.Namespace, row.Name)] = row.ToRecord();
        }
        return jobs;
    }

    public static async Task<Dictionary<(string Namespace, string Name), long>> InsertJobsAsync(IStoreDialect dialect, StoreTransaction tx,
        IReadOnlyCollection<(string Namespace, string Name, string Actor)> newJobs, DesiredState state, long atMicros, CancellationToken ct)
    {
        var sorted = newJobs.OrderBy(k => k.Namespace, StringComparer.Ordinal).ThenBy(k => k.Name, StringComparer.Ordinal).ToList();
        await using var command = new CommandText(tx);
        var namespaces = command.RowList(sorted.DistinctBy(k => k.Namespace).ToList(), k => [k.Namespace, atMicros, k.Actor]);
        var jobs = command.RowList(sorted, k => [k.Namespace, k.Name, 0L, (short)state, atMicros, k.Actor, atMicros, k.Actor]);
        var wanted = command.RowList(sorted, k => [k.Namespace, k.Name]);
        command.Sql.Append(dialect.InsertIgnore("namespaces", "name, created_at, created_by", namespaces, "name"))
            .Append("; INSERT INTO jobs (namespace, name, revision, desired_state, created_at, created_by, updated_at, updated_by) VALUES ")
            .Append(jobs).Append("; SELECT id, namespace, name FROM jobs WHERE (namespace, name) IN (").Append(wanted).Append(')');
        await using var reader = await command.ExecuteReaderAsync(ct);
        await SkipToRowsAsync(reader, ct);
        var ids = new Dictionary<(string, string), long>();
        while (await reader.ReadAsync(ct)) ids[(reader.GetString(1), reader.GetString(2))] = reader.GetInt64(0);
        return ids;
    }

    /// <summary>Inserts the revisions and queues their index rows; answers the revision ids in the order given.</summary>
    public static async Task<IReadOnlyList<long>> InsertRevisionsAsync(IStoreDialect dialect, StoreTransaction tx,
        IReadOnlyList<RevisionWrite> revisions, long atMicros, CancellationToken ct)
    {
        await tx.FlushAsync();
        await using var command = new CommandText(tx);
        var rows = command.RowList(revisions, r =>
        [
            r.JobId, r.Revision, r.Content.SpecHash, r.Content.CanonicalSpec, (short)r.Content.SourceKind, r.Content.SourceText,
            (short)r.Content.Runtime, r.Content.Stateful, r.Author, atMicros, r.RequestId,
        ]);
        var keys = command.RowList(revisions, r => [r.JobId, r.Revision]);
        // The datasets the revisions link are looked up in the same round trip when the parameters fit (SQLite's 999).
        var uris = revisions.SelectMany(r => r.Content.Datasets.Select(d => d.Dataset.Uri)).Distinct().ToList();
        var lookUpDatasets = uris.Count > 0 && revisions.Count * 13 + uris.Count <= dialect.MaxParameters;
        command.Sql.Append("INSERT INTO job_revisions (job_id, revision, spec_hash, canonical_spec, source_kind, source_text, runtime, stateful, author, created_at, request_id) VALUES ")
            .Append(rows).Append("; SELECT id, job_id, revision FROM job_revisions WHERE (job_id, revision) IN (").Append(keys).Append(')');
        if (lookUpDatasets) command.Sql.Append("; SELECT id, uri FROM datasets WHERE uri IN (").Append(command.RowList(uris, u => [u])).Append(')');
        var ids = new Dictionary<(long, long), long>();
        var knownDatasets = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await SkipToRowsAsync(reader, ct);
            while (await reader.ReadAsync(ct)) ids[(reader.GetInt64(1), reader.GetInt64(2))] = reader.GetInt64(0);
            if (lookUpDatasets && await reader.NextResultAsync(ct))
            {
                while (await reader.ReadAsync(ct)) knownDatasets[reader.GetString(1)] = reader.GetInt64(0);
            }
        }
        var revisionIds = revisions.Select(r => ids[(r.JobId, r.Revision)]).ToList();
        await RevisionIndexWriter.WriteAsync(dialect, tx, revisions.Select((r, i) => (revisionIds[i], r.Content)).ToList(), knownDatasets, atMicros, ct);
        return revisionIds;
    }

    /// <summary>Moves past the empty results of the INSERTs that precede a command's SELECT.</summary>
    private static async Task SkipToRowsAsync(DbDataReader reader, CancellationToken ct)
    {
        while (!reader.HasRows && await reader.NextResultAsync(ct))
        {
        }
    }

    private static List<(string Namespace, string Name)> Sorted(IEnumerable<(string Namespace, string Name)> keys) =>
        keys.Distinct().OrderBy(k => k.Namespace, StringComparer.Ordinal).ThenBy(k => k.Name, StringComparer.Ordinal).ToList();

    /// <summary>One command of several statements with plain ADO.NET parameters, each values list under its own prefix.</summary>
    private sealed class CommandText(StoreTransaction tx) : IAsyncDisposable
    {
        private readonly DbCommand _command = CreateCommand(tx);
        private int _lists;

        public StringBuilder Sql { get; } = new();

        /// <summary>"(@a0_0, @a0_1), (@a1_0, @a1_1)" bound to <paramref name="rows"/>.</summary>
        public string RowList<T>(IReadOnlyList<T> rows, Func<T, object?[]> values)
        {
            var prefix = $"b{_lists++}_";
            var list = new StringBuilder();
            for (var i = 0; i < rows.Count; i++)
            {
                list.Append(i == 0 ? "(" : ", (");
                var row = values(rows[i]);
                for (var c = 0; c < row.Length; c++)
                {
                    var name = $"{prefix}{i}_{c}";
                    if (c > 0) list.Append(", ");
                    list.Append('@').Append(name);
                    var parameter = _command.CreateParameter();
                    parameter.ParameterName = name;
                    parameter.Value = row[c] ?? DBNull.Value;
                    _command.Parameters.Add(parameter);
                }
                list.Append(')');
            }
            return list.ToString();
        }

        public Task<DbDataReader> ExecuteReaderAsync(CancellationToken ct)
        {
            _command.CommandText = Sql.ToString();
            return _command.ExecuteReaderAsync(ct);
        }

        public ValueTask DisposeAsync() => _command.DisposeAsync();

        private static DbCommand CreateCommand(StoreTransaction tx)
        {
            var command = tx.Connection.CreateCommand();
            command.Transaction = tx.Transaction;
            return command;
        }
    }
}
