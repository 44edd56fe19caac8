using Sluice.Sql.Syntax;

namespace Sluice.Sql.Analysis;

/// <summary>The query walk: which relations a query reads and which of its operators keep state.</summary>
public sealed partial class SqlAnalyzer
{
    private static readonly HashSet<string> AggregateFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "COUNT", "SUM", "AVG", "MIN", "MAX", "STDDEV", "STDDEV_POP", "STDDEV_SAMP", "VARIANCE", "VAR_POP", "VAR_SAMP",
        "COLLECT", "LISTAGG", "FIRST_VALUE", "LAST_VALUE", "ARRAY_AGG", "JSON_OBJECTAGG", "JSON_ARRAYAGG",
        "APPROX_COUNT_DISTINCT", "SINGLE_VALUE", "BIT_AND", "BIT_OR", "BIT_XOR", "PERCENTILE",
    };

    private static readonly HashSet<string> WindowTableFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "TUMBLE", "HOP", "CUMULATE", "SESSION",
    };

    private static readonly HashSet<string> RankFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "ROW_NUMBER", "RANK", "DENSE_RANK",
    };

    /// <summary>State of one walk: a job statement (recording) or a name check (a view being created).</summary>
    private sealed class WalkContext(bool recording, string catalog, string database)
    {
        public bool Recording { get; } = recording;

        public string Catalog { get; set; } = catalog;

        public string Database { get; set; } = database;

        public List<StatefulOperator> Operators { get; } = [];

        /// <summary>ROW_NUMBER calls that a filter turns into deduplication or Top-N, not an OVER aggregation.</summary>
        public HashSet<CallExpr> RankCalls { get; } = new(ReferenceEqualityComparer.Instance);

        public HashSet<CommonTableExpression> WalkedCtes { get; } = new(ReferenceEqualityComparer.Instance);

        public HashSet<ObjectName> ExpandingViews { get; } = [];
    }

    private void Operator(WalkContext context, string kind, string detail, int at)
    {
        if (context.Recording)
        {
            context.Operators.Add(new StatefulOperator(kind, detail, Position(at)));
        }
    }

    private void WalkQuery(Query query, WalkContext context, Scope scope)
    {
        var inner = scope.With(query.With);
        WalkBody(query.Body, context, inner);
        if (query.OrderBy.Count > 0 && query.Limit is not null)
        {
            Operator(context, "top-n", "ORDER BY … LIMIT", query.OrderBy[0].At);
        }
        else if (query.Limit is not null)
        {
            Operator(context, "limit", "LIMIT", query.Limit.At);
        }
        else if (query.OrderBy.Count > 0)
        {
            Operator(context, "sort", "ORDER BY", query.OrderBy[0].At);
        }
        foreach (var item in query.OrderBy)
        {
            WalkExpr(item.Expr, context, inner);
        }
    }

    private void WalkBody(QueryBody body, WalkContext context, Scope scope)
    {
        switch (body)
        {
            case SelectBody select:
                WalkSelect(select, context, scope);
                break;
            case SetOperationBody set:
                WalkBody(set.Left, context, scope);
                WalkBody(set.Right, context, scope);
                if (set.Operator != "UNION" || !set.All)
                {
                    Operator(context, set.Operator == "UNION" ? "union distinct" : set.Operator.ToLowerInvariant(), set.Operator + (set.All ? " ALL" : ""), set.At);
                }
                break;
            case ValuesBody values:
                foreach (var row in values.Rows)
                {
                    foreach (var expr in row)
                    {
                        WalkExpr(expr, context, scope);
                    }
                }
                break;
            case NestedQueryBody nested:
                WalkQuery(nested.Query, context, scope);
                break;
        }
    }

    private void WalkSelect(SelectBody select, WalkContext context, Scope scope)
    {
        DetectRank(select, context, scope);
        if (select.From is not null)
        {
            WalkFrom(select.From, context, scope, select.Where);
        }
        foreach (var item in select.Items)
        {
            WalkExpr(item.Expr, context, scope);
        }
        if (select.Where is not null)
        {
            WalkExpr(select.Where, context, scope);
        }
        foreach (var group in select.GroupBy)
        {
            WalkExpr(group, context, scope);
        }
        if (select.Having is not null)
        {
            WalkExpr(select.Having, context, scope);
        }
        foreach (var window in select.Windows)
        {
            WalkWindow(window.Spec, context, scope);
        }
        ClassifyAggregation(select, context, scope);
        if (select.Distinct)
        {
            Operator(context, "distinct", "SELECT DISTINCT", select.At);
        }
    }

    private void ClassifyAggregation(SelectBody select, WalkContext context, Scope scope)
    {
        var legacyWindow = select.GroupBy.OfType<CallExpr>().FirstOrDefault(c => c.Is("TUMBLE") || c.Is("HOP") || c.Is("SESSION"));
        if (legacyWindow is not null)
        {
            Operator(context, "group window aggregation", legacyWindow.FunctionName.ToUpperInvariant(), legacyWindow.At);
            return;
        }
        var groupNames = select.GroupBy.OfType<NameExpr>().Select(n => n.Name.Last).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (groupNames.Contains("window_start") && groupNames.Contains("window_end"))
        {
            var tvf = select.From is null ? null : WindowFunctionOf(select.From, scope, 0);
            Operator(context, "window aggregation", tvf ?? "window_start, window_end", select.GroupBy[0].At);
            return;
        }
        if (select.GroupBy.Count > 0)
        {
            var detail = select.GroupBy.OfType<GroupingSetExpr>().FirstOrDefault()?.Kind ?? "GROUP BY";
            Operator(context, "group aggregation", detail, select.GroupBy[0].At);
            return;
        }
        var aggregate = select.Items.Select(i => FindAggregate(i.Expr)).FirstOrDefault(a => a is not null)
            ?? (select.Having is null ? null : FindAggregate(select.Having));
        if (aggregate is not null)
        {
            Operator(context, "group aggregation", $"{aggregate.FunctionName.ToUpperInvariant()} without GROUP BY", aggregate.At);
        }
    }

    /// <summary>An aggregate call in an expression, not counting OVER aggregates and subqueries.</summary>
    private static CallExpr? FindAggregate(Expr expr)
    {
        switch (expr)
        {
            case CallExpr call:
                if (call.Over is null && call.OverWindowName is null && AggregateFunctions.Contains(call.FunctionName))
                {
                    return call;
                }
                if (call.Over is not null || call.OverWindowName is not null)
                {
                    return null;
                }
                foreach (var argument in call.Arguments)
                {
                    if (FindAggregate(argument) is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case BinaryExpr binary:
                return FindAggregate(binary.Left) ?? FindAggregate(binary.Right);
            case UnaryExpr unary:
                return FindAggregate(unary.Operand);
            case CastExpr cast:
                return FindAggregate(cast.Value);
            case CaseExpr @case:
                foreach (var when in @case.Whens)
                {
                    if ((FindAggregate(when.When) ?? FindAggregate(when.Then)) is { } found)
                    {
                        return found;
                    }
                }
                return (@case.Operand is null ? null : FindAggregate(@case.Operand)) ?? (@case.Else is null ? null : FindAggregate(@case.Else));
            case IsExpr @is:
                return FindAggregate(@is.Value);
            case BetweenExpr between:
                return FindAggregate(between.Value) ?? FindAggregate(between.Low) ?? FindAggregate(between.High);
            case LikeExpr like:
                return FindAggregate(like.Value);
            case InExpr @in:
                return FindAggregate(@in.Value);
            case IndexExpr index:
                return FindAggregate(index.Value);
            case FieldExpr field:
                return FindAggregate(field.Value);
            default:
                return null;
        }
    }

    /// <summary>
    /// `SELECT … FROM (SELECT …, ROW_NUMBER() OVER (…) AS rn FROM …) WHERE rn = 1` (or rn &lt;= N): Flink's
    /// deduplication (rn = 1 ordered by a time attribute) or Top-N; over window_start/window_end, their window forms.
    /// </summary>
    private void DetectRank(SelectBody outer, WalkContext context, Scope scope)
    {
        if (outer.Where is null || outer.From is null || InnerSelect(outer.From, scope) is not { } inner)
        {
            return;
        }
        foreach (var item in inner.Items)
        {
            if (item.Alias is null || item.Expr is not CallExpr call || !RankFunctions.Contains(call.FunctionName))
            {
                continue;
            }
            var spec = call.Over ?? inner.Windows.FirstOrDefault(w => w.Name == call.OverWindowName)?.Spec;
            var limit = RankLimit(outer.Where, item.Alias);
            if (spec is null || limit is null)
            {
                continue;
            }
            context.RankCalls.Add(call);
            var partition = spec.PartitionBy.OfType<NameExpr>().Select(n => n.Name.Last).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var window = partition.Contains("window_start") && partition.Contains("window_end") ? "window " : "";
            var dedup = call.Is("ROW_NUMBER") && limit == 1 && spec.OrderBy.Count == 1 && IsTimeAttribute(spec.OrderBy[0].Expr, rowtimeToo: true);
            Operator(context, window + (dedup ? "deduplication" : "top-n"), $"{call.FunctionName.ToUpperInvariant()} ≤ {limit}", call.At);
        }
    }

    private SelectBody? InnerSelect(TableRef from, Scope scope)
    {
        var query = from switch
        {
            DerivedTableRef { Lateral: false } derived => derived.Query,
            NamedTableRef named when scope.Find(named.Name) is { } cte => cte.Cte.Query,
            NamedTableRef named when _catalog.Views.TryGetValue(_catalog.Qualify(named.Name), out var view) => view.Query,
            _ => null,
        };
        return query?.Body as SelectBody;
    }

    /// <summary>The N of `rn = N`, `rn &lt;= N`, `rn &lt; N+1` among the WHERE's conjuncts.</summary>
    private static long? RankLimit(Expr where, string alias)
    {
        switch (where)
        {
            case BinaryExpr { Operator: "AND" } and:
                return RankLimit(and.Left, alias) ?? RankLimit(and.Right, alias);
            case BinaryExpr comparison when comparison.Left is NameExpr name && name.Name.Last == alias
                                            && comparison.Right is LiteralExpr { Kind: LiteralKind.Number } number
                                            && long.TryParse(number.Value, out var n):
                return comparison.Operator switch
                {
                    "=" or "<=" => n,
                    "<" => n - 1,
                    _ => null,
                };
            case BetweenExpr between when between.Value is NameExpr name && name.Name.Last == alias
                                          && between.High is LiteralExpr { Kind: LiteralKind.Number } high
                                          && long.TryParse(high.Value, out var h):
                return h;
            default:
                return null;
        }
    }

    private void WalkFrom(TableRef from, WalkContext context, Scope scope, Expr? where)
    {
        switch (from)
        {
            case NamedTableRef named:
                ReadRelation(named.Name, named.Hints, context, scope);
                break;
            case DerivedTableRef derived:
                WalkQuery(derived.Query, context, scope);
                break;
            case TableFunctionRef function:
                WalkExpr(function.Call, context, scope);
                break;
            case UnnestRef unnest:
                foreach (var item in unnest.Items)
                {
                    WalkExpr(item, context, scope);
                }
                break;
            case MatchRecognizeRef match:
                WalkFrom(match.Input, context, scope, null);
                Operator(context, "match_recognize", $"PATTERN ({match.Clause.Pattern})", match.At);
                foreach (var expr in match.Clause.PartitionBy.Concat(match.Clause.OrderBy.Select(o => o.Expr))
                             .Concat(match.Clause.Measures.Select(m => m.Expr)).Concat(match.Clause.Definitions.Select(d => d.Condition)))
                {
                    WalkExpr(expr, context, scope);
                }
                break;
            case JoinRef join:
                WalkFrom(join.Left, context, scope, where);
                WalkFrom(join.Right, context, scope, where);
                ClassifyJoin(join, context, scope, where);
                if (join.On is not null)
                {
                    WalkExpr(join.On, context, scope);
                }
                break;
        }
    }

    private void ClassifyJoin(JoinRef join, WalkContext context, Scope scope, Expr? where)
    {
        switch (join.Right)
        {
            case UnnestRef:
                return;
            case TableFunctionRef function when !WindowTableFunctions.Contains(function.Call.FunctionName):
                return;
            case NamedTableRef { SystemTimeAsOf: { } asOf } named:
                if (!IsProctime(asOf))
                {
                    Operator(context, "temporal join", $"FOR SYSTEM_TIME AS OF on {named.Name}", join.At);
                }
                return;
            case DerivedTableRef { Lateral: true }:
                Operator(context, "lateral join", "LATERAL subquery", join.At);
                return;
        }
        if (WindowFunctionOf(join.Left, scope, 0) is not null && WindowFunctionOf(join.Right, scope, 0) is not null)
        {
            Operator(context, "window join", "join of two windowed inputs", join.At);
            return;
        }
        var condition = join.On ?? (join.Kind is JoinKind.Comma or JoinKind.Cross ? where : null);
        if (join.On is not null && where is not null && IsTimeBounded(where))
        {
            condition = where;
        }
        if (condition is not null && IsTimeBounded(condition))
        {
            Operator(context, "interval join", "join bounded by time attributes", join.At);
            return;
        }
        var kind = join.Kind switch
        {
            JoinKind.Left => "LEFT JOIN",
            JoinKind.Right => "RIGHT JOIN",
            JoinKind.Full => "FULL JOIN",
            JoinKind.Cross => "CROSS JOIN",
            JoinKind.Comma => "implicit join",
            _ => "INNER JOIN",
        };
        Operator(context, "regular join", kind, join.At);
    }

    /// <summary>True when a condition bounds one time attribute by another (BETWEEN, &lt;, &gt;, …): an interval join.</summary>
    private bool IsTimeBounded(Expr condition) => condition switch
    {
        BinaryExpr { Operator: "AND" or "OR" } logical => IsTimeBounded(logical.Left) || IsTimeBounded(logical.Right),
        BetweenExpr between => ReferencesTimeAttribute(between.Value) && (ReferencesTimeAttribute(between.Low) || ReferencesTimeAttribute(between.High)),
        BinaryExpr { Operator: "<" or "<=" or ">" or ">=" } comparison =>
            ReferencesTimeAttribute(comparison.Left) && ReferencesTimeAttribute(comparison.Right),
        _ => false,
    };

    private bool ReferencesTimeAttribute(Expr expr) => expr switch
    {
        NameExpr => IsTimeAttribute(expr, rowtimeToo: true),
        BinaryExpr binary => ReferencesTimeAttribute(binary.Left) || ReferencesTimeAttribute(binary.Right),
        UnaryExpr unary => ReferencesTimeAttribute(unary.Operand),
        CallExpr call => call.Is("PROCTIME") || call.Arguments.Any(ReferencesTimeAttribute),
        _ => false,
    };

    /// <summary>A rowtime (a column with a WATERMARK) or a processing-time column (AS PROCTIME()) of a declared table.</summary>
    private bool IsTimeAttribute(Expr expr, bool rowtimeToo)
    {
        if (expr is CallExpr call)
        {
            return call.Is("PROCTIME");
        }
        if (expr is not NameExpr name)
        {
            return false;
        }
        var column = name.Name.Last;
        if (rowtimeToo && column.Equals("window_time", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        foreach (var table in _catalog.Tables.Values)
        {
            if (table.ProctimeColumns.Contains(column) || (rowtimeToo && table.RowtimeColumns.Contains(column)))
            {
                return true;
            }
        }
        return false;
    }

    private bool IsProctime(Expr expr) => IsTimeAttribute(expr, rowtimeToo: false);

    /// <summary>The window TVF (TUMBLE, HOP, …) a relation is windowed by, looking through subqueries, CTEs and views.</summary>
    private string? WindowFunctionOf(TableRef from, Scope scope, int depth)
    {
        if (depth > 16)
        {
            return null;
        }
        switch (from)
        {
            case TableFunctionRef function when WindowTableFunctions.Contains(function.Call.FunctionName):
                return function.Call.FunctionName.ToUpperInvariant();
            case DerivedTableRef derived when derived.Query.Body is SelectBody { From: not null } select:
                return WindowFunctionOf(select.From, scope, depth + 1);
            case NamedTableRef named:
                var query = scope.Find(named.Name)?.Cte.Query
                    ?? (_catalog.Views.TryGetValue(_catalog.Qualify(named.Name), out var view) ? view.Query : null);
                return query?.Body is SelectBody { From: not null } body ? WindowFunctionOf(body.From, scope, depth + 1) : null;
            default:
                return null;
        }
    }

    /// <summary>Resolves a relation name: a CTE in scope, a view (expanded), a declared table or a table in a declared catalog.</summary>
    private void ReadRelation(QualifiedName name, IReadOnlyList<Hint> hints, WalkContext context, Scope scope)
    {
        if (scope.Find(name) is { } cte)
        {
            if (context.WalkedCtes.Add(cte.Cte))
            {
                WalkQuery(cte.Cte.Query, context, cte.DefinedIn);
            }
            return;
        }
        var key = _catalog.Qualify(name, context.Catalog, context.Database);
        if (_catalog.Views.TryGetValue(key, out var view))
        {
            if (!context.ExpandingViews.Add(key))
            {
                Error(name.At, $"view {name} refers to itself");
                return;
            }
            var (catalog, database) = (context.Catalog, context.Database);
            (context.Catalog, context.Database) = (view.Catalog, view.Database);
            WalkQuery(view.Query, context, Scope.Empty);
            (context.Catalog, context.Database) = (catalog, database);
            context.ExpandingViews.Remove(key);
            return;
        }
        var table = FindTable(key, name);
        if (table is null || !context.Recording)
        {
            return;
        }
        table.Used = true;
        var options = hints.Where(h => h.Name.Equals("OPTIONS", StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Options).ToList();
        AddSource(table, options, name.At);
    }

    private void WalkWindow(WindowSpec spec, WalkContext context, Scope scope)
    {
        foreach (var expr in spec.PartitionBy)
        {
            WalkExpr(expr, context, scope);
        }
        foreach (var item in spec.OrderBy)
        {
            WalkExpr(item.Expr, context, scope);
        }
    }

    private void WalkExpr(Expr expr, WalkContext context, Scope scope)
    {
        switch (expr)
        {
            case CallExpr call:
                if (_functions.Count > 0 && context.Recording)
                {
                    var functionName = call.Name.Parts.Count == 1 ? call.Name.Parts[0] : call.Name.ToString();
                    if (_functions.TryGetValue(functionName, out var function))
                    {
                        _functions[functionName] = (function.Statement, true);
                    }
                }
                if ((call.Over is not null || call.OverWindowName is not null) && !context.RankCalls.Contains(call))
                {
                    Operator(context, "over aggregation", call.FunctionName.ToUpperInvariant() + " OVER", call.At);
                }
                foreach (var argument in call.Arguments)
                {
                    WalkExpr(argument, context, scope);
                }
                if (call.Filter is not null)
                {
                    WalkExpr(call.Filter, context, scope);
                }
                if (call.Over is not null)
                {
                    WalkWindow(call.Over, context, scope);
                }
                break;
            case TableArgExpr tableArg:
                if (tableArg.Table is not null)
                {
                    ReadRelation(tableArg.Table, [], context, scope);
                }
                else if (tableArg.Query is not null)
                {
                    WalkQuery(tableArg.Query, context, scope);
                }
                break;
            case SubqueryExpr subquery:
                Operator(context, "subquery join", "scalar or quantified subquery", subquery.At);
                WalkQuery(subquery.Query, context, scope);
                break;
            case ExistsExpr exists:
                Operator(context, "semi join", "EXISTS", exists.At);
                WalkQuery(exists.Query, context, scope);
                break;
            case UnaryExpr { Operator: "NOT", Operand: ExistsExpr notExists }:
                Operator(context, "anti join", "NOT EXISTS", notExists.At);
                WalkQuery(notExists.Query, context, scope);
                break;
            case InExpr @in:
                WalkExpr(@in.Value, context, scope);
                if (@in.Subquery is not null)
                {
                    Operator(context, @in.Negated ? "anti join" : "semi join", @in.Negated ? "NOT IN subquery" : "IN subquery", @in.At);
                    WalkQuery(@in.Subquery, context, scope);
                }
                foreach (var item in @in.List ?? [])
                {
                    WalkExpr(item, context, scope);
                }
                break;
            case BinaryExpr binary:
                WalkExpr(binary.Left, context, scope);
                WalkExpr(binary.Right, context, scope);
                break;
            case UnaryExpr unary:
                WalkExpr(unary.Operand, context, scope);
                break;
            case CaseExpr @case:
                if (@case.Operand is not null)
                {
                    WalkExpr(@case.Operand, context, scope);
                }
                foreach (var when in @case.Whens)
                {
                    WalkExpr(when.When, context, scope);
                    WalkExpr(when.Then, context, scope);
                }
                if (@case.Else is not null)
                {
                    WalkExpr(@case.Else, context, scope);
                }
                break;
            case CastExpr cast:
                WalkExpr(cast.Value, context, scope);
                break;
            case BetweenExpr between:
                WalkExpr(between.Value, context, scope);
                WalkExpr(between.Low, context, scope);
                WalkExpr(between.High, context, scope);
                break;
            case LikeExpr like:
                WalkExpr(like.Value, context, scope);
                WalkExpr(like.Pattern, context, scope);
                break;
            case IsExpr @is:
                WalkExpr(@is.Value, context, scope);
                if (@is.Other is not null)
                {
                    WalkExpr(@is.Other, context, scope);
                }
                break;
            case IndexExpr index:
                WalkExpr(index.Value, context, scope);
                WalkExpr(index.Index, context, scope);
                break;
            case FieldExpr field:
                WalkExpr(field.Value, context, scope);
                break;
            case RowExpr row:
                foreach (var item in row.Items)
                {
                    WalkExpr(item, context, scope);
                }
                break;
            case GroupingSetExpr grouping:
                foreach (var item in grouping.Items)
                {
                    WalkExpr(item, context, scope);
                }
                break;
            case NamedArgExpr named:
                WalkExpr(named.Value, context, scope);
                break;
            case IntervalExpr interval:
                WalkExpr(interval.Value, context, scope);
                break;
        }
    }
}
