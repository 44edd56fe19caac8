namespace Sluice.Store.Tests;

public sealed class StoreUrlTests
{
    [Theory]
    [InlineData("sqlite:///var/lib/sluice/jobs.db", StoreDialectKind.Sqlite, "Data Source=/var/lib/sluice/jobs.db")]
    [InlineData("/tmp/plain.db", StoreDialectKind.Sqlite, "Data Source=/tmp/plain.db")]
    [InlineData("sqlite:relative/jobs.db", StoreDialectKind.Sqlite, "Data Source=relative/jobs.db;Foreign Keys=True")]
    [InlineData("postgres://sluice@db.internal:5433/meta", StoreDialectKind.Postgres, "Host=db.internal;Port=5433;Database=meta;Username=sluice")]
    [InlineData("postgresql://u:p%40ss@h/d?Maximum Pool Size=50", StoreDialectKind.Postgres, "Password=p@ss")]
    [InlineData("mysql://root@127.0.0.1:3307/sluice", StoreDialectKind.MySql, "Server=127.0.0.1;Port=3307;Database=sluice;User ID=root")]
    [InlineData("postgres:Host=x;Database=y", StoreDialectKind.Postgres, "Host=x;Database=y")]
    public void Urls_name_the_dialect_and_its_connection(string url, StoreDialectKind dialect, string expectedPart)
    {
        var parsed = StoreUrl.Parse(url);
        Assert.Equal(dialect, parsed.Dialect);
        Assert.All(expectedPart.Split(';'), part => Assert.Contains(part, parsed.ConnectionString));
    }

    [Theory]
    [InlineData("", "store URL is empty")]
    [InlineData("oracle://x/y", "unknown store URL scheme 'oracle'")]
    [InlineData("mysql://root@host", "names no database")]
    [InlineData("sqlite://", "names no file")]
    public void Bad_urls_say_what_was_expected(string url, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => StoreUrl.Parse(url));
        Assert.Contains(message, error.Message);
    }
}
