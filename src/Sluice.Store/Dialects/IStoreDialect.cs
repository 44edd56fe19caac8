using System.Data;
using System.Data.Common;
using FluentMigrator.Runner;

namespace Sluice.Store.Dialects;

/// <summary>What differs between the three databases; every other statement is written once in portable SQL.</summary>
internal interface IStoreDialect : IAsyncDisposable
{
    StoreDialectKind Kind { get; }

    /// <summary>Opens a pooled connection, ready for use.</summary>
    Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>
    /// Opens a connection for a query whose best plan depends on its parameter values (a label that matches three jobs
    /// or a third of them, a time range of a minute or a year): planned anew on every run where the database caches plans.
    /// </summary>
    Task<DbConnection> OpenForValueDependentQueryAsync(CancellationToken ct);

    /// <summary>Appended to a SELECT that locks the rows it reads until the transaction ends ("" where the whole
    /// database is locked by the write transaction itself, as in SQLite).</summary>
    string ForUpdate { get; }

    /// <summary>Turns an INSERT into one statement that also answers the new row's identity.</summary>
    string InsertReturningId(string insert);

    /// <summary>An INSERT that skips rows whose unique key already exists.</summary>
    string InsertIgnore(string table, string columns, string valuesList, string conflictColumns);

    /// <summary>An INSERT that overwrites <paramref name="updateColumns"/> when the unique key already exists.</summary>
    string Upsert(string table, string columns, string valuesList, string conflictColumns, IReadOnlyList<string> updateColumns);

    /// <summary>
    /// One UPDATE moving many jobs' heads: each of <paramref name="rows"/> holds the placeholders of (job id, expected
    /// revision, new revision, new revision id, desired state, time, actor); a row whose job is no longer at the expected
    /// revision matches nothing. PostgreSQL and SQLite take UPDATE ... FROM a named VALUES list; MySQL has its own.
    /// </summary>
    string MoveHeads(IReadOnlyList<string[]> rows) =>
        $"WITH v (id, from_revision, to_revision, revision_id, state, at, actor) AS (VALUES {string.Join(", ", rows.Select(r => $"({string.Join(", ", r)})"))}) " +
        "UPDATE jobs SET revision = v.to_revision, current_revision_id = v.revision_id, desired_state = v.state, updated_at = v.at, " +
        "updated_by = v.actor FROM v WHERE jobs.id = v.id AND jobs.revision = v.from_revision";

    /// <summary>"column is one of the list parameter": Dapper expands lists for MySQL and SQLite, Npgsql binds arrays.</summary>
    string InList(string column, string parameter);

    bool IsUniqueViolation(Exception error);

    /// <summary>Deadlocks, serialization failures, busy databases: the transaction may simply be run again.</summary>
    bool IsTransient(Exception error);

    /// <summary>
    /// Takes and releases a session-level lock that serializes migrations between replicas starting together
    /// (null where the database has none to offer; SQLite's embedded use has one process).
    /// </summary>
    (string Lock, string Unlock)? MigrationLock { get; }

    /// <summary>Refreshes the planner's statistics of every table (after bulk loads).</summary>
    string AnalyzeStatement { get; }

    void AddMigrationProcessor(IMigrationRunnerBuilder runner);

    /// <summary>
    /// Whether queued writes go out as one ADO.NET batch. Only where the provider reports rows changed per statement
    /// (Npgsql); MySqlConnector's batches did not report them for guarded updates, and SQLite runs in-process anyway.
    /// </summary>
    bool BatchesWrites { get; }

    /// <summary>
    /// The isolation of write transactions. Read committed everywhere a server offers the choice: each statement sees
    /// what committed before it, so a read after waiting on another writer's key sees that writer's row (MySQL's
    /// default, repeatable read, would keep reading the snapshot taken before the wait).
    /// </summary>
    IsolationLevel WriteIsolation { get; }

    /// <summary>Rows at once in one multi-row INSERT: bounded by the dialect's parameter limit.</summary>
    int MaxParameters { get; }
}
