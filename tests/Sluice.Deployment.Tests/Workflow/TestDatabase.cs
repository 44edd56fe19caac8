using MySqlConnector;
using Npgsql;

namespace Sluice.Deployment.Tests.Workflow;

/// <summary>A fresh, empty database per test on the real servers the test script starts (a missing server fails the test).</summary>
internal static class TestDatabase
{
    public static readonly TheoryData<string> Dialects = new() { "sqlite", "postgres", "mysql" };

    public static async Task<string> CreateAsync(string dialect)
    {
        var name = "wf_" + Guid.NewGuid().ToString("N")[..16];
        switch (dialect)
        {
            case "sqlite":
                return "sqlite://" + Path.Combine(Path.GetTempPath(), name + ".db");
            case "postgres":
            {
                var admin = Environment.GetEnvironmentVariable("SLUICE_TEST_POSTGRES")
                            ?? throw new InvalidOperationException("SLUICE_TEST_POSTGRES is not set: start the servers with scripts/test-services.sh");
                await using (var connection = new NpgsqlConnection(admin))
                {
                    await connection.OpenAsync();
                    await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                    await create.ExecuteNonQueryAsync();
                }
                return "postgres:" + new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            }
            case "mysql":
            {
                var admin = Environment.GetEnvironmentVariable("SLUICE_TEST_MYSQL")
                            ?? throw new InvalidOperationException("SLUICE_TEST_MYSQL is not set: start the servers with scripts/test-services.sh");
                await using (var connection = new MySqlConnection(admin))
                {
                    await connection.OpenAsync();
                    await using var create = new MySqlCommand($"CREATE DATABASE {name}", connection);
                    await create.ExecuteNonQueryAsync();
                }
                return "mysql:" + new MySqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "unknown dialect");
        }
    }
}
