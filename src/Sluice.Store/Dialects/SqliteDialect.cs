using System.Data;
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

    // One kind of connection serves both: nothing here reuses a plan across values the way PostgreSQL prepared statements do.
    public Task<DbConnection> OpenForValueDependentQueryAsync(CancellationToken ct) => OpenAsync(ct);

    public string ForUpdate => "";

    public string InsertReturningId(string insert) => insert + " RETURNING id";

    public string InsertIgnore(string table, string columns, string valuesList, string conflictColumns) =>
        $"INSERT INTO {table} ({columns}) VALUES {valuesList} ON CONFLICT ({conflictColumns}) DO NOTHING";

    public string Upsert(string table, string columns, string valuesList, string conflictColumns, IReadOnlyList<string> updateColumns) =>
        $"INSERT INTO {table} ({columns}) VALUES {valuesList} ON CONFLICT ({conflictColumns}) DO UPDATE SET " +
        string.Join(", ", updateColumns.Select(c => $"{c} = excluded.{c}"));

    // SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY.
    // SQLite has one writer at a time: its transactions are serializable.
    public IsolationLevel WriteIsolation => IsolationLevel.Serializable;

    public bool BatchesWrites => false;

    public string InList(string column, string parameter) => $"{column} IN @{parameter}";

    public bool IsUniqueViolation(Exception error) => error is SqliteException { SqliteExtendedErrorCode: 2067 or 1555 };

    // SQLITE_BUSY and SQLITE_LOCKED.
    public bool IsTransient(Exception error) => error is SqliteException { SqliteErrorCode: 5 or 6 };

    public (string Lock, string Unlock)? MigrationLock => null;

    public string AnalyzeStatement => "ANALYZE";

    public void AddMigrationProcessor(IMigrationRunnerBuilder runner) => runner.AddSQLite();

    // SQLite allows 32766, but binding a parameter looks its name up by a linear scan of the statement's names
    // (Microsoft.Data.Sqlite tries each prefix in turn), so binding costs grow with the square of the count:
    // 30,000-parameter statements made seeding take minutes. ~1,000 keeps each statement large and binding cheap.
    public int MaxParameters => 999;

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearPool(new SqliteConnection(connectionString));
        return ValueTask.CompletedTask;
    }
}
