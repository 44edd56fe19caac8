using Npgsql;
using NpgsqlTypes;

namespace Sluice.Store;

/// <summary>
/// PostgreSQL: a revision with its labels, placements, datasets and dataset links in one statement (one round trip,
/// one prepared plan): data-modifying CTEs fed by array parameters, the datasets upserted with ON CONFLICT DO NOTHING
/// and their ids taken from RETURNING or, for those already there, from the table.
/// </summary>
internal static class PostgresRevisionInsert
{
    private const string Sql =
        "WITH rev AS (" +
        " INSERT INTO job_revisions (job_id, revision, spec_hash, canonical_spec, source_kind, source_text, runtime, stateful, author, created_at, request_id)" +
        " VALUES (@JobId, @Revision, @SpecHash, @CanonicalSpec, @SourceKind, @SourceText, @Runtime, @Stateful, @Author, @At, @RequestId) RETURNING id)," +
        " labels AS (INSERT INTO job_labels (revision_id, label_key, label_value)" +
        " SELECT rev.id, l.k, l.v FROM rev, unnest(@LabelKeys, @LabelValues) AS l(k, v))," +
        " placements AS (INSERT INTO job_placements (revision_id, fabric) SELECT rev.id, f.fabric FROM rev, unnest(@Fabrics) AS f(fabric))," +
        " wanted AS (SELECT * FROM unnest(@Uris, @Systems, @Clusters, @Names) AS w(uri, system_name, cluster, name))," +
        // Sorted so concurrent transactions take the unique-index locks in one order and cannot deadlock on them.
        " added AS (INSERT INTO datasets (uri, system_name, cluster, name, created_at)" +
        " SELECT uri, system_name, cluster, name, @At FROM wanted ORDER BY uri ON CONFLICT (uri) DO NOTHING RETURNING id, uri)," +
        // The table as of the statement's start: it holds every dataset that existed then, and none of those just added.
        " ids AS (SELECT id, uri FROM added UNION ALL SELECT d.id, d.uri FROM datasets d JOIN wanted w ON d.uri = w.uri)," +
        " links AS (INSERT INTO job_datasets (revision_id, dataset_id, direction)" +
        " SELECT rev.id, ids.id, k.direction FROM rev, unnest(@LinkUris, @LinkDirections) AS k(uri, direction) JOIN ids ON ids.uri = k.uri RETURNING 1)" +
        " SELECT (SELECT id FROM rev), (SELECT count(*) FROM links)";

    // A dataset another transaction added after this statement's snapshot (and committed while we waited on its
    // unique key) is neither inserted nor visible above; a new statement sees it and links it.
    private const string LinkLateDatasetsSql =
        "INSERT INTO job_datasets (revision_id, dataset_id, direction)" +
        " SELECT @RevisionId, d.id, k.direction FROM unnest(@LinkUris, @LinkDirections) AS k(uri, direction) JOIN datasets d ON d.uri = k.uri" +
        " ON CONFLICT DO NOTHING";

    public static async Task<long> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long jobId, long revision,
        NewRevision content, string author, long atMicros, string? requestId, CancellationToken ct)
    {
        var datasets = content.Datasets.Select(d => d.Dataset).DistinctBy(d => d.Uri).ToArray();
        var links = content.Datasets.Select(d => (d.Dataset.Uri, Direction: (short)d.Direction)).Distinct().ToArray();
        var linkUris = links.Select(l => l.Uri).ToArray();
        var linkDirections = links.Select(l => l.Direction).ToArray();
        var labels = content.Labels.ToArray();

        await using var command = new NpgsqlCommand(Sql, connection, transaction);
        var p = command.Parameters;
        p.AddWithValue("JobId", jobId);
        p.AddWithValue("Revision", revision);
        p.AddWithValue("SpecHash", content.SpecHash);
        p.AddWithValue("CanonicalSpec", content.CanonicalSpec);
        p.AddWithValue("SourceKind", (short)content.SourceKind);
        p.AddWithValue("SourceText", NpgsqlDbType.Text, (object?)content.SourceText ?? DBNull.Value);
        p.AddWithValue("Runtime", (short)content.Runtime);
        p.AddWithValue("Stateful", content.Stateful);
        p.AddWithValue("Author", author);
        p.AddWithValue("At", atMicros);
        p.AddWithValue("RequestId", NpgsqlDbType.Text, (object?)requestId ?? DBNull.Value);
        p.AddWithValue("LabelKeys", NpgsqlDbType.Array | NpgsqlDbType.Text, labels.Select(l => l.Key).ToArray());
        p.AddWithValue("LabelValues", NpgsqlDbType.Array | NpgsqlDbType.Text, labels.Select(l => l.Value).ToArray());
        p.AddWithValue("Fabrics", NpgsqlDbType.Array | NpgsqlDbType.Text, content.Fabrics.Distinct().ToArray());
        p.AddWithValue("Uris", NpgsqlDbType.Array | NpgsqlDbType.Text, datasets.Select(d => d.Uri).ToArray());
        p.AddWithValue("Systems", NpgsqlDbType.Array | NpgsqlDbType.Text, datasets.Select(d => d.System).ToArray());
        p.AddWithValue("Clusters", NpgsqlDbType.Array | NpgsqlDbType.Text, datasets.Select(d => d.Cluster).ToArray());
        p.AddWithValue("Names", NpgsqlDbType.Array | NpgsqlDbType.Text, datasets.Select(d => d.Name).ToArray());
        p.AddWithValue("LinkUris", NpgsqlDbType.Array | NpgsqlDbType.Text, linkUris);
        p.AddWithValue("LinkDirections", NpgsqlDbType.Array | NpgsqlDbType.Smallint, linkDirections);

        long revisionId, linked;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            revisionId = reader.GetInt64(0);
            linked = reader.GetInt64(1);
        }
        if (linked == links.Length) return revisionId;

        await using var late = new NpgsqlCommand(LinkLateDatasetsSql, connection, transaction);
        late.Parameters.AddWithValue("RevisionId", revisionId);
        late.Parameters.AddWithValue("LinkUris", NpgsqlDbType.Array | NpgsqlDbType.Text, linkUris);
        late.Parameters.AddWithValue("LinkDirections", NpgsqlDbType.Array | NpgsqlDbType.Smallint, linkDirections);
        var added = await late.ExecuteNonQueryAsync(ct);
        if (linked + added != links.Length)
            throw new InvalidOperationException($"revision {revisionId}: linked {linked + added} of {links.Length} datasets");
        return revisionId;
    }
}
