using System.Text;
using Sluice.Store.Dialects;

namespace Sluice.Store;

/// <summary>Many rows per INSERT, in chunks that stay under the dialect's parameter limit.</summary>
internal static class MultiRowInsert
{
    // Bigger statements stop paying for themselves and cost parse time.
    private const int MaxRowsPerStatement = 1000;

    /// <summary>
    /// The statements inserting <paramref name="rows"/>: <paramref name="statement"/> gets the values list
    /// "(@p0_0, @p0_1), (...)". Plain ADO.NET parameters: Dapper's per-parameter bookkeeping grows with the square of the count.
    /// </summary>
    public static IEnumerable<Statement> Build<TRow>(IStoreDialect dialect, IReadOnlyList<TRow> rows, int columns,
        Func<TRow, object?[]> values, Func<string, string> statement)
    {
        var perChunk = Math.Clamp(dialect.MaxParameters / columns, 1, MaxRowsPerStatement);
        for (var start = 0; start < rows.Count; start += perChunk)
        {
            var count = Math.Min(perChunk, rows.Count - start);
            var parameters = new List<(string, object?)>(count * columns);
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
                    parameters.Add((name, rowValues[c]));
                }
                list.Append(')');
            }
            yield return new Statement(statement(list.ToString()), parameters);
        }
    }
}
