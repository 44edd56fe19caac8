using System.Data.Common;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace Sluice.Store.Deployments;

/// <summary>What differs between the databases for the workflow's statements.</summary>
internal abstract class DeploymentSql : IAsyncDisposable
{
    public abstract StoreDialectKind Kind { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    public abstract string InsertReturningId(string insert);

    public abstract string UpsertWorker { get; }

    public abstract string InsertShardIgnore { get; }

    public abstract bool IsUniqueViolation(Exception error);

    public abstract bool IsTransient(Exception error);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static DeploymentSql For(StoreDialectKind kind, string connectionString) => kind switch
    {
        StoreDialectKind.Postgres => new Postgres(connectionString),
        StoreDialectKind.MySql => new MySql(connectionString),
        _ => new Sqlite(connectionString),
    };

    internal sealed class Postgres(string connectionString) : DeploymentSql
    {
        // The workflow keeps no session state on pooled connections, so they skip the DISCARD ALL that a reset on
        // close adds to every borrow. LISTEN is session state: the listener has an unpooled connection of its own.
        // Its few statements run for every transition: prepared server-side once per connection, plans reused.
        private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
        {
            NoResetOnClose = true, MaxAutoPrepare = 64,
        });
        private readonly NpgsqlDataSource _listener =
            NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false });
        public override StoreDialectKind Kind => StoreDialectKind.Postgres;
        public override async Task<DbConnection> OpenAsync(CancellationToken ct) => await _source.OpenConnectionAsync(ct);
        public async Task<NpgsqlConnection> OpenListenerAsync(CancellationToken ct) => await _listener.OpenConnectionAsync(ct);
        public override string InsertReturningId(string insert) => insert + " RETURNING id";
        public override string UpsertWorker =>
            "INSERT INTO workers (worker_id, started_at, expires_at) VALUES (@Worker, @Now, @Expires) " +
            "ON CONFLICT (worker_id) DO UPDATE SET expires_at = excluded.expires_at";
        public override string InsertShardIgnore =>
            "INSERT INTO shard_leases (shard, owner, epoch, expires_at) VALUES (@Shard, '', 0, 0) ON CONFLICT (shard) DO NOTHING";
        public override bool IsUniqueViolation(Exception error) => error is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
        public override bool IsTransient(Exception error) =>
            error is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };
        public override async ValueTask DisposeAsync()
        {
            await _source.DisposeAsync();
            await _listener.DisposeAsync();
        }
    }

    private sealed class MySql(string connectionString) : DeploymentSql
    {
        private readonly MySqlDataSource _source = new(connectionString);
        public override StoreDialectKind Kind => StoreDialectKind.MySql;
        public override async Task<DbConnection> OpenAsync(CancellationToken ct) => await _source.OpenConnectionAsync(ct);
        public override string InsertReturningId(string insert) => insert + "; SELECT LAST_INSERT_ID()";
        public override string UpsertWorker =>
            "INSERT INTO workers (worker_id, started_at, expires_at) VALUES (@Worker, @Now, @Expires) " +
            "ON DUPLICATE KEY UPDATE expires_at = VALUES(expires_at)";
        public override string InsertShardIgnore =>
            "INSERT IGNORE INTO shard_leases (shard, owner, epoch, expires_at) VALUES (@Shard, '', 0, 0)";
        public override bool IsUniqueViolation(Exception error) => error is MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry };
        public override bool IsTransient(Exception error) =>
            error is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout };
        public override ValueTask DisposeAsync() => _source.DisposeAsync();
    }

    private sealed class Sqlite(string connectionString) : DeploymentSql
    {
        public override StoreDialectKind Kind => StoreDialectKind.Sqlite;

        public override async Task<DbConnection> OpenAsync(CancellationToken ct)
        {
            var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(ct);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;";
            await pragma.ExecuteNonQueryAsync(ct);
            return connection;
        }

        public override string InsertReturningId(string insert) => insert + " RETURNING id";
        public override string UpsertWorker =>
            "INSERT INTO workers (worker_id, started_at, expires_at) VALUES (@Worker, @Now, @Expires) " +
            "ON CONFLICT (worker_id) DO UPDATE SET expires_at = excluded.expires_at";
        public override string InsertShardIgnore =>
            "INSERT INTO shard_leases (shard, owner, epoch, expires_at) VALUES (@Shard, '', 0, 0) ON CONFLICT (shard) DO NOTHING";
        public override bool IsUniqueViolation(Exception error) => error is SqliteException { SqliteExtendedErrorCode: 2067 or 1555 };
        public override bool IsTransient(Exception error) => error is SqliteException { SqliteErrorCode: 5 or 6 };
    }
}
