using Sluice.Store.Deployments;

namespace Sluice.Store.Ownership;

/// <summary>The jobs' ownership records in the store's database (the table comes with the store's migrations).</summary>
public sealed class OwnershipStore : IAsyncDisposable
{
    private readonly DeploymentSql _sql;

    private OwnershipStore(DeploymentSql sql) => _sql = sql;

    public static OwnershipStore For(SluiceStore store) => new(DeploymentSql.For(store.Url.Dialect, store.Url.ConnectionString));

    /// <summary>The job's record; a job never seen by the migrator is Sluice's (epoch 0).</summary>
    public async Task<OwnershipRecord> GetAsync(string job, CancellationToken ct = default)
    {
        await using var connection = await _sql.OpenAsync(ct);
        return await OwnershipSql.GetAsync(connection, null, job, ct);
    }

    /// <summary>Applies one fenced change; throws <see cref="OwnershipConflictException"/> when the record moved on.</summary>
    public Task<OwnershipRecord> ChangeAsync(OwnershipChange change, DateTimeOffset now, CancellationToken ct = default) =>
        InTransactionAsync((connection, transaction) => OwnershipSql.ApplyAsync(connection, transaction, _sql.Kind, change, now, ct), ct);

    /// <summary>
    /// Records a job the migrator imported as owned by its legacy control plane (known there as <paramref name="legacyName"/>),
    /// unless it has a record already or Sluice has run it; answers the record as it now is.
    /// </summary>
    public Task<OwnershipRecord> RegisterLegacyAsync(string job, string legacyName, DateTimeOffset now, CancellationToken ct = default) =>
        InTransactionAsync((connection, transaction) => OwnershipSql.RegisterLegacyAsync(connection, transaction, _sql.Kind, job, legacyName, now, ct), ct);

    private async Task<T> InTransactionAsync<T>(Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task<T>> work, CancellationToken ct)
    {
        await using var connection = await _sql.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(ct);
        return result;
    }

    public ValueTask DisposeAsync() => _sql.DisposeAsync();
}
