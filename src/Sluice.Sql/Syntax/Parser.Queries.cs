namespace Sluice.Sql.Syntax;

public sealed partial class Parser
{
    private Query ParseQuery()
    {
        EnterNesting();
        var at = Offset;
        var ctes = new List<CommonTableExpression>();
        if (Accept(Keyword.With))
        {
            if (At(Keyword.Recursive))
            {
                throw Refuse(Offset, "WITH RECURSIVE");
            }
            do
            {
                var cteAt = Offset;
                var name = ParseName("a name for the WITH query");
                var columns = At(TokenKind.LeftParen) ? ParseNameList() : [];
                Expect(Keyword.As, "AS and the query in parentheses");
                Expect(TokenKind.LeftParen);
                var query = ParseQuery();
                Expect(TokenKind.RightParen);
                ctes.Add(new CommonTableExpression(name, columns, query, cteAt));
            }
            while (Accept(TokenKind.Comma));
        }
        var body = ParseSetExpression();
        var orderBy = new List<OrderItem>();
        if (AcceptSequence(Keyword.Order, Keyword.By))
        {
            orderBy = ParseOrderItems();
        }
        Expr? limit = null;
        Expr? offset = null;
        if (Accept(Keyword.Limit))
        {
            if (!Accept(Keyword.All))
            {
                limit = ParseAdditive();
            }
        }
        if (Accept(Keyword.Offset))
        {
            offset = ParseAdditive();
            if (!Accept(Keyword.Rows))
            {
                Accept(Keyword.Row);
            }
        }
        if (Accept(Keyword.Fetch))
        {
            if (!Accept(Keyword.First))
            {
                Expect(Keyword.Next, "FIRST or NEXT after FETCH");
            }
            limit = At(Keyword.Row) || At(Keyword.Rows) ? new LiteralExpr(LiteralKind.Number, "1", Offset) : ParseAdditive();
            if (!Accept(Keyword.Rows))
            {
                Expect(Keyword.Row, "ROW or ROWS");
            }
            Expect(Keyword.Only, "ONLY");
        }
        ExitNesting();
        return new Query(ctes, body, orderBy, limit, offset, at);
    }

    private List<OrderItem> ParseOrderItems()
    {
        var items = new List<OrderItem>();
        do
        {
            var at = Offset;
            var expr = ParseExpression();
            var descending = false;
            if (Accept(Keyword.Desc))
            {
                descending = true;
            }
            else
            {
                Accept(Keyword.Asc);
            }
            if (Accept(Keyword.Nulls) && !Accept(Keyword.First))
            {
                Expect(Keyword.Last, "FIRST or LAST after NULLS");
            }
            items.Add(new OrderItem(expr, descending, at));
        }
        while (Accept(TokenKind.Comma));
        return items;
    }

    private QueryBody ParseSetExpression()
    {
        var left = ParseIntersectTerm();
        while (Current.Kind == TokenKind.Word && Current.Keyword is Keyword.Union or Keyword.Except or Keyword.Minus)
        {
            var token = Advance();
            var all = ParseSetQuantifier();
            var right = ParseIntersectTerm();
            left = new SetOperationBody(token.Keyword == Keyword.Union ? "UNION" : "EXCEPT", all, left, right, token.Start);
        }
        return left;
    }

    private QueryBody ParseIntersectTerm()
    {
        var left = ParseQueryPrimary();
        while (At(Keyword.Intersect))
        {
            var at = Advance().Start;
            var all = ParseSetQuantifier();
            left = new SetOperationBody("INTERSECT", all, left, ParseQueryPrimary(), at);
        }
        return left;
    }

    private bool ParseSetQuantifier()
    {
        if (Accept(Keyword.All))
        {
            return true;
        }
        Accept(Keyword.Distinct);
        return false;
    }

    private QueryBody ParseQueryPrimary()
    {
        var at = Offset;
        if (At(Keyword.Select))
        {
            return ParseSelect();
        }
        if (At(Keyword.Values))
        {
            return ParseValues();
        }
        if (At(TokenKind.LeftParen))
        {
            Advance();
            var query = ParseQuery();
            Expect(TokenKind.RightParen);
            return new NestedQueryBody(query, at);
        }
        throw Error("SELECT, VALUES or '(' to start a query");
    }

    private ValuesBody ParseValues()
    {
        var at = Advance().Start;
        var rows = new List<IReadOnlyList<Expr>>();
        do
        {
            if (Accept(Keyword.Row) && !At(TokenKind.LeftParen))
            {
                throw Error("'(' after ROW");
            }
            if (Accept(TokenKind.LeftParen))
            {
                var row = ParseExpressionList();
                Expect(TokenKind.RightParen);
                rows.Add(row);
            }
            else
            {
                rows.Add([ParseExpression()]);
            }
        }
        while (Accept(TokenKind.Comma));
        return new ValuesBody(rows, at);
    }

    private SelectBody ParseSelect()
    {
        var at = Advance().Start;
        var hints = ParseHints();
        var distinct = false;
        if (Accept(Keyword.Distinct))
        {
            distinct = true;
        }
        else
        {
            Accept(Keyword.All);
        }
        var items = new List<SelectItem>();
        do
        {
            var itemAt = Offset;
            var expr = ParseExpression();
            items.Add(new SelectItem(expr, ParseOptionalAlias(), itemAt));
        }
        while (Accept(TokenKind.Comma));
        TableRef? from = null;
        if (Accept(Keyword.From))
        {
            from = ParseFrom();
        }
        var where = Accept(Keyword.Where) ? ParseExpression() : null;
        var groupBy = new List<Expr>();
        if (AcceptSequence(Keyword.Group, Keyword.By))
        {
            if (!Accept(Keyword.All))
            {
                Accept(Keyword.Distinct);
            }
            do
            {
                groupBy.Add(ParseGroupingElement());
            }
            while (Accept(TokenKind.Comma));
        }
        var having = Accept(Keyword.Having) ? ParseExpression() : null;
        var windows = new List<NamedWindow>();
        if (Accept(Keyword.Window))
        {
            do
            {
                var windowAt = Offset;
                var name = ParseName("a window name");
                Expect(Keyword.As, "AS and the window specification");
                windows.Add(new NamedWindow(name, ParseWindowSpec(), windowAt));
            }
            while (Accept(TokenKind.Comma));
        }
        if (At(Keyword.Qualify))
        {
            throw Refuse(Offset, "QUALIFY");
        }
        return new SelectBody(hints, distinct, items, from, where, groupBy, having, windows, at);
    }

    private string? ParseOptionalAlias()
    {
        if (Accept(Keyword.As))
        {
            return At(TokenKind.String) ? StringText(Advance()) : ParseName("an alias after AS");
        }
        return Current.IsName ? NameText(Advance()) : null;
    }

    private TableAlias? ParseTableAlias()
    {
        var explicitAs = Accept(Keyword.As);
        if (!Current.IsName)
        {
            return explicitAs ? throw Error("an alias after AS") : null;
        }
        var name = NameText(Advance());
        var columns = At(TokenKind.LeftParen) ? ParseNameList() : [];
        return new TableAlias(name, columns);
    }

    private Expr ParseGroupingElement()
    {
        var at = Offset;
        if (At(Keyword.Grouping) && Peek(1).Is(Keyword.Sets))
        {
            _index += 2;
            return new GroupingSetExpr("GROUPING SETS", ParseGroupingList(), at);
        }
        if ((At(Keyword.Rollup) || At(Keyword.Cube)) && Peek(1).Kind == TokenKind.LeftParen)
        {
            var kind = Keywords.Spell(Advance().Keyword);
            return new GroupingSetExpr(kind, ParseGroupingList(), at);
        }
        if (At(TokenKind.LeftParen) && Peek(1).Kind == TokenKind.RightParen)
        {
            _index += 2;
            return new GroupingSetExpr("()", [], at);
        }
        return ParseExpression();
    }

    private List<Expr> ParseGroupingList()
    {
        Expect(TokenKind.LeftParen);
        var items = new List<Expr>();
        do
        {
            items.Add(ParseGroupingElement());
        }
        while (Accept(TokenKind.Comma));
        Expect(TokenKind.RightParen);
        return items;
    }

    private TableRef ParseFrom()
    {
        var left = ParseJoinChain();
        while (At(TokenKind.Comma))
        {
            var at = Advance().Start;
            var right = ParseJoinChain();
            left = new JoinRef(left, right, JoinKind.Comma, false, null, [], at);
        }
        return left;
    }

    private TableRef ParseJoinChain()
    {
        var left = ParseTablePrimary();
        while (true)
        {
            var at = Offset;
            var natural = Accept(Keyword.Natural);
            JoinKind kind;
            if (Accept(Keyword.Join))
            {
                kind = JoinKind.Inner;
            }
            else if (At(Keyword.Inner) && Peek(1).Is(Keyword.Join))
            {
                _index += 2;
                kind = JoinKind.Inner;
            }
            else if (Current.Kind == TokenKind.Word && Current.Keyword is Keyword.Left or Keyword.Right or Keyword.Full
                     && (Peek(1).Is(Keyword.Join) || Peek(1).Is(Keyword.Outer)))
            {
                kind = Advance().Keyword switch
                {
                    Keyword.Left => JoinKind.Left,
                    Keyword.Right => JoinKind.Right,
                    _ => JoinKind.Full,
                };
                Accept(Keyword.Outer);
                Expect(Keyword.Join);
            }
            else if (At(Keyword.Cross) && Peek(1).Is(Keyword.Join))
            {
                _index += 2;
                kind = JoinKind.Cross;
            }
            else if ((At(Keyword.Cross) || At(Keyword.Outer)) && Peek(1).Is(Keyword.Apply))
            {
                throw Refuse(at, "CROSS/OUTER APPLY (use LATERAL TABLE)");
            }
            else
            {
                if (natural)
                {
                    throw Error("JOIN after NATURAL");
                }
                return left;
            }
            var right = ParseTablePrimary();
            Expr? on = null;
            List<string> usingColumns = [];
            if (Accept(Keyword.On))
            {
                on = ParseExpression();
            }
            else if (Accept(Keyword.Using))
            {
                usingColumns = ParseNameList();
            }
            else if (kind != JoinKind.Cross && !natural)
            {
                throw Error("ON or USING after the joined table");
            }
            left = new JoinRef(left, right, kind, natural, on, usingColumns, at);
        }
    }

    private TableRef ParseTablePrimary()
    {
        EnterNesting();
        var at = Offset;
        TableRef table;
        if (At(Keyword.Lateral))
        {
            Advance();
            if (At(Keyword.Table))
            {
                table = ParseTableFunction(at, lateral: true);
            }
            else if (At(TokenKind.LeftParen))
            {
                Advance();
                var query = ParseQuery();
                Expect(TokenKind.RightParen);
                table = new DerivedTableRef(query, true, ParseTableAlias(), at);
            }
            else
            {
                throw Error("TABLE(…) or '(' and a query after LATERAL");
            }
        }
        else if (At(Keyword.Table) && Peek(1).Kind == TokenKind.LeftParen)
        {
            table = ParseTableFunction(at, lateral: false);
        }
        else if (At(Keyword.Unnest))
        {
            Advance();
            Expect(TokenKind.LeftParen);
            var items = ParseExpressionList();
            Expect(TokenKind.RightParen);
            var ordinality = false;
            if (At(Keyword.With) && Peek(1).Is(Keyword.Ordinality))
            {
                _index += 2;
                ordinality = true;
            }
            table = new UnnestRef(items, ordinality, ParseTableAlias(), at);
        }
        else if (At(TokenKind.LeftParen))
        {
            if (ParenOpensQuery())
            {
                Advance();
                var query = ParseQuery();
                Expect(TokenKind.RightParen);
                table = new DerivedTableRef(query, false, ParseTableAlias(), at);
            }
            else
            {
                Advance();
                table = ParseFrom();
                Expect(TokenKind.RightParen);
                ParseTableAlias();
            }
        }
        else if (Current.IsName)
        {
            var name = ParseQualifiedName("a table name");
            var hints = ParseHints();
            Expr? asOf = null;
            if (At(Keyword.For) && Peek(1).Is(Keyword.SystemTime))
            {
                _index += 2;
                Expect(Keyword.As, "AS OF after FOR SYSTEM_TIME");
                Expect(Keyword.Of, "OF after FOR SYSTEM_TIME AS");
                asOf = ParseAdditive();
            }
            table = new NamedTableRef(name, hints, asOf, ParseTableAlias());
        }
        else
        {
            throw Error("a table name, '(' and a query, TABLE(…), LATERAL or UNNEST");
        }
        while (At(Keyword.MatchRecognize))
        {
            var clause = ParseMatchRecognize();
            table = new MatchRecognizeRef(table, clause, ParseTableAlias(), clause.At);
        }
        ExitNesting();
        return table;
    }

    private TableFunctionRef ParseTableFunction(int at, bool lateral)
    {
        Expect(Keyword.Table);
        Expect(TokenKind.LeftParen);
        var callAt = Offset;
        var expr = ParseExpression();
        if (expr is not CallExpr call)
        {
            throw new SyntaxError(callAt, "expected a function call inside TABLE(…), e.g. TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE)");
        }
        Expect(TokenKind.RightParen);
        return new TableFunctionRef(call, lateral, ParseTableAlias(), at);
    }

    private MatchRecognizeClause ParseMatchRecognize()
    {
        var at = Advance().Start;
        Expect(TokenKind.LeftParen);
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
        var measures = new List<SelectItem>();
        if (Accept(Keyword.Measures))
        {
            do
            {
                var measureAt = Offset;
                var expr = ParseExpression();
                Expect(Keyword.As, "AS and the measure's name");
                measures.Add(new SelectItem(expr, ParseName("the measure's name"), measureAt));
            }
            while (Accept(TokenKind.Comma));
        }
        string? rowsPerMatch = null;
        if (At(Keyword.One) || (At(Keyword.All) && Peek(1).Is(Keyword.Rows)))
        {
            var start = Offset;
            if (Accept(Keyword.One))
            {
                Expect(Keyword.Row, "ROW PER MATCH");
            }
            else
            {
                _index += 2;
            }
            Expect(Keyword.Per, "PER MATCH");
            Expect(Keyword.Match, "MATCH");
            rowsPerMatch = TextBetween(start, _tokens[_index - 1].End);
        }
        string? afterMatch = null;
        if (At(Keyword.After))
        {
            var start = Advance().Start;
            Expect(Keyword.Match, "MATCH after AFTER");
            Expect(Keyword.Skip, "SKIP after AFTER MATCH");
            if (Accept(Keyword.Past))
            {
                Expect(Keyword.Last, "LAST ROW after PAST");
                Expect(Keyword.Row, "ROW after PAST LAST");
            }
            else
            {
                Expect(Keyword.To, "TO or PAST after AFTER MATCH SKIP");
                if (Accept(Keyword.Next))
                {
                    Expect(Keyword.Row, "ROW after TO NEXT");
                }
                else
                {
                    if (!Accept(Keyword.First))
                    {
                        Accept(Keyword.Last);
                    }
                    ParseName("a pattern variable");
                }
            }
            afterMatch = TextBetween(start, _tokens[_index - 1].End);
        }
        Expect(Keyword.Pattern, "PATTERN");
        var pattern = ParsePattern();
        Expr? within = null;
        if (Accept(Keyword.Within))
        {
            within = ParseAdditive();
        }
        if (Accept(Keyword.Subset))
        {
            do
            {
                ParseName("a subset name");
                Expect(TokenKind.Equals);
                ParseNameList();
            }
            while (Accept(TokenKind.Comma));
        }
        Expect(Keyword.Define, "DEFINE and the pattern variables' conditions");
        var definitions = new List<PatternDefinition>();
        do
        {
            var name = ParseName("a pattern variable");
            Expect(Keyword.As, "AS and the variable's condition");
            definitions.Add(new PatternDefinition(name, ParseExpression()));
        }
        while (Accept(TokenKind.Comma));
        Expect(TokenKind.RightParen);
        return new MatchRecognizeClause(partitionBy, orderBy, measures, rowsPerMatch, afterMatch, pattern, within, definitions, at);
    }

    /// <summary>The row pattern: variables, quantifiers (* + ? {n,m} and reluctant ?), alternation and groups.</summary>
    private string ParsePattern()
    {
        var open = Expect(TokenKind.LeftParen);
        var depth = 1;
        var variables = 0;
        while (depth > 0)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.LeftParen:
                    depth++;
                    break;
                case TokenKind.RightParen:
                    depth--;
                    break;
                case TokenKind.Word when token.Keyword == Keyword.None || !Keywords.IsReserved(token.Keyword):
                case TokenKind.QuotedIdentifier:
                    variables++;
                    break;
                case TokenKind.Star or TokenKind.Plus or TokenKind.Question or TokenKind.Pipe or TokenKind.LeftBrace
                    or TokenKind.RightBrace or TokenKind.Comma or TokenKind.Number or TokenKind.Minus or TokenKind.Caret:
                    break;
                default:
                    throw Error("a pattern variable, a quantifier (* + ? {n,m}), '|' or ')' in PATTERN");
            }
            Advance();
        }
        if (variables == 0)
        {
            throw new SyntaxError(open.Start, "PATTERN names no pattern variable");
        }
        return TextBetween(open.End, _tokens[_index - 1].Start).Trim();
    }
}
