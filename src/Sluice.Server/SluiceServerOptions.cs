namespace Sluice.Server;

/// <summary>How one server replica is started: which database it uses and where it listens.</summary>
public sealed record SluiceServerOptions
{
    /// <summary>The embedded default: a SQLite file under ./.sluice/ of the working directory.</summary>
    public const string DefaultDatabase = "sqlite://./.sluice/sluice.db";

    public static readonly Uri DefaultListen = new("http://127.0.0.1:7070");

    /// <summary>Database URL: sqlite://PATH, postgres://user:pass@host:port/db or mysql://user:pass@host:port/db.</summary>
    public string Database { get; init; } = DefaultDatabase;

    /// <summary>
    /// The API endpoint: cleartext HTTP/2 (h2c, prior knowledge) serving gRPC and the REST/JSON routes.
    /// This is the URL the CLI's --server takes. Port 0 picks a free port.
    /// </summary>
    public Uri Listen { get; init; } = DefaultListen;

    /// <summary>
    /// The HTTP/1.1 endpoint for REST/JSON clients, health probes and the OpenAPI document (curl, browsers).
    /// Kestrel cannot offer HTTP/1.1 and HTTP/2 on one cleartext port (no ALPN without TLS), hence two ports.
    /// Null means the port after Listen's (or a free port when Listen's port is 0).
    /// </summary>
    public Uri? HttpListen { get; init; }

    /// <summary>The platform config (fabrics, Kafka clusters): applies are validated against it and the Rendering step compiles with it; null: neither.</summary>
    public Sluice.Spec.V1.PlatformConfig? Platform { get; init; }

    /// <summary>Log to the console at this level and above (the benchmark and tests keep it at Warning).</summary>
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Information;

    /// <summary>What this process does: serve the API, run deployment workers, or both (the embedded default).</summary>
    public ServerRole Role { get; init; } = ServerRole.All;

    /// <summary>Where the Local runtime driver writes what it runs (the embedded fabric).</summary>
    public string LocalFolder { get; init; } = "./.sluice/local";

    /// <summary>Share <see cref="LocalFolder"/> between several worker processes (a file lock per driver call).</summary>
    public bool SharedLocalFolder { get; init; }

    /// <summary>The legacy control plane's folder of job configs, for `sluice migrate` (none: cut-overs are refused).</summary>
    public string? LegacyFolder { get; init; }

    /// <summary>How long a worker's shard leases last without renewal; a crashed worker's shards move after it.</summary>
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromSeconds(10);

    public Uri ResolvedHttpListen => HttpListen ?? new UriBuilder(Listen) { Port = Listen.Port == 0 ? 0 : Listen.Port + 1 }.Uri;
}

public enum ServerRole
{
    Api,
    Worker,
    All,
}
