using System.Data.Common;
using Dapper;
using Sluice.Store.Dialects;

namespace Sluice.Store;

/// <summary>
/// The rows derived from a revision's spec that make it queryable: labels, placement fabrics, and the datasets it
/// reads and writes (each dataset one row, shared by every revision that links it).
/// </summary>
internal static class RevisionIndexWriter
{
    public static async Task WriteAsync(IStoreDialect dialect, DbConnection connection, DbTransaction transaction,
        IReadOnlyList<(long RevisionId, NewRevision Content)> revisions, long atMicros, CancellationToken ct)
    {
        var labels = revisions.SelectMany(r => r.Content.Labels.Select(l => (r.RevisionId, l.Key, l.Value))).ToList();
        await MultiRowInsert.ExecuteAsync(dialect, connection, transaction, labels, 3, l => [l.RevisionId, l.Key, l.Value],
            values => "INSERT INTO job_labels (revision_id, label_key, label_value) VALUES " + values, ct);

        var fabrics = revisions.SelectMany(r => r.Content.Fabrics.Distinct().Select(f => (r.RevisionId, Fabric: f))).ToList();
        await MultiRowInsert.ExecuteAsync(dialect, connection, transaction, fabrics, 2, f => [f.RevisionId, f.Fabric],
            values => "INSERT INTO job_placements (revision_id, fabric) VALUES " + values, ct);

        var links = revisions.SelectMany(r => r.Content.Datasets.Select(d => (r.RevisionId, Link: d))).ToList();
        if (links.Count == 0) return;
        var datasetIds = await EnsureDatasetsAsync(dialect, connection, transaction,
            links.Select(l => l.Link.Dataset).ToList(), atMicros, ct);
        var rows = links.Select(l => (l.RevisionId, DatasetId: datasetIds[l.Link.Dataset.Uri], Direction: (short)l.Link.Direction))
            .Distinct().ToList();
        await MultiRowInsert.ExecuteAsync(dialect, connection, transaction, rows, 3, r => [r.RevisionId, r.DatasetId, r.Direction],
            values => "INSERT INTO job_datasets (revision_id, dataset_id, direction) VALUES " + values, ct);
    }

    /// <summary>Inserts the datasets not seen before and answers every one's id by URI.</summary>
    private static async Task<Dictionary<string, long>> EnsureDatasetsAsync(IStoreDialect dialect, DbConnection connection,
        DbTransaction transaction, IReadOnlyList<DatasetRef> datasets, long atMicros, CancellationToken ct)
    {
        // Sorted so concurrent transactions take the unique-index locks in one order and cannot deadlock on them.
        var distinct = datasets.DistinctBy(d => d.Uri).OrderBy(d => d.Uri, StringComparer.Ordinal).ToList();
        var uris = distinct.Select(d => d.Uri).ToList();
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        await SelectIdsAsync(uris);
        var missing = distinct.Where(d => !ids.ContainsKey(d.Uri)).ToList();
        if (missing.Count == 0) return ids;
        await MultiRowInsert.ExecuteAsync(dialect, connection, transaction, missing, 5,
            d => [d.Uri, d.System, d.Cluster, d.Name, atMicros],
            values => dialect.InsertIgnore("datasets", "uri, system_name, cluster, name, created_at", values, "uri"), ct);
        await SelectIdsAsync(missing.Select(d => d.Uri).ToList());
        return ids;

        async Task SelectIdsAsync(List<string> wanted)
        {
            foreach (var chunk in wanted.Chunk(Math.Max(1, dialect.MaxParameters - 1)))
            {
                var found = await connection.QueryAsync<(long Id, string Uri)>(new CommandDefinition(
                    "SELECT id, uri FROM datasets WHERE " + dialect.InList("uri", "Uris"), new { Uris = chunk }, transaction, cancellationToken: ct));
                foreach (var (id, uri) in found) ids[uri] = id;
            }
        }
    }
}
