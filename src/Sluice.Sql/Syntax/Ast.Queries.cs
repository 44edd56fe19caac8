namespace Sluice.Sql.Syntax;

/// <summary>A full query: CTEs, a body, and the ORDER BY / LIMIT / OFFSET / FETCH that apply to it.</summary>
public sealed record Query(
    IReadOnlyList<CommonTableExpression> With,
    QueryBody Body,
    IReadOnlyList<OrderItem> OrderBy,
    Expr? Limit,
    Expr? Offset,
    int At);

public sealed record CommonTableExpression(string Name, IReadOnlyList<string> Columns, Query Query, int At);

public abstract record QueryBody(int At);

public sealed record SelectItem(Expr Expr, string? Alias, int At);

public sealed record NamedWindow(string Name, WindowSpec Spec, int At);

public sealed record SelectBody(
    IReadOnlyList<Hint> Hints,
    bool Distinct,
    IReadOnlyList<SelectItem> Items,
    TableRef? From,
    Expr? Where,
    IReadOnlyList<Expr> GroupBy,
    Expr? Having,
    IReadOnlyList<NamedWindow> Windows,
    int At) : QueryBody(At);

/// <summary>UNION / INTERSECT / EXCEPT (MINUS is read as EXCEPT).</summary>
public sealed record SetOperationBody(string Operator, bool All, QueryBody Left, QueryBody Right, int At) : QueryBody(At);

public sealed record ValuesBody(IReadOnlyList<IReadOnlyList<Expr>> Rows, int At) : QueryBody(At);

/// <summary>A parenthesized query used as a set-operation operand; it keeps its own ORDER BY / LIMIT.</summary>
public sealed record NestedQueryBody(Query Query, int At) : QueryBody(At);

public sealed record TableAlias(string Name, IReadOnlyList<string> Columns);

public abstract record TableRef(int At);

/// <summary>A table, view or CTE by name, with hints and an optional `FOR SYSTEM_TIME AS OF` (temporal/lookup join).</summary>
public sealed record NamedTableRef(QualifiedName Name, IReadOnlyList<Hint> Hints, Expr? SystemTimeAsOf, TableAlias? Alias)
    : TableRef(Name.At);

public sealed record DerivedTableRef(Query Query, bool Lateral, TableAlias? Alias, int At) : TableRef(At);

/// <summary>`TABLE(f(…))` (a window TVF or a table function) or `LATERAL TABLE(f(…))`.</summary>
public sealed record TableFunctionRef(CallExpr Call, bool Lateral, TableAlias? Alias, int At) : TableRef(At);

public sealed record UnnestRef(IReadOnlyList<Expr> Items, bool WithOrdinality, TableAlias? Alias, int At) : TableRef(At);

public enum JoinKind
{
    Inner,
    Left,
    Right,
    Full,
    Cross,
    /// <summary>A comma in the FROM list.</summary>
    Comma,
}

public sealed record JoinRef(TableRef Left, TableRef Right, JoinKind Kind, bool Natural, Expr? On, IReadOnlyList<string> Using, int At)
    : TableRef(At);

public sealed record MatchRecognizeRef(TableRef Input, MatchRecognizeClause Clause, TableAlias? Alias, int At) : TableRef(At);

public sealed record PatternDefinition(string Name, Expr Condition);

public sealed record MatchRecognizeClause(
    IReadOnlyList<Expr> PartitionBy,
    IReadOnlyList<OrderItem> OrderBy,
    IReadOnlyList<SelectItem> Measures,
    string? RowsPerMatch,
    string? AfterMatch,
    string Pattern,
    Expr? Within,
    IReadOnlyList<PatternDefinition> Definitions,
    int At);
