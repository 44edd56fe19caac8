using Microsoft.Data.Sqlite;
using Sluice.Runtimes.Drivers;

namespace Sluice.Migration.Cutover;

/// <summary>
/// Ownership records in a SQLite file (the embedded default's database). A transition is one conditional UPDATE
/// (owner and epoch must still be what the caller read), so two writers can never both win.
/// </summary>
public sealed class SqliteOwnershipStore : IOwnershipStore
{
    private readonly string _connectionString;

    public SqliteOwnershipStore(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        using var connection = Open();
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS job_ownership (
              namespace TEXT NOT NULL, name TEXT NOT NULL, owner TEXT NOT NULL, epoch INTEGER NOT NULL,
              savepoint TEXT NULL, previous_owner TEXT NULL, PRIMARY KEY (namespace, name))
            """);
    }

    public async Task<OwnershipRecord> GetAsync(JobRef job, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT owner, epoch, savepoint, previous_owner FROM job_ownership WHERE namespace = $ns AND name = $name";
        command.Parameters.AddWithValue("$ns", job.Namespace);
        command.Parameters.AddWithValue("$name", job.Name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new OwnershipRecord(job, JobOwner.Legacy, 0, null, null);
        }
        return new OwnershipRecord(job, Enum.Parse<JobOwner>(reader.GetString(0)), reader.GetInt64(1),
            reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : Enum.Parse<JobOwner>(reader.GetString(3)));
    }

    public async Task<OwnershipRecord> TransitionAsync(JobRef job, JobOwner expected, long epoch, JobOwner owner, string? savepoint, CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = connection.CreateCommand())
        {
            // A job never seen starts as the legacy side's, at epoch 0.
            insert.Transaction = transaction;
            insert.CommandText = "INSERT OR IGNORE INTO job_ownership (namespace, name, owner, epoch) VALUES ($ns, $name, 'Legacy', 0)";
            insert.Parameters.AddWithValue("$ns", job.Namespace);
            insert.Parameters.AddWithValue("$name", job.Name);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = """
            UPDATE job_ownership SET owner = $owner, epoch = epoch + 1, savepoint = $savepoint,
              previous_owner = CASE WHEN $expected = $owner THEN previous_owner ELSE $expected END
            WHERE namespace = $ns AND name = $name AND owner = $expected AND epoch = $epoch
            """;
        update.Parameters.AddWithValue("$ns", job.Namespace);
        update.Parameters.AddWithValue("$name", job.Name);
        update.Parameters.AddWithValue("$owner", owner.ToString());
        update.Parameters.AddWithValue("$expected", expected.ToString());
        update.Parameters.AddWithValue("$epoch", epoch);
        update.Parameters.AddWithValue("$savepoint", (object?)savepoint ?? DBNull.Value);
        if (await update.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            await transaction.RollbackAsync(cancellationToken);
            var current = await GetAsync(job, cancellationToken);
            throw new OwnershipConflictException(
                $"{job}: expected owner {expected} at epoch {epoch}, but it is {current.Owner} at epoch {current.Epoch}");
        }
        await transaction.CommitAsync(cancellationToken);
        return await GetAsync(job, cancellationToken);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
