using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Sluice.Spec.V1;

namespace Sluice.Server.Tests;

/// <summary>A real server on free loopback ports, over a database of its own; gRPC and HTTP clients to it.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly string? directory;

    private RunningServer(SluiceServer server, string? directory)
    {
        Server = server;
        this.directory = directory;
        Channel = GrpcChannel.ForAddress(server.ApiAddress);
        Client = new MetadataService.MetadataServiceClient(Channel);
        Http = new HttpClient { BaseAddress = server.HttpAddress };
    }

    public SluiceServer Server { get; }

    public GrpcChannel Channel { get; }

    public MetadataService.MetadataServiceClient Client { get; }

    /// <summary>HTTP/1.1 client on the REST endpoint.</summary>
    public HttpClient Http { get; }

    /// <summary>A server over a fresh SQLite file in a temporary directory, validating and rendering with <paramref name="platform"/>.</summary>
    public static async Task<RunningServer> StartSqliteAsync(PlatformConfig? platform = null)
    {
        var directory = Directory.CreateTempSubdirectory("sluice-server-test-").FullName;
        var options = Options($"sqlite://{directory}/sluice.db", Path.Combine(directory, "local")) with { Platform = platform };
        return new RunningServer(await SluiceServer.StartAsync(options), directory);
    }

    /// <summary>A server over the given database URL (shared with other replicas).</summary>
    public static async Task<RunningServer> StartAsync(string databaseUrl) =>
        new(await SluiceServer.StartAsync(Options(databaseUrl, Path.Combine(Path.GetTempPath(), "sluice-server-test-local"))), null);

    /// <param name="localFolder">Where the local fabric's runs and resources go (never the test's working directory).</param>
    private static SluiceServerOptions Options(string database, string localFolder) => new()
    {
        Database = database,
        LocalFolder = localFolder,
        Listen = new Uri("http://127.0.0.1:0"),
        LogLevel = LogLevel.Warning,
    };

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Channel.Dispose();
        await Server.DisposeAsync();
        if (directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
