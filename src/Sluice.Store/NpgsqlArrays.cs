using Npgsql;
using NpgsqlTypes;

namespace Sluice.Store;

/// <summary>
/// PostgreSQL statements that take a batch's rows as one array parameter per column (unnested in the SQL): the text
/// stays the same whatever the batch size, so it is prepared once and planned once.
/// </summary>
internal static class NpgsqlArrays
{
    /// <summary>Adds the parameter <paramref name="name"/>: <paramref name="value"/> of each item, in order.</summary>
    public static void AddArray<TItem, T>(this NpgsqlParameterCollection parameters, string name, NpgsqlDbType type, IReadOnlyCollection<TItem> items,
        Func<TItem, T> value)
    {
        var values = new T[items.Count];
        var i = 0;
        foreach (var item in items) values[i++] = value(item);
        parameters.Add(new NpgsqlParameter<T[]>(name, NpgsqlDbType.Array | type) { TypedValue = values });
    }
}
