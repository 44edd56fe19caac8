using System.Data.Common;
using System.Text;
using Dapper;
using Sluice.Store.Dialects;

namespace Sluice.Store;

/// <summary>Writes many rows per statement, in chunks that stay under the dialect's parameter limit.</summary>
internal static class MultiRowInsert
{
    /// <summary>
    /// Runs <paramref name="statement"/> (given the "(@p0, @p1), (...)" values list) for chunks of <paramref name="rows"/>.
    /// </summary>
    public static async Task ExecuteAsync<TRow>(IStoreDialect dialect, DbConnection connection, DbTransaction transaction,
        IReadOnlyList<TRow> rows, int columns, Func<TRow, object?[]> values, Func<string, string> statement, CancellationToken ct)
    {
        var perChunk = Math.Max(1, dialect.MaxParameters / columns);
        for (var start = 0; start < rows.Count; start += perChunk)
        {
            var count = Math.Min(perChunk, rows.Count - start);
            var parameters = new DynamicParameters();
            var list = new StringBuilder();
            for (var i = 0; i < count; i++)
            {
                list.Append(i == 0 ? "(" : ", (");
                var rowValues = values(rows[start + i]);
                for (var c = 0; c < columns; c++)
                {
                    var name = $"p{i}_{c}";
                    if (c > 0) list.Append(", ");
                    list.Append('@').Append(name);
                    parameters.Add(name, rowValues[c]);
                }
                list.Append(')');
            }
            await connection.ExecuteAsync(new CommandDefinition(statement(list.ToString()), parameters, transaction, cancellationToken: ct));
        }
    }
}
