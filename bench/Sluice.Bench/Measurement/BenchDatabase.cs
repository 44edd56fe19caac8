using System.Data.Common;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace Sluice.Bench.Measurement;

/// <summary>
/// A database of the benchmark's own on the server that --db names (PostgreSQL, MySQL/MariaDB), or a fresh
/// SQLite file: created empty for the run and dropped afterwards, so the catalog holds exactly what was seeded.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly Func<Task> drop;

    private BenchDatabase(BenchDialect dialect, string connectionString, string storeUrl, Func<Task> drop)
    {
        Dialect = dialect;
        ConnectionString = connectionString;
        StoreUrl = storeUrl;
        this.drop = drop;
    }

    public BenchDialect Dialect { get; }

    public string ConnectionString { get; }

    /// <summary>The same database as a URL Sluice's --db accepts.</summary>
    public string StoreUrl { get; }

    public DbConnection Connect() => Dialect switch
    {
        BenchDialect.Postgres => new NpgsqlConnection(ConnectionString),
        BenchDialect.MySql => new MySqlConnection(ConnectionString),
        _ => new SqliteConnection(ConnectionString),
    };

    /// <summary>Opens a connection set up the way Sluice's store sets up its own (SQLite: WAL, synchronous=NORMAL).</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        var connection = Connect();
        await connection.OpenAsync(ct);
        if (Dialect == BenchDialect.Sqlite)
        {
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;";
            await pragma.ExecuteNonQueryAsync(ct);
        }
        return connection;
    }

    /// <summary>Transactions the server has committed in this database so far (PostgreSQL's statistics); null elsewhere.</summary>
    public async Task<long?> CommittedTransactionsAsync()
    {
        if (Dialect != BenchDialect.Postgres) return null;
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The database server's main process when it runs on this machine (PostgreSQL: the postmaster, parent of our
    /// backend; MySQL/MariaDB: the server's pid file), so its CPU time can be measured; null when unknown.
    /// </summary>
    public async Task<int?> LocalServerProcessAsync()
    {
        try
        {
            await using var connection = await OpenAsync();
            await using var command = connection.CreateCommand();
            switch (Dialect)
            {
                case BenchDialect.Postgres:
                    command.CommandText = "SELECT pg_backend_pid()";
                    var backend = Convert.ToInt32(await command.ExecuteScalarAsync());
                    return CpuMeter.ParentOf(backend);
                case BenchDialect.MySql:
                    command.CommandText = "SELECT @@pid_file";
                    var pidFile = (string?)await command.ExecuteScalarAsync();
                    return pidFile is not null && File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out var pid) ? pid : null;
                default:
                    return null;
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or DbException or FormatException)
        {
            return null;
        }
    }

    public PgBench.Connection? PgBenchTarget()
    {
        if (Dialect != BenchDialect.Postgres)
        {
            return null;
        }
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return new PgBench.Connection(builder.Host!, builder.Port, builder.Username!, builder.Password);
    }

    /// <param name="url">postgres://USER[:PASS]@HOST[:PORT]/DB, mysql://USER[:PASS]@HOST[:PORT]/DB, or sqlite (a temporary file).</param>
    public static async Task<BenchDatabase> CreateAsync(string url)
    {
        var name = $"sluice_bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
        var scheme = url.Split(':', 2)[0].ToLowerInvariant();
        switch (scheme)
        {
            case "postgres" or "postgresql":
            {
                var admin = PostgresAdmin(url);
                await ExecuteAsync(new NpgsqlConnection(admin.ConnectionString), $"CREATE DATABASE {name}");
                admin.Database = name;
                admin.MaxPoolSize = 200;
                return new BenchDatabase(BenchDialect.Postgres, admin.ConnectionString, "postgres:" + admin.ConnectionString, async () =>
                {
                    NpgsqlConnection.ClearAllPools();
                    admin.Database = "postgres";
                    await ExecuteAsync(new NpgsqlConnection(admin.ConnectionString), $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                });
            }
            case "mysql" or "mariadb":
            {
                var admin = MySqlAdmin(url);
                await ExecuteAsync(new MySqlConnection(admin.ConnectionString), $"CREATE DATABASE {name}");
                admin.Database = name;
                admin.MaximumPoolSize = 200;
                return new BenchDatabase(BenchDialect.MySql, admin.ConnectionString, "mysql:" + admin.ConnectionString, async () =>
                {
                    MySqlConnection.ClearAllPools();
                    await ExecuteAsync(new MySqlConnection(admin.ConnectionString), $"DROP DATABASE IF EXISTS {name}");
                });
            }
            case "sqlite":
            {
                var directory = Directory.CreateTempSubdirectory("sluice-bench-").FullName;
                var file = Path.Combine(directory, "sluice.db");
                var connectionString = new SqliteConnectionStringBuilder { DataSource = file, Pooling = true, DefaultTimeout = 30 }.ConnectionString;
                return new BenchDatabase(BenchDialect.Sqlite, connectionString, $"sqlite://{file}", () =>
                {
                    SqliteConnection.ClearAllPools();
                    Directory.Delete(directory, recursive: true);
                    return Task.CompletedTask;
                });
            }
            default:
                throw new ArgumentException($"--db '{url}': expected postgres://…, mysql://… or sqlite");
        }
    }

    public async ValueTask DisposeAsync() => await drop();

    private static NpgsqlConnectionStringBuilder PostgresAdmin(string url)
    {
        if (!url.Contains("://", StringComparison.Ordinal))
        {
            return new NpgsqlConnectionStringBuilder(url[(url.IndexOf(':') + 1)..]);
        }
        var uri = new Uri(url);
        var (user, password) = UserInfo(uri);
        return new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Username = user ?? "postgres",
            Password = password,
            Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } db ? db : "postgres",
        };
    }

    private static MySqlConnectionStringBuilder MySqlAdmin(string url)
    {
        if (!url.Contains("://", StringComparison.Ordinal))
        {
            return new MySqlConnectionStringBuilder(url[(url.IndexOf(':') + 1)..]);
        }
        var uri = new Uri(url);
        var (user, password) = UserInfo(uri);
        var builder = new MySqlConnectionStringBuilder
        {
            Server = uri.Host,
            Port = (uint)(uri.Port > 0 ? uri.Port : 3306),
            UserID = user ?? "root",
        };
        if (password is not null)
        {
            builder.Password = password;
        }
        return builder;
    }

    private static (string? User, string? Password) UserInfo(Uri uri)
    {
        if (uri.UserInfo.Length == 0)
        {
            return (null, null);
        }
        var parts = uri.UserInfo.Split(':', 2);
        return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using (connection)
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }
}
