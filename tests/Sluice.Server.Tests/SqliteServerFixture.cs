namespace Sluice.Server.Tests;

/// <summary>One server over SQLite shared by a test class; tests use distinct job names.</summary>
public sealed class SqliteServerFixture : IAsyncLifetime
{
    private RunningServer? server;

    public RunningServer Server => server ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => server = await RunningServer.StartSqliteAsync();

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
