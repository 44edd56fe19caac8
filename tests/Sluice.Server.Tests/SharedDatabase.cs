using System.Data.Common;
using MySqlConnector;
using Npgsql;

namespace Sluice.Server.Tests;

/// <summary>
/// A fresh database on the PostgreSQL / MariaDB server that scripts/test-services.sh started
/// (SLUICE_TEST_POSTGRES / SLUICE_TEST_MYSQL), dropped afterwards; as a store URL the server accepts.
/// </summary>
public sealed class SharedDatabase : IAsyncDisposable
{
    private readonly Func<Task> drop;

    private SharedDatabase(string url, Func<Task> drop)
    {
        Url = url;
        this.drop = drop;
    }

    public string Url { get; }

    public static async Task<SharedDatabase> CreateAsync(string dialect)
    {
        var name = "sluice_server_test_" + Guid.NewGuid().ToString("N")[..12];
        if (dialect == "postgres")
        {
            var admin = RequiredVariable("SLUICE_TEST_POSTGRES");
            await ExecuteAsync(new NpgsqlConnection(admin), $"CREATE DATABASE {name}");
            var url = "postgres:" + new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            return new SharedDatabase(url, async () =>
            {
                NpgsqlConnection.ClearAllPools();
                await ExecuteAsync(new NpgsqlConnection(admin), $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            });
        }
        var mysqlAdmin = RequiredVariable("SLUICE_TEST_MYSQL");
        await ExecuteAsync(new MySqlConnection(mysqlAdmin), $"CREATE DATABASE {name}");
        var mysqlUrl = "mysql:" + new MySqlConnectionStringBuilder(mysqlAdmin) { Database = name }.ConnectionString;
        return new SharedDatabase(mysqlUrl, async () =>
        {
            MySqlConnection.ClearAllPools();
            await ExecuteAsync(new MySqlConnection(mysqlAdmin), $"DROP DATABASE IF EXISTS {name}");
        });
    }

    public async ValueTask DisposeAsync() => await drop();

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using (connection)
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>A database these tests need is a failure when missing, never a skip.</summary>
    private static string RequiredVariable(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is unset: run the tests through scripts/test.sh, which starts PostgreSQL and MariaDB");
}
