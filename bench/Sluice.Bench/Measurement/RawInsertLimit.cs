using System.Data.Common;

namespace Sluice.Bench.Measurement;

/// <summary>
/// The database's own ceiling for what Sluice's writes are: single-row insert transactions
/// (BEGIN; INSERT one row; COMMIT) from N concurrent clients, straight through the ADO.NET driver.
/// </summary>
public static class RawInsertLimit
{
    private const string Table = "sluice_bench_raw_insert";

    /// <summary>
    /// Runs the inserts unmeasured for <paramref name="warmUp"/> first, as Sluice's operations are: a cold process would
    /// understate the limit (and flatter what is compared with it) while the JIT still compiles the driver's hot paths.
    /// </summary>
    public static async Task<LoadResult> MeasureAsync(
        BenchDialect dialect, Func<CancellationToken, Task<DbConnection>> connect, int clients, TimeSpan duration, TimeSpan warmUp)
    {
        await using (var setup = await connect(CancellationToken.None))
        {
            await ExecuteAsync(setup, null, $"DROP TABLE IF EXISTS {Table}");
            await ExecuteAsync(setup, null, CreateTable(dialect));
        }
        var payload = new string('x', 200);
        async Task InsertAsync(int client, long sequence, CancellationToken ct)
        {
            await using var connection = await connect(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO {Table} (client, seq, payload) VALUES (@client, @seq, @payload)";
            AddParameter(insert, "@client", client);
            AddParameter(insert, "@seq", sequence);
            AddParameter(insert, "@payload", payload);
            await insert.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
        }
        if (warmUp > TimeSpan.Zero) await LoadRunner.RunAsync("raw insert tx (driver), warm-up", clients, warmUp, InsertAsync);
        var result = await LoadRunner.RunAsync("raw insert tx (driver)", clients, duration, InsertAsync);
        await using (var cleanup = await connect(CancellationToken.None))
        {
            await ExecuteAsync(cleanup, null, $"DROP TABLE IF EXISTS {Table}");
        }
        return result;
    }

    private static string CreateTable(BenchDialect dialect) => dialect switch
    {
        BenchDialect.Postgres =>
            $"CREATE TABLE {Table} (id BIGSERIAL PRIMARY KEY, client INT NOT NULL, seq BIGINT NOT NULL, " +
            "payload TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        BenchDialect.MySql =>
            $"CREATE TABLE {Table} (id BIGINT AUTO_INCREMENT PRIMARY KEY, client INT NOT NULL, seq BIGINT NOT NULL, " +
            "payload VARCHAR(255) NOT NULL, created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB",
        BenchDialect.Sqlite =>
            $"CREATE TABLE {Table} (id INTEGER PRIMARY KEY AUTOINCREMENT, client INTEGER NOT NULL, seq INTEGER NOT NULL, " +
            "payload TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)",
        _ => throw new ArgumentOutOfRangeException(nameof(dialect)),
    };

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

public enum BenchDialect
{
    Sqlite,
    Postgres,
    MySql,
}
