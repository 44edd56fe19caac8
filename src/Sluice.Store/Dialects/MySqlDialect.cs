using System.Data;
using System.Data.Common;
using FluentMigrator.Runner;
using MySqlConnector;

namespace Sluice.Store.Dialects;

/// <summary>MySQL 8 and MariaDB 10.11: only statements both accept (no RETURNING, no row-value paging).</summary>
internal sealed class MySqlDialect(string connectionString) : IStoreDialect
{
    // No session state is left on pooled connections (the migration lock is released in a finally; isolation is set per
    // transaction), so they skip the server-side reset on every return to the pool.
    private readonly MySqlDataSource _dataSource = new(new MySqlConnectionStringBuilder(connectionString) { ConnectionReset = false }.ConnectionString);

    public StoreDialectKind Kind => StoreDialectKind.MySql;

    public async Task<DbConnection> OpenAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    // One kind of connection serves both: nothing here reuses a plan across values the way PostgreSQL prepared statements do.
    public Task<DbConnection> OpenForValueDependentQueryAsync(CancellationToken ct) => OpenAsync(ct);

    public string ForUpdate => " FOR UPDATE";

    public string InsertReturningId(string insert) => insert + "; SELECT LAST_INSERT_ID()";

    public string InsertIgnore(string table, string columns, string valuesList, string conflictColumns) =>
        $"INSERT IGNORE INTO {table} ({columns}) VALUES {valuesList}";

    public string Upsert(string table, string columns, string valuesList, string conflictColumns, IReadOnlyList<string> updateColumns) =>
        $"INSERT INTO {table} ({columns}) VALUES {valuesList} ON DUPLICATE KEY UPDATE " +
        string.Join(", ", updateColumns.Select(c => $"{c} = VALUES({c})"));

    // Neither UPDATE ... FROM nor a VALUES list with named columns on both MySQL and MariaDB: a joined derived table.
    public string MoveHeads(IReadOnlyList<string[]> rows) =>
        "UPDATE jobs j JOIN (" + string.Join(" UNION ALL ", rows.Select((row, i) =>
            "SELECT " + string.Join(", ", i > 0 ? row : row.Zip(HeadColumns, (value, column) => $"{value} AS {column}")))) +
        ") v ON j.id = v.id AND j.revision = v.from_revision SET j.revision = v.to_revision, j.current_revision_id = v.revision_id, " +
        "j.desired_state = v.state, j.updated_at = v.at, j.updated_by = v.actor";

    private static readonly string[] HeadColumns = ["id", "from_revision", "to_revision", "revision_id", "state", "at", "actor"];

    public IsolationLevel WriteIsolation => IsolationLevel.ReadCommitted;

    public bool BatchesWrites => false;

    public string InList(string column, string parameter) => $"{column} IN @{parameter}";

    public bool IsUniqueViolation(Exception error) => error is MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry };

    public bool IsTransient(Exception error) =>
        error is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout };

    // The MySQL 5 generator writes DDL that MySQL 8 and MariaDB both accept.
    public (string Lock, string Unlock)? MigrationLock => ("SELECT GET_LOCK('sluice.migrations', 600)", "SELECT RELEASE_LOCK('sluice.migrations')");

    public string AnalyzeStatement => "ANALYZE TABLE namespaces, jobs, job_revisions, job_labels, job_placements, datasets, job_datasets, audit_log, fabrics";

    public void AddMigrationProcessor(IMigrationRunnerBuilder runner) => runner.AddMySql5();

    public int MaxParameters => 20000;

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
