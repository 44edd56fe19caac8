using System.Data.Common;
using FluentMigrator.Runner;
using Microsoft.Data.Sqlite;

namespace Sluice.Store.Dialects;

/// <summary>
/// One file in WAL mode. Write transactions begin IMMEDIATE (Microsoft.Data.Sqlite's default), so writers queue on
/// the database lock instead of failing to upgrade a read lock; readers never block.
/// </summary>
internal sealed class SqliteDialect(string connectionString) : IStoreDialect
{
    public StoreDialectKind Kind => StoreDialectKind.Sqlite;

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    public string ForUpdate => "";

    public string InsertReturningId(string insert) => insert + " RETURNING id";

    public string InsertIgnore(string table, string columns, string valuesList, string conflictColumns) =>
        $"INSERT INTO {table} ({columns}) VALUES {valuesList} ON CONFLICT ({conflictColumns}) DO NOTHING";

    public string Upsert(string table, string columns, string valuesList, string conflictColumns, IReadOnlyList<string> updateColumns) =>
        $"INSERT INTO {table} ({columns}) VALUES {valuesList} ON CONFLICT ({conflictColumns}) DO UPDATE SET " +
        string.Join(", ", updateColumns.Select(c => $"{c} = excluded.{c}"));

    // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
    public bool BatchesWrites => false;

    public string InList(string column, string parameter) => $"{column} IN @{parameter}";

    public bool IsUniqueViolation(Exception error) => error is SqliteException { SqliteExtendedErrorCode: 2067 or 1555 };

    // SQLITE_BUSY and SQLITE_LOCKED.
    public bool IsTransient(Exception error) => error is SqliteException { SqliteErrorCode: 5 or 6 };

    public (string Lock, string Unlock)? MigrationLock => null;

    public string AnalyzeStatement => "ANALYZE";

    public void AddMigrationProcessor(IMigrationRunnerBuilder runner) => runner.AddSQLite();

    // SQLite's default SQLITE_MAX_VARIABLE_NUMBER is 32766.
    public int MaxParameters => 30000;

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearPool(new SqliteConnection(connectionString));
        return ValueTask.CompletedTask;
    }
}
