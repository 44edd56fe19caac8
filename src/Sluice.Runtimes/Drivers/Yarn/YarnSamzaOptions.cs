namespace Sluice.Runtimes.Drivers.Yarn;

public sealed class YarnSamzaOptions
{
    /// <summary>Limit for one ResourceManager request; a request that takes longer is retried.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after a 5xx, a connection failure or a timeout.</summary>
    public int MaxRetries { get; init; } = 3;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Sent as <c>user.name</c> on every request, as a non-secure (pseudo-auth) ResourceManager expects.</summary>
    public string? User { get; init; }

    /// <summary>
    /// WebHDFS endpoints by HDFS authority (<c>namenode:8020</c> → <c>http://namenode:9870</c>), to read an
    /// <c>hdfs://</c> package's size and modification time, which YARN checks when it localizes the package.
    /// </summary>
    public IReadOnlyDictionary<string, Uri> WebHdfs { get; init; } = new Dictionary<string, Uri>();

    /// <summary>For tests and custom transports; null uses a default handler.</summary>
    public HttpMessageHandler? Handler { get; init; }
}
