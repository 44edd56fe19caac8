using Npgsql;
using NpgsqlTypes;

namespace Sluice.Store.Deployments;

/// <summary>
/// PostgreSQL: a group of transitions in one statement (one round trip, one plan, its own transaction), fed by array
/// parameters. Every row's UPDATE carries its own version, shard and lease-epoch check, so a fenced-out row is simply
/// not updated (and gets no event, no resource); the statement answers the ids it did update.
/// </summary>
internal static class PostgresTransitionGroup
{
    private const string Sql =
        "WITH i AS (SELECT * FROM unnest(@Ids, @Versions, @Shards, @Owners, @Epochs, @States, @StepIndexes, @Attempts, @NextAttempts," +
        " @StepStarts, @Errors, @ActiveKeys, @RestoreKinds, @RestorePaths, @RenderedFormats, @Rendered, @Drivers, @RuntimeIds," +
        " @SubmitAttempts, @PreviousIds, @Nows, @FinishedAts, @FromStates, @Details, @Terminals, @ResourceKinds, @ResourceNames," +
        " @ResourceExternalIds, @ResourceStatuses, @ResourceRevisions, @RenderingChanged)" +
        " AS t(id, version, shard, owner, epoch, state, step_index, attempt, next_attempt_at, step_started_at, error, active_key," +
        " restore_kind, restore_path, rendered_format, rendered, driver, runtime_id, submit_attempt, previous_id, now, finished_at," +
        " from_state, detail, terminal, resource_kind, resource_name, resource_external_id, resource_status, resource_revision," +
        " rendering_changed))," +
        " u AS (UPDATE deployments d SET state = i.state, step_index = i.step_index, attempt = i.attempt, next_attempt_at = i.next_attempt_at," +
        " step_started_at = i.step_started_at, error = i.error, active_key = i.active_key, fence_epoch = i.epoch, version = d.version + 1," +
        " restore_kind = i.restore_kind, restore_path = i.restore_path," +
        " rendered_format = CASE WHEN i.rendering_changed THEN i.rendered_format ELSE d.rendered_format END," +
        " rendered = CASE WHEN i.rendering_changed THEN i.rendered ELSE d.rendered END," +
        " driver = i.driver, runtime_id = i.runtime_id, submit_attempt = i.submit_attempt, previous_id = i.previous_id," +
        " updated_at = i.now, finished_at = i.finished_at" +
        " FROM i WHERE d.id = i.id AND d.version = i.version AND d.shard = i.shard" +
        " AND EXISTS (SELECT 1 FROM shard_leases l WHERE l.shard = i.shard AND l.owner = i.owner AND l.epoch = i.epoch)" +
        " RETURNING d.id, d.job, d.fabric)," +
        " e AS (INSERT INTO deployment_events (deployment_id, at, from_state, state, attempt, fence_epoch, detail)" +
        " SELECT i.id, i.now, i.from_state, i.state, i.attempt, i.epoch, i.detail FROM i JOIN u ON u.id = i.id WHERE i.detail IS NOT NULL)," +
        // Provisioning is keyed by (job, fabric, kind, name): a re-run updates the row the first run wrote.
        " r AS (INSERT INTO resources (job, fabric, kind, name, external_id, status, revision, deployment_id, created_at, released_at)" +
        " SELECT u.job, u.fabric, i.resource_kind, i.resource_name, i.resource_external_id, i.resource_status, i.resource_revision, i.id, i.now," +
        " CASE WHEN i.resource_status = @Released THEN i.now END FROM i JOIN u ON u.id = i.id WHERE i.resource_kind IS NOT NULL" +
        " ORDER BY u.job, u.fabric, i.resource_kind, i.resource_name" +
        " ON CONFLICT (job, fabric, kind, name) DO UPDATE SET external_id = excluded.external_id, status = excluded.status," +
        " revision = excluded.revision, deployment_id = excluded.deployment_id, released_at = excluded.released_at)," +
        // A finished deployment wakes the next queued one of its (job, fabric); rows of this group are left to their own write.
        " w AS (UPDATE deployments q SET next_attempt_at = i.now FROM i JOIN u ON u.id = i.id" +
        " WHERE i.terminal AND q.job = u.job AND q.fabric = u.fabric AND q.state = @Queued AND q.finished_at IS NULL AND q.id <> ALL(@Ids))" +
        " SELECT id FROM u";

    public static async Task<IReadOnlySet<long>> WriteAsync(NpgsqlConnection connection, IReadOnlyList<TransitionWrite> group, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(Sql, connection);
        var p = command.Parameters;
        p.AddArray("Ids", NpgsqlDbType.Bigint, group, w => w.Current.Id);
        p.AddArray("Versions", NpgsqlDbType.Integer, group, w => w.Current.Version);
        p.AddArray("Shards", NpgsqlDbType.Integer, group, w => w.Fence.Shard);
        p.AddArray("Owners", NpgsqlDbType.Text, group, w => w.Fence.Owner);
        p.AddArray("Epochs", NpgsqlDbType.Bigint, group, w => w.Fence.Epoch);
        p.AddArray("States", NpgsqlDbType.Smallint, group, w => (short)w.Next.State);
        p.AddArray("StepIndexes", NpgsqlDbType.Integer, group, w => w.Next.StepIndex);
        p.AddArray("Attempts", NpgsqlDbType.Integer, group, w => w.Next.Attempt);
        p.AddArray("NextAttempts", NpgsqlDbType.Bigint, group, w => Micros.From(w.Next.NextAttemptAt));
        p.AddArray("StepStarts", NpgsqlDbType.Bigint, group, w => Micros.From(w.Next.StepStartedAt));
        p.AddArray("Errors", NpgsqlDbType.Text, group, w => w.Next.Error);
        p.AddArray("ActiveKeys", NpgsqlDbType.Text, group, w => w.ActiveKey);
        p.AddArray("RestoreKinds", NpgsqlDbType.Smallint, group, w => (short?)w.Next.Restore);
        p.AddArray("RestorePaths", NpgsqlDbType.Text, group, w => w.Next.RestorePath);
        p.AddArray("RenderedFormats", NpgsqlDbType.Text, group, w => w.RenderingChanged ? w.Next.RenderedFormat : null);
        p.AddArray("Rendered", NpgsqlDbType.Text, group, w => w.RenderingChanged ? w.Next.Rendered : null);
        p.AddArray("RenderingChanged", NpgsqlDbType.Boolean, group, w => w.RenderingChanged);
        p.AddArray("Drivers", NpgsqlDbType.Text, group, w => w.Next.Driver);
        p.AddArray("RuntimeIds", NpgsqlDbType.Text, group, w => w.Next.RuntimeId);
        p.AddArray("SubmitAttempts", NpgsqlDbType.Integer, group, w => w.Next.SubmitAttempt);
        p.AddArray("PreviousIds", NpgsqlDbType.Bigint, group, w => w.Next.PreviousId);
        p.AddArray("Nows", NpgsqlDbType.Bigint, group, w => Micros.From(w.Now));
        p.AddArray("FinishedAts", NpgsqlDbType.Bigint, group, w => w.FinishedAtMicros);
        p.AddArray("FromStates", NpgsqlDbType.Smallint, group, w => (short)w.Current.State);
        p.AddArray("Details", NpgsqlDbType.Text, group, w => w.Detail);
        p.AddArray("Terminals", NpgsqlDbType.Boolean, group, w => w.Terminal);
        p.AddArray("ResourceKinds", NpgsqlDbType.Smallint, group, w => (short?)w.Resource?.Kind);
        p.AddArray("ResourceNames", NpgsqlDbType.Text, group, w => w.Resource?.Name);
        p.AddArray("ResourceExternalIds", NpgsqlDbType.Text, group, w => w.Resource?.ExternalId);
        p.AddArray("ResourceStatuses", NpgsqlDbType.Smallint, group, w => (short?)w.Resource?.Status);
        p.AddArray("ResourceRevisions", NpgsqlDbType.Bigint, group, w => w.Resource?.Revision);
        p.AddWithValue("Released", NpgsqlDbType.Smallint, (short)ResourceStatus.Released);
        p.AddWithValue("Queued", NpgsqlDbType.Smallint, (short)DeploymentState.Queued);
        var applied = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            applied.Add(reader.GetInt64(0));
        }
        return applied;
    }
}
