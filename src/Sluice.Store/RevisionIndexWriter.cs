using Dapper;
using Sluice.Store.Dialects;

namespace Sluice.Store;

/// <summary>
/// The rows derived from a revision's spec that make it queryable: labels, placement fabrics, and the datasets it
/// reads and writes (each dataset one row, shared by every revision that links it). Queued on the transaction.
/// </summary>
internal static class RevisionIndexWriter
{
    /// <param name="knownDatasets">Dataset ids by URI already read; the others are looked up or inserted.</param>
    public static async Task WriteAsync(IStoreDialect dialect, StoreTransaction tx, IReadOnlyList<(long RevisionId, NewRevision Content)> revisions,
        Dictionary<string, long> knownDatasets, long atMicros, CancellationToken ct)
    {
        var labels = revisions.SelectMany(r => r.Content.Labels.Select(l => (r.RevisionId, l.Key, l.Value))).ToList();
        tx.Enqueue(MultiRowInsert.Build(dialect, labels, 3, l => [l.RevisionId, l.Key, l.Value],
            values => "INSERT INTO job_labels (revision_id, label_key, label_value) VALUES " + values));

        var fabrics = revisions.SelectMany(r => r.Content.Fabrics.Distinct().Select(f => (r.RevisionId, Fabric: f))).ToList();
        tx.Enqueue(MultiRowInsert.Build(dialect, fabrics, 2, f => [f.RevisionId, f.Fabric],
            values => "INSERT INTO job_placements (revision_id, fabric) VALUES " + values));

        var links = revisions.SelectMany(r => r.Content.Datasets.Select(d => (r.RevisionId, Link: d))).ToList();
        if (links.Count == 0) return;
        await EnsureDatasetsAsync(dialect, tx, links.Select(l => l.Link.Dataset).ToList(), knownDatasets, atMicros, ct);
        var rows = links.Select(l => (l.RevisionId, DatasetId: knownDatasets[l.Link.Dataset.Uri], Direction: (short)l.Link.Direction))
            .Distinct().ToList();
        tx.Enqueue(MultiRowInsert.Build(dialect, rows, 3, r => [r.RevisionId, r.DatasetId, r.Direction],
            values => "INSERT INTO job_datasets (revision_id, dataset_id, direction) VALUES " + values));
    }

    /// <summary>Adds the id of every dataset to <paramref name="ids"/>, inserting the ones never seen before.</summary>
    private static async Task EnsureDatasetsAsync(IStoreDialect dialect, StoreTransaction tx, IReadOnlyList<DatasetRef> datasets,
        Dictionary<string, long> ids, long atMicros, CancellationToken ct)
    {
        // Sorted so concurrent transactions take the unique-index locks in one order and cannot deadlock on them.
        var wanted = datasets.DistinctBy(d => d.Uri).Where(d => !ids.ContainsKey(d.Uri)).OrderBy(d => d.Uri, StringComparer.Ordinal).ToList();
        if (wanted.Count == 0) return;
        await SelectIdsAsync(wanted.Select(d => d.Uri).ToList());
        var missing = wanted.Where(d => !ids.ContainsKey(d.Uri)).ToList();
        if (missing.Count == 0) return;
        tx.Enqueue(MultiRowInsert.Build(dialect, missing, 5, d => [d.Uri, d.System, d.Cluster, d.Name, atMicros],
            values => dialect.InsertIgnore("datasets", "uri, system_name, cluster, name, created_at", values, "uri")));
        await tx.FlushAsync();
        await SelectIdsAsync(missing.Select(d => d.Uri).ToList());

        async Task SelectIdsAsync(List<string> uris)
        {
            await tx.FlushAsync();
            foreach (var chunk in uris.Chunk(Math.Max(1, dialect.MaxParameters - 1)))
            {
                var found = await tx.Connection.QueryAsync<(long Id, string Uri)>(new CommandDefinition(
                    "SELECT id, uri FROM datasets WHERE " + dialect.InList("uri", "Uris"), new { Uris = chunk }, tx.Transaction, cancellationToken: ct));
                foreach (var (id, uri) in found) ids[uri] = id;
            }
        }
    }
}
