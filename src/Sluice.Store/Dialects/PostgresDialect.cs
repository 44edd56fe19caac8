using System.Data.Common;
using FluentMigrator.Runner;
using Npgsql;

namespace Sluice.Store.Dialects;

internal sealed class PostgresDialect(string connectionString) : IStoreDialect
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public StoreDialectKind Kind => StoreDialectKind.Postgres;

    public async Task<DbConnection> OpenAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    public string ForUpdate => " FOR UPDATE";

    public string InsertReturningId(string insert) => insert + " RETURNING id";

    public string InsertIgnore(string table, string columns, string valuesList, string conflictColumns) =>
        $"INSERT INTO {table} ({columns}) VALUES {valuesList} ON CONFLICT ({conflictColumns}) DO NOTHING";

    public string Upsert(string table, string columns, string valuesList, string conflictColumns, IReadOnlyList<string> updateColumns) =>
        $"INSERT INTO {table} ({columns}) VALUES {valuesList} ON CONFLICT ({conflictColumns}) DO UPDATE SET " +
        string.Join(", ", updateColumns.Select(c => $"{c} = excluded.{c}"));

    public string InList(string column, string parameter) => $"{column} = ANY(@{parameter})";

    public bool IsUniqueViolation(Exception error) => error is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public bool IsTransient(Exception error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    public void AddMigrationProcessor(IMigrationRunnerBuilder runner) => runner.AddPostgres();

    public int MaxParameters => 30000;

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
