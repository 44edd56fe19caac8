using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace Sluice.Store.Tests;

/// <summary>
/// A fresh, migrated database per test class on a real server. PostgreSQL and MariaDB/MySQL come from the
/// SLUICE_TEST_POSTGRES / SLUICE_TEST_MYSQL connection strings (set by scripts/test-services.sh); a missing variable
/// or an unreachable server fails the tests, it never skips them.
/// </summary>
public abstract class TestDatabase : IAsyncLifetime
{
    private SluiceStore? _store;

    public string Url { get; private set; } = "";

    public SluiceStore Store => _store ?? throw new InvalidOperationException("the test database is not initialized");

    public abstract StoreDialectKind Kind { get; }

    protected string DatabaseName { get; } = "sluice_t_" + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync()
    {
        Url = await CreateAsync();
        _store = StoreFactory.Open(Url);
        await _store.MigrateAsync();
    }

    /// <summary>Creates the database without migrating it (for tests of migration itself); dispose drops it.</summary>
    public async Task<string> CreateEmptyAsync() => Url = await CreateAsync();

    public async Task DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        await DropAsync();
    }

    /// <summary>A plain ADO.NET connection to the test database, for assertions about the stored rows themselves.</summary>
    public abstract Task<DbConnection> OpenRawAsync();

    protected abstract Task<string> CreateAsync();

    /// <summary>
    /// Returns once a transaction of this database waits for a row or key lock (so a test can release the holder at
    /// the right moment); fails if <paramref name="waiter"/> ends first or nothing waits within 30 s. SQLite has one
    /// writer at a time and no view of waiters: a short pause stands in.
    /// </summary>
    public async Task WaitForLockWaitAsync(Task waiter)
    {
        await using var connection = await OpenRawAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (waiter.IsCompleted) throw new InvalidOperationException("the transaction finished without waiting for the lock", waiter.Exception);
            if (await SomeTransactionWaitsAsync(connection)) return;
            await Task.Delay(20);
        }
        throw new TimeoutException("no transaction waited for a lock within 30 s");
    }

    /// <summary>Whether a transaction of this database waits for a lock right now, as the server reports it.</summary>
    protected abstract Task<bool> SomeTransactionWaitsAsync(DbConnection connection);

    protected abstract Task DropAsync();

    protected static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set. Run the tests with scripts/test.sh, or `source scripts/test-services.sh` first " +
                "(it starts PostgreSQL and MariaDB and exports the connection strings).");
}

public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-store-").FullName;

    public override StoreDialectKind Kind => StoreDialectKind.Sqlite;

    private string FilePath => Path.Combine(_directory, DatabaseName + ".db");

    protected override Task<string> CreateAsync() => Task.FromResult("sqlite://" + FilePath);

    public override async Task<DbConnection> OpenRawAsync()
    {
        var connection = new SqliteConnection($"Data Source={FilePath}");
        await connection.OpenAsync();
        return connection;
    }

    // One writer at a time and no view of waiters: a short pause stands in for the report.
    protected override async Task<bool> SomeTransactionWaitsAsync(DbConnection connection)
    {
        await Task.Delay(300);
        return true;
    }

    protected override Task DropAsync()
    {
        SqliteConnection.ClearPool(new SqliteConnection($"Data Source={FilePath}"));
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PostgresTestDatabase : TestDatabase
{
    private readonly string _admin = Required("SLUICE_TEST_POSTGRES");

    public override StoreDialectKind Kind => StoreDialectKind.Postgres;

    protected override async Task<bool> SomeTransactionWaitsAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
        return Convert.ToInt64(await command.ExecuteScalarAsync()) > 0;
    }

    private string ConnectionString => new NpgsqlConnectionStringBuilder(_admin) { Database = DatabaseName }.ConnectionString;

    protected override async Task<string> CreateAsync()
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", connection);
        await command.ExecuteNonQueryAsync();
        return "postgres:" + ConnectionString;
    }

    public override async Task<DbConnection> OpenRawAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    protected override async Task DropAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

public sealed class MySqlTestDatabase : TestDatabase
{
    private readonly string _admin = Required("SLUICE_TEST_MYSQL");

    public override StoreDialectKind Kind => StoreDialectKind.MySql;

    // The InnoDB monitor names each waiting lock with its table ("... of table `db`.`datasets` trx id 42 lock_mode X
    // waiting"). information_schema.innodb_trx is a cache that MariaDB refreshed seconds late under the full suite.
    protected override async Task<bool> SomeTransactionWaitsAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SHOW ENGINE INNODB STATUS";
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return false;
        var status = reader.GetString(reader.GetOrdinal("Status"));
        return Regex.IsMatch(status, $@"of table `{Regex.Escape(DatabaseName)}`\.`[^`]+` trx id \d+ lock[^\n]* waiting");
    }

    private string ConnectionString => new MySqlConnectionStringBuilder(_admin) { Database = DatabaseName }.ConnectionString;

    protected override async Task<string> CreateAsync()
    {
        await using var connection = new MySqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"CREATE DATABASE `{DatabaseName}`", connection);
        await command.ExecuteNonQueryAsync();
        return "mysql:" + ConnectionString;
    }

    public override async Task<DbConnection> OpenRawAsync()
    {
        var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    protected override async Task DropAsync()
    {
        MySqlConnection.ClearAllPools();
        await using var connection = new MySqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"DROP DATABASE IF EXISTS `{DatabaseName}`", connection);
        await command.ExecuteNonQueryAsync();
    }
}
