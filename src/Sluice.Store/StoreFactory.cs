namespace Sluice.Store;

/// <summary>
/// Opens a store from a URL: <c>sqlite:///path/to.db</c> (or a plain file path), <c>postgres://user[:pw]@host[:port]/db</c>,
/// <c>mysql://user[:pw]@host[:port]/db</c>. An ADO.NET connection string may be given with the dialect prefix
/// <c>postgres:</c>/<c>mysql:</c>/<c>sqlite:</c> followed by <c>Host=...;</c> style text.
/// </summary>
public static class StoreFactory
{
    public static SluiceStore Open(string url) => new(StoreUrl.Parse(url));
}
