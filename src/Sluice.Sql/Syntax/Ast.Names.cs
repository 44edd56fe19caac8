namespace Sluice.Sql.Syntax;

/// <summary>A dotted name as written (`catalog.db.table`, `t.col`); quotes removed. <c>At</c> is its offset.</summary>
public sealed record QualifiedName(IReadOnlyList<string> Parts, int At)
{
    public string Last => Parts[^1];

    public override string ToString() => string.Join('.', Parts);
}

/// <summary>An optimizer hint: `/*+ OPTIONS('k'='v') */`, `/*+ LOOKUP('table'='c') */`, `/*+ BROADCAST(t) */`.</summary>
public sealed record Hint(string Name, IReadOnlyList<string> Arguments, IReadOnlyList<TableOption> Options, int At);

/// <summary>One `'key' = 'value'` pair of a WITH, OPTIONS, PROPERTIES or PARTITION list.</summary>
public sealed record TableOption(string Key, string Value, int At);

/// <summary>A data type kept as its normalized source text; its structure was checked when it was parsed.</summary>
public sealed record DataType(string Text, int At)
{
    public override string ToString() => Text;
}
