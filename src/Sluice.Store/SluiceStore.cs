namespace Sluice.Store;

/// <summary>The relational store: schema, migrations and every SQL statement, for one database.</summary>
public sealed class SluiceStore : IAsyncDisposable
{
    internal SluiceStore(StoreUrl url)
    {
        Url = url;
    }

    internal StoreUrl Url { get; }

    public StoreDialectKind Dialect => Url.Dialect;

    /// <summary>Brings the schema to the latest version (versioned migrations); safe to call on every start.</summary>
    public Task MigrateAsync(CancellationToken ct = default) => throw new NotSupportedException("migrations land next on branch 'store'");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
