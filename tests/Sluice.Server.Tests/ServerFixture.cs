namespace Sluice.Server.Tests;

/// <summary>
/// One server shared by a test class; tests use distinct job names. SQLite in a temporary directory, or the
/// PostgreSQL / MariaDB test server when SLUICE_SERVER_TEST_DIALECT is postgres / mysql.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private RunningServer? server;
    private SharedDatabase? database;

    public RunningServer Server => server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("SLUICE_SERVER_TEST_DIALECT") is { Length: > 0 } dialect)
        {
            database = await SharedDatabase.CreateAsync(dialect);
            server = await RunningServer.StartAsync(database.Url);
        }
        else
        {
            server = await RunningServer.StartSqliteAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }
}
