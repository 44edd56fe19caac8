using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace Sluice.Store;

/// <summary>A parsed store URL: the dialect and the ADO.NET connection string for it.</summary>
internal sealed record StoreUrl(StoreDialectKind Dialect, string ConnectionString)
{
    public static StoreUrl Parse(string url)
    {
        if (string.IsNullOrWhiteSpace(url))
            throw new ArgumentException("store URL is empty; expected sqlite:///path.db, postgres://user@host:port/db or mysql://user@host:port/db", nameof(url));
        var colon = url.IndexOf(':');
        var scheme = colon > 1 ? url[..colon].ToLowerInvariant() : "";
        var rest = colon > 1 ? url[(colon + 1)..] : url;
        return scheme switch
        {
            "sqlite" => rest.StartsWith("//", StringComparison.Ordinal) ? Sqlite(rest[2..])
                : rest.Contains('=') ? SqliteFromConnectionString(rest) : Sqlite(rest),
            "postgres" or "postgresql" => rest.StartsWith("//", StringComparison.Ordinal) ? Postgres(new Uri(url)) : new(StoreDialectKind.Postgres, rest),
            "mysql" or "mariadb" => rest.StartsWith("//", StringComparison.Ordinal) ? MySql(new Uri(url)) : new(StoreDialectKind.MySql, rest),
            _ when colon > 1 && rest.StartsWith("//", StringComparison.Ordinal) =>
                throw new ArgumentException($"unknown store URL scheme '{scheme}'; expected sqlite, postgres or mysql", nameof(url)),
            _ => Sqlite(url),
        };
    }

    private static StoreUrl Sqlite(string path)
    {
        if (path.Length == 0) throw new ArgumentException("sqlite store URL names no file; expected sqlite:///path/to.db");
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30, ForeignKeys = true };
        return new(StoreDialectKind.Sqlite, builder.ConnectionString);
    }

    private static StoreUrl SqliteFromConnectionString(string connectionString) =>
        new(StoreDialectKind.Sqlite, new SqliteConnectionStringBuilder(connectionString).ConnectionString);

    private static StoreUrl Postgres(Uri uri)
    {
        var (user, password) = UserInfo(uri);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = Database(uri) ?? "postgres",
            Username = user ?? "postgres",
        };
        if (password is not null) builder.Password = password;
        foreach (var (key, value) in Query(uri)) builder[key] = value;
        return new(StoreDialectKind.Postgres, builder.ConnectionString);
    }

    private static StoreUrl MySql(Uri uri)
    {
        var (user, password) = UserInfo(uri);
        var builder = new MySqlConnectionStringBuilder
        {
            Server = uri.Host,
            Port = (uint)(uri.IsDefaultPort || uri.Port < 0 ? 3306 : uri.Port),
            Database = Database(uri) ?? throw new ArgumentException("mysql store URL names no database; expected mysql://user@host:port/db"),
            UserID = user ?? "root",
        };
        if (password is not null) builder.Password = password;
        foreach (var (key, value) in Query(uri)) builder[key] = value;
        return new(StoreDialectKind.MySql, builder.ConnectionString);
    }

    private static (string? User, string? Password) UserInfo(Uri uri)
    {
        if (uri.UserInfo.Length == 0) return (null, null);
        var parts = uri.UserInfo.Split(':', 2);
        return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null);
    }

    private static string? Database(Uri uri)
    {
        var path = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        return path.Length == 0 ? null : path;
    }

    private static IEnumerable<(string Key, string Value)> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(kv => (Uri.UnescapeDataString(kv[0]), kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : ""));
}
