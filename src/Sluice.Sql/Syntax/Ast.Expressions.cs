namespace Sluice.Sql.Syntax;

public abstract record Expr(int At);

public enum LiteralKind
{
    String,
    Number,
    Boolean,
    Null,
    Binary,
    Typed,
}

/// <summary>A literal; for <see cref="LiteralKind.Typed"/> (DATE '…', TIMESTAMP '…') <c>Type</c> names the type.</summary>
public sealed record LiteralExpr(LiteralKind Kind, string Value, int At, string? Type = null) : Expr(At);

/// <summary>`INTERVAL '5' MINUTE`, `INTERVAL '1 10' DAY TO HOUR`; <c>Unit</c> is the qualifier as written.</summary>
public sealed record IntervalExpr(Expr Value, string Unit, int At) : Expr(At);

/// <summary>A column, a correlation name or a time-unit word used as an argument (`TIMESTAMPADD(DAY, …)`).</summary>
public sealed record NameExpr(QualifiedName Name) : Expr(Name.At);

public sealed record StarExpr(QualifiedName? Qualifier, int At) : Expr(At);

public sealed record CallExpr(
    QualifiedName Name,
    IReadOnlyList<Expr> Arguments,
    bool Distinct,
    Expr? Filter,
    WindowSpec? Over,
    string? OverWindowName,
    int At) : Expr(At)
{
    public string FunctionName => Name.Last;

    public bool Is(string name) => string.Equals(Name.Last, name, StringComparison.OrdinalIgnoreCase);
}

public sealed record BinaryExpr(string Operator, Expr Left, Expr Right, int At) : Expr(At);

public sealed record UnaryExpr(string Operator, Expr Operand, int At) : Expr(At);

public sealed record CaseWhen(Expr When, Expr Then);

public sealed record CaseExpr(Expr? Operand, IReadOnlyList<CaseWhen> Whens, Expr? Else, int At) : Expr(At);

public sealed record CastExpr(Expr Value, DataType Type, bool Try, int At) : Expr(At);

public sealed record SubqueryExpr(Query Query, int At) : Expr(At);

public sealed record ExistsExpr(Query Query, int At) : Expr(At);

/// <summary>`x [NOT] IN (a, b)` (a list) or `x [NOT] IN (SELECT …)` (a subquery).</summary>
public sealed record InExpr(Expr Value, bool Negated, IReadOnlyList<Expr>? List, Query? Subquery, int At) : Expr(At);

public sealed record BetweenExpr(Expr Value, bool Negated, Expr Low, Expr High, int At) : Expr(At);

public sealed record LikeExpr(Expr Value, bool Negated, bool Similar, Expr Pattern, Expr? Escape, int At) : Expr(At);

/// <summary>`x IS [NOT] NULL|TRUE|FALSE|UNKNOWN`, or `x IS [NOT] DISTINCT FROM y` with <c>Other</c> set.</summary>
public sealed record IsExpr(Expr Value, bool Negated, string Test, Expr? Other, int At) : Expr(At);

public sealed record IndexExpr(Expr Value, Expr Index, int At) : Expr(At);

public sealed record FieldExpr(Expr Value, string Field, int At) : Expr(At);

/// <summary>A parenthesized list `(a, b)`: a row value or a grouping set.</summary>
public sealed record RowExpr(IReadOnlyList<Expr> Items, int At) : Expr(At);

/// <summary>`GROUPING SETS (…)`, `ROLLUP (…)`, `CUBE (…)` or the empty grouping `()`.</summary>
public sealed record GroupingSetExpr(string Kind, IReadOnlyList<Expr> Items, int At) : Expr(At);

/// <summary>A table argument of a table-valued function: `TABLE t [PARTITION BY …]` or `TABLE (query)`.</summary>
public sealed record TableArgExpr(QualifiedName? Table, Query? Query, IReadOnlyList<Expr> PartitionBy, int At) : Expr(At);

public sealed record DescriptorExpr(IReadOnlyList<QualifiedName> Columns, int At) : Expr(At);

/// <summary>A named argument `name => value`.</summary>
public sealed record NamedArgExpr(string Name, Expr Value, int At) : Expr(At);

public sealed record OrderItem(Expr Expr, bool Descending, int At);

public sealed record FrameBound(string Kind, Expr? Offset);

public sealed record WindowFrame(string Units, FrameBound Start, FrameBound? End);

public sealed record WindowSpec(
    string? BaseWindow,
    IReadOnlyList<Expr> PartitionBy,
    IReadOnlyList<OrderItem> OrderBy,
    WindowFrame? Frame,
    int At);
