using System.Data;
using System.Data.Common;
using FluentMigrator.Runner;
using Npgsql;

namespace Sluice.Store.Dialects;

internal sealed class PostgresDialect(string connectionString) : IStoreDialect
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(WithAutoPrepare(connectionString));

    // The same few statements run all day: let Npgsql prepare them server-side (parsed once per connection) unless
    // the connection string says otherwise. Plans stay custom: a generic plan for "label = $1" cannot know that one
    // value matches three jobs and another a third of them, and picks a plan that is slow for one of the two.
    private static string WithAutoPrepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 128;
        if (string.IsNullOrEmpty(builder.Options)) builder.Options = "-c plan_cache_mode=force_custom_plan";
        return builder.ConnectionString;
    }

    public StoreDialectKind Kind => StoreDialectKind.Postgres;

    public async Task<DbConnection> OpenAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    public string ForUpdate => " FOR UPDATE";

    public string InsertReturningId(string insert) => insert + " RETURNING id";

    public string InsertIgnore(string table, string columns, string valuesList, string conflictColumns) =>
        $"INSERT INTO {table} ({columns}) VALUES {valuesList} ON CONFLICT ({conflictColumns}) DO NOTHING";

    public string Upsert(string table, string columns, string valuesList, string conflictColumns, IReadOnlyList<string> updateColumns) =>
        $"INSERT INTO {table} ({columns}) VALUES {valuesList} ON CONFLICT ({conflictColumns}) DO UPDATE SET " +
        string.Join(", ", updateColumns.Select(c => $"{c} = excluded.{c}"));

    public IsolationLevel WriteIsolation => IsolationLevel.ReadCommitted;

    public bool BatchesWrites => true;

    public string InList(string column, string parameter) => $"{column} = ANY(@{parameter})";

    public bool IsUniqueViolation(Exception error) => error is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public bool IsTransient(Exception error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    public (string Lock, string Unlock)? MigrationLock => ("SELECT pg_advisory_lock(7243015550101)", "SELECT pg_advisory_unlock(7243015550101)");

    public string AnalyzeStatement => "ANALYZE";

    public void AddMigrationProcessor(IMigrationRunnerBuilder runner) => runner.AddPostgres();

    public int MaxParameters => 30000;

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
