using System.Data;
using System.Data.Common;
using FluentMigrator.Runner;
using Npgsql;

namespace Sluice.Store.Dialects;

internal sealed class PostgresDialect(string connectionString) : IStoreDialect
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(Tuned(connectionString, PlanCacheMode.Auto));
    private readonly NpgsqlDataSource _customPlans = NpgsqlDataSource.Create(Tuned(connectionString, PlanCacheMode.ForceCustom));
    private readonly NpgsqlDataSource _genericPlans = NpgsqlDataSource.Create(Tuned(connectionString, PlanCacheMode.ForceGeneric));

    private enum PlanCacheMode
    {
        Auto,
        ForceCustom,
        ForceGeneric,
    }

    // The same few statements run all day: let Npgsql prepare them server-side (parsed once per connection) unless
    // the connection string says otherwise, and let the server reuse their plans (a get by name planned anew cost five
    // times its execution). Queries whose plan depends on the values (see OpenForValueDependentQueryAsync) run on
    // connections that plan every execution: a generic plan for "label = $1" cannot know that one value matches three
    // jobs and another a third of them, and picks a plan that is slow for one of the two.
    // The store keeps no session state on pooled connections (the migration lock is released in a finally), so a
    // borrowed connection skips the reset Npgsql otherwise sends first: six statements (DISCARD TEMP, RESET ALL,
    // UNLISTEN *, ...) that cost the server more than a get's own query.
    // Statements fed whole batches as array parameters (see OpenForArrayStatementsAsync) are the opposite case: the
    // server would plan them anew on every execution, since a plan made for the arrays' actual sizes always looks
    // cheaper than the generic one, while the plan is the same whatever the values.
    private static string Tuned(string connectionString, PlanCacheMode mode)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 128;
        if (mode != PlanCacheMode.Auto && string.IsNullOrEmpty(builder.Options))
            builder.Options = mode == PlanCacheMode.ForceCustom ? "-c plan_cache_mode=force_custom_plan" : "-c plan_cache_mode=force_generic_plan";
        return builder.ConnectionString;
    }

    public StoreDialectKind Kind => StoreDialectKind.Postgres;

    public async Task<DbConnection> OpenAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    public async Task<DbConnection> OpenForValueDependentQueryAsync(CancellationToken ct) => await _customPlans.OpenConnectionAsync(ct);

    /// <summary>A connection whose prepared statements keep one plan: for statements over arrays of a batch's rows.</summary>
    public Task<NpgsqlConnection> OpenForArrayStatementsAsync(CancellationToken ct) => _genericPlans.OpenConnectionAsync(ct).AsTask();

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

    // VACUUM as well: it marks the freshly loaded pages all-visible, so reads get index-only scans right away, as they
    // do once autovacuum has passed in a catalog in steady state.
    public string AnalyzeStatement => "VACUUM (ANALYZE)";

    public void AddMigrationProcessor(IMigrationRunnerBuilder runner) => runner.AddPostgres();

    public int MaxParameters => 30000;

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _customPlans.DisposeAsync();
        await _genericPlans.DisposeAsync();
    }
}
