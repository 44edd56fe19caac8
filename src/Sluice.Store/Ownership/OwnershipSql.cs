using System.Data.Common;
using Dapper;

namespace Sluice.Store.Ownership;

/// <summary>
/// The ownership statements, run inside a caller's transaction: the deployment workflow flips ownership in the same
/// transaction as the deployment's own transition. A change is one conditional UPDATE (owner and epoch must still be
/// what the caller read), so two writers can never both win.
/// </summary>
internal static class OwnershipSql
{
    private const string Columns =
        "job AS Job, owner AS Owner, epoch AS Epoch, from_owner AS FromOwner, savepoint AS Savepoint, legacy_name AS LegacyName, deployment_id AS DeploymentId";

    public static async Task<OwnershipRecord> GetAsync(DbConnection connection, DbTransaction? transaction, string job, CancellationToken ct) =>
        (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT " + Columns + " FROM job_ownership WHERE job = @Job", new { Job = job }, transaction, cancellationToken: ct)))?.ToRecord()
        ?? OwnershipRecord.SluiceByDefault(job);

    public static async Task<OwnershipRecord> ApplyAsync(DbConnection connection, DbTransaction transaction, StoreDialectKind dialect,
        OwnershipChange change, DateTimeOffset now, CancellationToken ct)
    {
        if (change is { Expected: JobOwner.Sluice, Epoch: 0 })
        {
            // A job never seen is Sluice's at epoch 0: make that implicit record real before changing it.
            await connection.ExecuteAsync(new CommandDefinition(InsertIfAbsent(dialect, "@Job, @Sluice, 0, NULL, NULL, NULL, NULL, @Now", null),
                new { change.Job, Sluice = (short)JobOwner.Sluice, Now = Micros.From(now) }, transaction, cancellationToken: ct));
        }
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE job_ownership SET owner = @Owner, epoch = epoch + 1, savepoint = @Savepoint, deployment_id = @DeploymentId, updated_at = @Now" +
            (change.Expected == change.Owner ? "" : ", from_owner = @Expected") +
            " WHERE job = @Job AND owner = @Expected AND epoch = @Epoch",
            new
            {
                change.Job, Owner = (short)change.Owner, Expected = (short)change.Expected, change.Epoch, change.Savepoint, change.DeploymentId,
                Now = Micros.From(now),
            }, transaction, cancellationToken: ct));
        var current = await GetAsync(connection, transaction, change.Job, ct);
        if (updated != 1)
        {
            throw new OwnershipConflictException(
                $"{change.Job}: expected it {change.Expected.ToString().ToLowerInvariant()} at epoch {change.Epoch}, but it is {current.Describe()}");
        }
        return current;
    }

    /// <summary>
    /// Records a job the migrator imported as its legacy control plane's, unless it has a record already or Sluice has
    /// ever run it (then it is Sluice's and stays so).
    /// </summary>
    public static async Task<OwnershipRecord> RegisterLegacyAsync(DbConnection connection, DbTransaction transaction, StoreDialectKind dialect,
        string job, string legacyName, DateTimeOffset now, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            InsertIfAbsent(dialect, "@Job, @Legacy, 0, NULL, NULL, @LegacyName, NULL, @Now",
                "NOT EXISTS (SELECT 1 FROM deployments WHERE job = @Job AND runtime_id IS NOT NULL)"),
            new { Job = job, Legacy = (short)JobOwner.Legacy, LegacyName = legacyName, Now = Micros.From(now) }, transaction, cancellationToken: ct));
        // A legacy job imported again under another file name keeps its record; a record without a name learns it.
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE job_ownership SET legacy_name = @LegacyName WHERE job = @Job AND legacy_name IS NULL",
            new { Job = job, LegacyName = legacyName }, transaction, cancellationToken: ct));
        return await GetAsync(connection, transaction, job, ct);
    }

    private static string InsertIfAbsent(StoreDialectKind dialect, string values, string? condition)
    {
        const string Into = "INTO job_ownership (job, owner, epoch, from_owner, savepoint, legacy_name, deployment_id, updated_at) ";
        var where = " WHERE " + (condition ?? "1 = 1");
        return dialect == StoreDialectKind.MySql
            ? "INSERT IGNORE " + Into + "SELECT " + values + " FROM DUAL" + where
            : "INSERT " + Into + "SELECT " + values + where + " ON CONFLICT (job) DO NOTHING";
    }

    private sealed class Row
    {
        public string Job { get; set; } = "";
        public short Owner { get; set; }
        public long Epoch { get; set; }
        public short? FromOwner { get; set; }
        public string? Savepoint { get; set; }
        public string? LegacyName { get; set; }
        public long? DeploymentId { get; set; }

        public OwnershipRecord ToRecord() =>
            new(Job, (JobOwner)Owner, Epoch, (JobOwner?)FromOwner, Savepoint, LegacyName, DeploymentId, Exists: true);
    }
}
