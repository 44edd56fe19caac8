using System.Data.Common;

namespace Sluice.Store;

/// <summary>
/// A write whose result nobody waits for, queued by a transaction and sent together with the others in one round
/// trip. <see cref="ExpectedRows"/> turns a guarded UPDATE that matched another number of rows into a
/// <see cref="StoreConcurrencyException"/> carrying <see cref="Refusal"/>.
/// </summary>
internal sealed record Statement(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters, int? ExpectedRows = null, string? Refusal = null)
{
    public static Statement Of(string sql, params (string Name, object? Value)[] parameters) => new(sql, parameters);

    /// <summary>Sends <paramref name="statements"/> in one batch when <paramref name="batch"/>, else one by one.</summary>
    public static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<Statement> statements, bool batch,
        CancellationToken ct)
    {
        if (statements.Count == 0) return;
        if (batch && statements.Count > 1)
        {
            await using var dbBatch = connection.CreateBatch();
            dbBatch.Transaction = transaction;
            foreach (var statement in statements)
            {
                var command = dbBatch.CreateBatchCommand();
                command.CommandText = statement.Sql;
                foreach (var (name, value) in statement.Parameters)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = name;
                    parameter.Value = value ?? DBNull.Value;
                    command.Parameters.Add(parameter);
                }
                dbBatch.BatchCommands.Add(command);
            }
            await dbBatch.ExecuteNonQueryAsync(ct);
            for (var i = 0; i < statements.Count; i++)
                Check(statements[i], dbBatch.BatchCommands[i].RecordsAffected);
            return;
        }
        foreach (var statement in statements)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = statement.Sql;
            foreach (var (name, value) in statement.Parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }
            Check(statement, await command.ExecuteNonQueryAsync(ct));
        }
    }

    private static void Check(Statement statement, int affected)
    {
        if (statement.ExpectedRows is { } expected && affected != expected)
            throw new StoreConcurrencyException($"{statement.Refusal ?? "guarded write refused"} (expected {expected} rows changed, {affected} were)");
    }
}
