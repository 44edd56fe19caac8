using System.Collections.Frozen;

namespace Sluice.Sql.Syntax;

public sealed partial class Parser
{
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> TimeUnits = WordSet(
        "YEAR", "YEARS", "QUARTER", "QUARTERS", "MONTH", "MONTHS", "WEEK", "WEEKS", "DAY", "DAYS", "HOUR", "HOURS",
        "MINUTE", "MINUTES", "SECOND", "SECONDS", "MILLISECOND", "MILLISECONDS", "MICROSECOND", "MICROSECONDS",
        "NANOSECOND", "NANOSECONDS");

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> ExtractFields = WordSet(
        "DOW", "DOY", "EPOCH", "CENTURY", "DECADE", "MILLENNIUM", "ISODOW", "ISOYEAR");

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> JsonKinds = WordSet("VALUE", "SCALAR", "ARRAY", "OBJECT");

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> JsonClauseWords = WordSet(
        "NULL", "ABSENT", "ON", "EMPTY", "ERROR", "WITH", "WITHOUT", "CONDITIONAL", "UNCONDITIONAL", "ARRAY", "WRAPPER", "TRUE", "FALSE", "UNKNOWN");

    private List<Expr> ParseExpressionList()
    {
        var items = new List<Expr>();
        do
        {
            items.Add(ParseExpression());
        }
        while (Accept(TokenKind.Comma));
        return items;
    }

    private Expr ParseExpression()
    {
        EnterNesting();
        var left = ParseAnd();
        while (At(Keyword.Or))
        {
            var at = Advance().Start;
            left = new BinaryExpr("OR", left, ParseAnd(), at);
        }
        ExitNesting();
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (At(Keyword.And))
        {
            var at = Advance().Start;
            left = new BinaryExpr("AND", left, ParseNot(), at);
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (At(Keyword.Not))
        {
            var at = Advance().Start;
            EnterNesting();
            var operand = ParseNot();
            ExitNesting();
            return new UnaryExpr("NOT", operand, at);
        }
        return ParsePredicate();
    }

    private Expr ParsePredicate()
    {
        var left = ParseAdditive();
        while (true)
        {
            var token = Current;
            var op = token.Kind switch
            {
                TokenKind.Equals => "=",
                TokenKind.NotEquals => "<>",
                TokenKind.Less => "<",
                TokenKind.LessOrEqual => "<=",
                TokenKind.Greater => ">",
                TokenKind.GreaterOrEqual => ">=",
                _ => null,
            };
            if (op is not null)
            {
                Advance();
                if (Current.Kind == TokenKind.Word && Current.Keyword is Keyword.Any or Keyword.All or Keyword.Some
                    && Peek(1).Kind == TokenKind.LeftParen)
                {
                    var quantifierAt = Advance().Start;
                    Expect(TokenKind.LeftParen);
                    var subquery = ParseQuery();
                    Expect(TokenKind.RightParen);
                    left = new BinaryExpr(op, left, new SubqueryExpr(subquery, quantifierAt), token.Start);
                    continue;
                }
                left = new BinaryExpr(op, left, ParseAdditive(), token.Start);
                continue;
            }
            if (At(Keyword.Is))
            {
                Advance();
                var negated = Accept(Keyword.Not);
                if (Accept(Keyword.Distinct))
                {
                    Expect(Keyword.From, "FROM after IS [NOT] DISTINCT");
                    left = new IsExpr(left, negated, "DISTINCT FROM", ParseAdditive(), token.Start);
                    continue;
                }
                if (Current.IsName && IsWord(Current, "JSON"))
                {
                    Advance();
                    var kind = WordIn(Current, JsonKinds) is { } jsonKind ? " " + jsonKind : "";
                    if (kind.Length > 0)
                    {
                        Advance();
                    }
                    left = new IsExpr(left, negated, "JSON" + kind, null, token.Start);
                    continue;
                }
                var test = Current.Kind == TokenKind.Word && Current.Keyword is Keyword.Null or Keyword.True or Keyword.False or Keyword.Unknown
                    ? Keywords.Spell(Advance().Keyword)
                    : throw Error("NULL, TRUE, FALSE, UNKNOWN, JSON or DISTINCT FROM after IS");
                left = new IsExpr(left, negated, test, null, token.Start);
                continue;
            }
            var not = At(Keyword.Not) && Peek(1).Kind == TokenKind.Word
                && Peek(1).Keyword is Keyword.In or Keyword.Between or Keyword.Like or Keyword.Similar;
            if (not)
            {
                Advance();
            }
            if (Accept(Keyword.In))
            {
                Expect(TokenKind.LeftParen);
                if (AtQueryStart() || (At(TokenKind.LeftParen) && ParenOpensQuery()))
                {
                    var subquery = ParseQuery();
                    Expect(TokenKind.RightParen);
                    left = new InExpr(left, not, null, subquery, token.Start);
                }
                else
                {
                    var list = ParseExpressionList();
                    Expect(TokenKind.RightParen);
                    left = new InExpr(left, not, list, null, token.Start);
                }
                continue;
            }
            if (Accept(Keyword.Between))
            {
                if (!Accept(Keyword.Symmetric))
                {
                    Accept(Keyword.Asymmetric);
                }
                var low = ParseAdditive();
                Expect(Keyword.And, "AND in BETWEEN … AND …");
                left = new BetweenExpr(left, not, low, ParseAdditive(), token.Start);
                continue;
            }
            var similar = false;
            if (Accept(Keyword.Similar))
            {
                Expect(Keyword.To, "TO after SIMILAR");
                similar = true;
            }
            else if (!Accept(Keyword.Like))
            {
                if (not)
                {
                    throw Error("IN, BETWEEN, LIKE or SIMILAR TO after NOT");
                }
                return left;
            }
            var pattern = ParseAdditive();
            var escape = Accept(Keyword.Escape) ? ParseAdditive() : null;
            left = new LikeExpr(left, not, similar, pattern, escape, token.Start);
        }
    }

    private Expr ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (true)
        {
            var op = Current.Kind switch
            {
                TokenKind.Plus => "+",
                TokenKind.Minus => "-",
                TokenKind.Concat => "||",
                _ => null,
            };
            if (op is null)
            {
                return left;
            }
            var at = Advance().Start;
            left = new BinaryExpr(op, left, ParseMultiplicative(), at);
        }
    }

    private Expr ParseMultiplicative()
    {
        var left = ParseUnary();
        while (true)
        {
            var op = Current.Kind switch
            {
                TokenKind.Star => "*",
                TokenKind.Slash => "/",
                TokenKind.Percent => "%",
                _ => null,
            };
            if (op is null)
            {
                return left;
            }
            var at = Advance().Start;
            left = new BinaryExpr(op, left, ParseUnary(), at);
        }
    }

    private Expr ParseUnary()
    {
        if (At(TokenKind.Minus) || At(TokenKind.Plus))
        {
            var token = Advance();
            EnterNesting();
            var operand = ParseUnary();
            ExitNesting();
            return new UnaryExpr(token.Kind == TokenKind.Minus ? "-" : "+", operand, token.Start);
        }
        return ParsePostfix();
    }

    private Expr ParsePostfix()
    {
        var expr = ParsePrimary();
        while (true)
        {
            if (At(TokenKind.LeftBracket))
            {
                var at = Advance().Start;
                var index = ParseExpression();
                Expect(TokenKind.RightBracket);
                expr = new IndexExpr(expr, index, at);
            }
            else if (At(TokenKind.Dot) && Peek(1).IsName)
            {
                var at = Advance().Start;
                expr = new FieldExpr(expr, NameText(Advance()), at);
            }
            else
            {
                return expr;
            }
        }
    }

    private Expr ParsePrimary()
    {
        var token = Current;
        var at = token.Start;
        switch (token.Kind)
        {
            case TokenKind.Number:
                Advance();
                return new LiteralExpr(LiteralKind.Number, TextOf(token), at);
            case TokenKind.String:
                return new LiteralExpr(LiteralKind.String, ParseString("a string"), at);
            case TokenKind.BinaryString:
                Advance();
                return new LiteralExpr(LiteralKind.Binary, Unquote(token, '\''), at);
            case TokenKind.Star:
                Advance();
                return new StarExpr(null, at);
            case TokenKind.LeftParen:
                return ParseParenthesized();
            case TokenKind.QuotedIdentifier:
                return ParseNameOrCall();
            case TokenKind.Word:
                return ParseWord(token);
            default:
                throw Error("an expression");
        }
    }

    private Expr ParseParenthesized()
    {
        var at = Offset;
        if (ParenOpensQuery())
        {
            Advance();
            var query = ParseQuery();
            Expect(TokenKind.RightParen);
            return new SubqueryExpr(query, at);
        }
        Advance();
        EnterNesting();
        var items = ParseExpressionList();
        Expect(TokenKind.RightParen);
        ExitNesting();
        return items.Count == 1 ? items[0] : new RowExpr(items, at);
    }

    private Expr ParseWord(Token token)
    {
        var at = token.Start;
        var next = Peek(1);
        switch (token.Keyword)
        {
            case Keyword.True:
            case Keyword.False:
                Advance();
                return new LiteralExpr(LiteralKind.Boolean, token.Keyword == Keyword.True ? "TRUE" : "FALSE", at);
            case Keyword.Null:
                Advance();
                return new LiteralExpr(LiteralKind.Null, "NULL", at);
            case Keyword.Unknown:
                Advance();
                return new LiteralExpr(LiteralKind.Boolean, "UNKNOWN", at);
            case Keyword.Case:
                return ParseCase();
            case Keyword.Cast:
            case Keyword.TryCast:
                return ParseCast();
            case Keyword.Exists:
                Advance();
                Expect(TokenKind.LeftParen);
                var existsQuery = ParseQuery();
                Expect(TokenKind.RightParen);
                return new ExistsExpr(existsQuery, at);
            case Keyword.Interval:
                return ParseInterval();
            case Keyword.Date or Keyword.Time or Keyword.Timestamp when next.Kind == TokenKind.String:
                Advance();
                return new LiteralExpr(LiteralKind.Typed, ParseString("a literal"), at, Keywords.Spell(token.Keyword));
            case Keyword.Array or Keyword.Map when next.Kind == TokenKind.LeftBracket:
                Advance();
                Advance();
                var elements = At(TokenKind.RightBracket) ? [] : ParseExpressionList();
                Expect(TokenKind.RightBracket);
                return new CallExpr(new QualifiedName([Keywords.Spell(token.Keyword)], at), elements, false, null, null, null, at);
            case Keyword.Table:
                return ParseTableArgument();
            case Keyword.Descriptor when next.Kind == TokenKind.LeftParen:
                Advance();
                Advance();
                var columns = new List<QualifiedName>();
                do
                {
                    columns.Add(ParseQualifiedName("a column name"));
                }
                while (Accept(TokenKind.Comma));
                Expect(TokenKind.RightParen);
                return new DescriptorExpr(columns, at);
            case Keyword.Running or Keyword.Final when next.IsName && Peek(2).Kind == TokenKind.LeftParen:
                Advance();
                return ParseNameOrCall();
            case Keyword.Left or Keyword.Right or Keyword.Insert when next.Kind == TokenKind.LeftParen:
                // LEFT(s, n), RIGHT(s, n) and INSERT(…) are string functions despite their reserved names.
                return ParseNameOrCall();
        }
        if (Keywords.IsReserved(token.Keyword))
        {
            throw Error("an expression");
        }
        return ParseNameOrCall();
    }

    private Expr ParseNameOrCall()
    {
        var at = Offset;
        var parts = new List<string>(2) { NameText(Advance()) };
        while (At(TokenKind.Dot))
        {
            if (Peek(1).Kind == TokenKind.Star)
            {
                _index += 2;
                return new StarExpr(new QualifiedName(parts, at), at);
            }
            if (!Peek(1).IsName)
            {
                break;
            }
            Advance();
            parts.Add(NameText(Advance()));
        }
        var name = new QualifiedName(parts, at);
        if (At(TokenKind.LeftParen))
        {
            return ParseCall(name);
        }
        if (At(TokenKind.Arrow) && parts.Count == 1)
        {
            Advance();
            return new NamedArgExpr(parts[0], ParseExpression(), at);
        }
        return new NameExpr(name);
    }

    private CallExpr ParseCall(QualifiedName name)
    {
        var at = name.At;
        Expect(TokenKind.LeftParen);
        var function = name.Last;
        var distinct = false;
        var arguments = new List<Expr>();
        if (function.StartsWith("JSON", StringComparison.OrdinalIgnoreCase))
        {
            ParseJsonArguments(arguments);
        }
        else if (!At(TokenKind.RightParen))
        {
            switch (KnownFunctionForm(function))
            {
                case "EXTRACT":
                    arguments.Add(ParseUnitWord());
                    Expect(Keyword.From, "FROM in EXTRACT(unit FROM value)");
                    arguments.Add(ParseExpression());
                    break;
                case "POSITION":
                    arguments.Add(ParseAdditive());
                    Expect(Keyword.In, "IN in POSITION(needle IN haystack)");
                    arguments.Add(ParseAdditive());
                    break;
                case "TRIM":
                    ParseTrimArguments(arguments);
                    break;
                case "SUBSTRING" or "SUBSTR" or "OVERLAY":
                    ParseSubstringArguments(arguments);
                    break;
                default:
                    if (Accept(Keyword.Distinct))
                    {
                        distinct = true;
                    }
                    else
                    {
                        Accept(Keyword.All);
                    }
                    arguments.Add(ParseExpression());
                    if (KnownFunctionForm(function) is "FLOOR" or "CEIL" or "CEILING" && Accept(Keyword.To))
                    {
                        arguments.Add(ParseUnitWord());
                    }
                    while (Accept(TokenKind.Comma))
                    {
                        arguments.Add(ParseExpression());
                    }
                    break;
            }
        }
        Expect(TokenKind.RightParen);
        if (At(Keyword.Within) && Peek(1).Is(Keyword.Group))
        {
            _index += 2;
            Expect(TokenKind.LeftParen);
            Expect(Keyword.Order, "ORDER BY in WITHIN GROUP (…)");
            Expect(Keyword.By);
            ParseOrderItems();
            Expect(TokenKind.RightParen);
        }
        Expr? filter = null;
        if (At(Keyword.Filter) && Peek(1).Kind == TokenKind.LeftParen)
        {
            _index += 2;
            Expect(Keyword.Where, "WHERE in FILTER (WHERE …)");
            filter = ParseExpression();
            Expect(TokenKind.RightParen);
        }
        if ((At(Keyword.Ignore) || At(Keyword.Respect)) && Peek(1).Is(Keyword.Nulls))
        {
            _index += 2;
        }
        WindowSpec? over = null;
        string? overName = null;
        if (Accept(Keyword.Over))
        {
            if (At(TokenKind.LeftParen))
            {
                over = ParseWindowSpec();
            }
            else
            {
                overName = ParseName("a window name or '(' after OVER");
            }
        }
        return new CallExpr(name, arguments, distinct, filter, over, overName, at);
    }

    private Expr ParseUnitWord()
    {
        var unit = Current.IsName ? WordIn(Current, TimeUnits) ?? WordIn(Current, ExtractFields) : null;
        if (unit is null)
        {
            throw Error("a time unit (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND, …)");
        }
        var token = Advance();
        return new NameExpr(new QualifiedName([unit], token.Start));
    }

    /// <summary>Functions whose arguments are not a plain list: their upper-case name, else null.</summary>
    private static string? KnownFunctionForm(string name) => name.Length switch
    {
        7 when name.Equals("EXTRACT", StringComparison.OrdinalIgnoreCase) => "EXTRACT",
        8 when name.Equals("POSITION", StringComparison.OrdinalIgnoreCase) => "POSITION",
        4 when name.Equals("TRIM", StringComparison.OrdinalIgnoreCase) => "TRIM",
        9 when name.Equals("SUBSTRING", StringComparison.OrdinalIgnoreCase) => "SUBSTRING",
        6 when name.Equals("SUBSTR", StringComparison.OrdinalIgnoreCase) => "SUBSTR",
        7 when name.Equals("OVERLAY", StringComparison.OrdinalIgnoreCase) => "OVERLAY",
        5 when name.Equals("FLOOR", StringComparison.OrdinalIgnoreCase) => "FLOOR",
        4 when name.Equals("CEIL", StringComparison.OrdinalIgnoreCase) => "CEIL",
        7 when name.Equals("CEILING", StringComparison.OrdinalIgnoreCase) => "CEILING",
        _ => null,
    };

    private void ParseTrimArguments(List<Expr> arguments)
    {
        if (Current.Kind == TokenKind.Word && Current.Keyword is Keyword.Both or Keyword.Leading or Keyword.Trailing)
        {
            Advance();
        }
        if (Accept(Keyword.From))
        {
            arguments.Add(ParseExpression());
            return;
        }
        var first = ParseExpression();
        arguments.Add(first);
        if (Accept(Keyword.From) || Accept(TokenKind.Comma))
        {
            arguments.Add(ParseExpression());
        }
    }

    private void ParseSubstringArguments(List<Expr> arguments)
    {
        arguments.Add(ParseExpression());
        if (Accept(Keyword.Placing))
        {
            arguments.Add(ParseExpression());
        }
        if (Accept(Keyword.From) || Accept(TokenKind.Comma))
        {
            arguments.Add(ParseExpression());
            if (Accept(Keyword.For) || Accept(TokenKind.Comma))
            {
                arguments.Add(ParseExpression());
            }
        }
    }

    /// <summary>
    /// JSON functions mix arguments with SQL/JSON clauses (`KEY k VALUE v`, `RETURNING type`, `NULL ON EMPTY`,
    /// `WITH ARRAY WRAPPER`, …): the values are parsed as expressions, the clause words are checked and dropped.
    /// </summary>
    private void ParseJsonArguments(List<Expr> arguments)
    {
        while (!At(TokenKind.RightParen))
        {
            Accept(Keyword.Key);
            arguments.Add(ParseExpression());
            if (Accept(Keyword.Value) || Accept(TokenKind.Colon))
            {
                arguments.Add(ParseExpression());
            }
            while (true)
            {
                if (Accept(Keyword.Returning))
                {
                    ParseDataType();
                }
                else if (Accept(Keyword.Default))
                {
                    arguments.Add(ParseAdditive());
                }
                else if (WordIn(Current, JsonClauseWords) is not null)
                {
                    Advance();
                }
                else
                {
                    break;
                }
            }
            if (!Accept(TokenKind.Comma))
            {
                break;
            }
        }
    }

    private Expr ParseTableArgument()
    {
        var at = Advance().Start;
        QualifiedName? table = null;
        Query? query = null;
        if (At(TokenKind.LeftParen))
        {
            Advance();
            query = ParseQuery();
            Expect(TokenKind.RightParen);
        }
        else
        {
            table = ParseQualifiedName("a table name after TABLE");
        }
        var partitionBy = new List<Expr>();
        if (AcceptSequence(Keyword.Partition, Keyword.By))
        {
            if (Accept(TokenKind.LeftParen))
            {
                partitionBy = ParseExpressionList();
                Expect(TokenKind.RightParen);
            }
            else
            {
                partitionBy.Add(ParseAdditive());
            }
        }
        if (AcceptSequence(Keyword.Order, Keyword.By))
        {
            ParseOrderItems();
        }
        return new TableArgExpr(table, query, partitionBy, at);
    }

    private CaseExpr ParseCase()
    {
        var at = Advance().Start;
        var operand = At(Keyword.When) ? null : ParseExpression();
        var whens = new List<CaseWhen>();
        while (Accept(Keyword.When))
        {
            var when = ParseExpression();
            Expect(Keyword.Then, "THEN");
            whens.Add(new CaseWhen(when, ParseExpression()));
        }
        if (whens.Count == 0)
        {
            throw Error("WHEN in CASE");
        }
        var otherwise = Accept(Keyword.Else) ? ParseExpression() : null;
        Expect(Keyword.End, "END to close CASE");
        return new CaseExpr(operand, whens, otherwise, at);
    }

    private CastExpr ParseCast()
    {
        var token = Advance();
        Expect(TokenKind.LeftParen);
        var value = ParseExpression();
        Expect(Keyword.As, "AS and the target type");
        var type = ParseDataType();
        Expect(TokenKind.RightParen);
        return new CastExpr(value, type, token.Keyword == Keyword.TryCast, token.Start);
    }

    private IntervalExpr ParseInterval()
    {
        var at = Advance().Start;
        Expr value;
        if (At(TokenKind.Minus) || At(TokenKind.Plus))
        {
            var sign = Advance();
            value = new UnaryExpr(sign.Kind == TokenKind.Minus ? "-" : "+", ParseIntervalValue(), sign.Start);
        }
        else
        {
            value = ParseIntervalValue();
        }
        var unitStart = Offset;
        ParseIntervalUnit();
        if (Accept(Keyword.To))
        {
            ParseIntervalUnit();
        }
        return new IntervalExpr(value, TextBetween(unitStart, _tokens[_index - 1].End).ToUpperInvariant(), at);
    }

    private Expr ParseIntervalValue()
    {
        var token = Current;
        if (token.Kind == TokenKind.String)
        {
            return new LiteralExpr(LiteralKind.String, ParseString("the interval value"), token.Start);
        }
        if (token.Kind == TokenKind.Number)
        {
            Advance();
            return new LiteralExpr(LiteralKind.Number, TextOf(token), token.Start);
        }
        throw Error("the interval value as a string, e.g. INTERVAL '5' MINUTE");
    }

    private void ParseIntervalUnit()
    {
        if (!Current.IsName || WordIn(Current, TimeUnits) is null)
        {
            throw Error("a time unit (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND)");
        }
        Advance();
        if (At(TokenKind.LeftParen) && Peek(1).Kind == TokenKind.Number)
        {
            Advance();
            Advance();
            if (Accept(TokenKind.Comma))
            {
                Expect(TokenKind.Number);
            }
            Expect(TokenKind.RightParen);
        }
    }

    private WindowSpec ParseWindowSpec()
    {
        var at = Expect(TokenKind.LeftParen).Start;
        string? baseWindow = null;
        if (Current.IsName && !(Current.Keyword is Keyword.Partition or Keyword.Order or Keyword.Rows or Keyword.Range))
        {
            baseWindow = NameText(Advance());
        }
        var partitionBy = new List<Expr>();
        if (AcceptSequence(Keyword.Partition, Keyword.By))
        {
            partitionBy = ParseExpressionList();
        }
        var orderBy = new List<OrderItem>();
        if (AcceptSequence(Keyword.Order, Keyword.By))
        {
            orderBy = ParseOrderItems();
        }
        WindowFrame? frame = null;
        if (At(Keyword.Rows) || At(Keyword.Range))
        {
            var units = Keywords.Spell(Advance().Keyword);
            if (Accept(Keyword.Between))
            {
                var start = ParseFrameBound();
                Expect(Keyword.And, "AND in BETWEEN … AND …");
                frame = new WindowFrame(units, start, ParseFrameBound());
            }
            else
            {
                frame = new WindowFrame(units, ParseFrameBound(), null);
            }
        }
        Expect(TokenKind.RightParen);
        return new WindowSpec(baseWindow, partitionBy, orderBy, frame, at);
    }

    private FrameBound ParseFrameBound()
    {
        if (Accept(Keyword.Unbounded))
        {
            return Accept(Keyword.Preceding) ? new FrameBound("UNBOUNDED PRECEDING", null)
                : Accept(Keyword.Following) ? new FrameBound("UNBOUNDED FOLLOWING", null)
                : throw Error("PRECEDING or FOLLOWING after UNBOUNDED");
        }
        if (Accept(Keyword.Current))
        {
            Expect(Keyword.Row, "ROW after CURRENT");
            return new FrameBound("CURRENT ROW", null);
        }
        var offset = ParseAdditive();
        return Accept(Keyword.Preceding) ? new FrameBound("PRECEDING", offset)
            : Accept(Keyword.Following) ? new FrameBound("FOLLOWING", offset)
            : throw Error("PRECEDING or FOLLOWING");
    }
}
