namespace Sluice.Sql.Syntax;

public sealed partial class Parser
{
    private Statement ParseStatement()
    {
        var token = Current;
        var at = token.Start;
        if (token.Kind == TokenKind.LeftParen && ParenOpensQuery())
        {
            return new QueryStatement(ParseQuery(), at);
        }
        if (token.Kind != TokenKind.Word)
        {
            throw Error("a statement (SET, CREATE, INSERT, SELECT, …)");
        }
        switch (token.Keyword)
        {
            case Keyword.Select:
            case Keyword.With:
            case Keyword.Values:
                return new QueryStatement(ParseQuery(), at);
            case Keyword.Set:
                return ParseSet();
            case Keyword.Reset:
                return ParseReset();
            case Keyword.Create:
                return ParseCreate();
            case Keyword.Insert:
                return ParseInsert();
            case Keyword.Execute:
                return ParseExecute();
            case Keyword.Begin:
                Advance();
                Expect(Keyword.Statement, "STATEMENT SET after BEGIN");
                Expect(Keyword.Set, "SET after BEGIN STATEMENT");
                Expect(TokenKind.Semicolon);
                return ParseStatementSetBody(at);
            case Keyword.Use:
                return ParseUse();
            case Keyword.Alter:
                return ParseAlter();
            case Keyword.Drop:
                return ParseDrop();
            case Keyword.Explain:
                return ParseExplain();
            case Keyword.Show:
                return ParseInspect("SHOW");
            case Keyword.Describe:
            case Keyword.Desc:
                Advance();
                ParseQualifiedName("a table name");
                return new InspectStatement("DESCRIBE", at);
            case Keyword.Add:
                Advance();
                Expect(Keyword.Jar, "JAR after ADD");
                return new AddJarStatement(ParseString("the jar path as a string"), at);
            case Keyword.Load:
            case Keyword.Unload:
                return ParseModule();
            case Keyword.End:
                throw new SyntaxError(at, "END without an open statement set (BEGIN STATEMENT SET; or EXECUTE STATEMENT SET BEGIN)");
            case Keyword.Remove:
            case Keyword.Call:
            case Keyword.Delete:
            case Keyword.Update:
            case Keyword.Truncate:
            case Keyword.Analyze:
            case Keyword.Compile:
            case Keyword.Merge:
            case Keyword.Grant:
            case Keyword.Revoke:
                throw Refuse(at, $"the {Keywords.Spell(token.Keyword)} statement");
            default:
                throw Error("a statement (SET, CREATE, INSERT, SELECT, …)");
        }
    }

    /// <summary>`SET 'k' = 'v'`, the SQL client's unquoted `SET k = v`, and `SET` alone (lists options).</summary>
    private SetStatement ParseSet()
    {
        var at = Advance().Start;
        if (At(TokenKind.Semicolon) || At(TokenKind.EndOfFile))
        {
            return new SetStatement(null, null, at);
        }
        var key = At(TokenKind.String) ? StringText(Advance()) : ReadRawUntil(TokenKind.Equals, "an option key");
        Expect(TokenKind.Equals);
        var value = At(TokenKind.String) && Peek(1).Kind is TokenKind.Semicolon or TokenKind.EndOfFile
            ? StringText(Advance())
            : ReadRawUntil(TokenKind.Semicolon, "an option value");
        return new SetStatement(key, value, at);
    }

    private ResetStatement ParseReset()
    {
        var at = Advance().Start;
        if (At(TokenKind.Semicolon) || At(TokenKind.EndOfFile))
        {
            return new ResetStatement(null, at);
        }
        var key = At(TokenKind.String) ? StringText(Advance()) : ReadRawUntil(TokenKind.Semicolon, "an option key");
        return new ResetStatement(key, at);
    }

    /// <summary>The raw source text of the tokens up to (not including) <paramref name="stop"/> or ';'.</summary>
    private string ReadRawUntil(TokenKind stop, string expected)
    {
        var first = Current;
        var firstIndex = _index;
        while (!At(stop) && !At(TokenKind.Semicolon) && !At(TokenKind.EndOfFile))
        {
            Advance();
        }
        if (_index == firstIndex)
        {
            throw Error(expected);
        }
        return TextBetween(first.Start, _tokens[_index - 1].End).Trim();
    }

    private Statement ParseCreate()
    {
        var at = Advance().Start;
        var orReplace = AcceptSequence(Keyword.Or, Keyword.Replace);
        var temporary = Accept(Keyword.Temporary);
        var system = temporary && Accept(Keyword.System);
        var external = Accept(Keyword.External);
        if (external && !_beam)
        {
            throw new SyntaxError(at, "CREATE EXTERNAL TABLE is Beam SQL; run with --dialect beam");
        }
        switch (Current.Keyword)
        {
            case Keyword.Table when Current.Kind == TokenKind.Word:
                return ParseCreateTable(at, temporary, orReplace, external);
            case Keyword.View when Current.Kind == TokenKind.Word:
                return ParseCreateView(at, temporary);
            case Keyword.Function when Current.Kind == TokenKind.Word:
                return ParseCreateFunction(at, temporary, system);
            case Keyword.Catalog when Current.Kind == TokenKind.Word:
                return ParseCreateCatalog(at);
            case Keyword.Database when Current.Kind == TokenKind.Word:
                return ParseCreateDatabase(at);
            case Keyword.Model when Current.Kind == TokenKind.Word:
                throw Refuse(Offset, "CREATE MODEL");
            default:
                throw Error("TABLE, VIEW, FUNCTION, CATALOG or DATABASE after CREATE");
        }
    }

    private CreateTableStatement ParseCreateTable(int at, bool temporary, bool orReplace, bool external)
    {
        Advance();
        var ifNotExists = ParseIfNotExists();
        var name = ParseQualifiedName("a table name");
        var columns = new List<ColumnDefinition>();
        var watermarks = new List<WatermarkDefinition>();
        var primaryKey = new List<string>();
        if (At(TokenKind.LeftParen))
        {
            ParseTableElements(columns, watermarks, primaryKey);
        }
        if (_beam || external)
        {
            if (At(Keyword.Type) || external)
            {
                var beam = ParseBeamTableClause(external);
                return new CreateTableStatement(name, temporary, ifNotExists, orReplace, columns, watermarks, primaryKey,
                    [], [], null, null, null, beam, at);
            }
        }
        else if (At(Keyword.Type))
        {
            throw new SyntaxError(Offset, "CREATE TABLE … TYPE is Beam SQL; run with --dialect beam");
        }
        string? comment = null;
        if (Accept(Keyword.Comment))
        {
            comment = ParseString("the table comment as a string");
        }
        if (At(Keyword.Distributed))
        {
            throw Refuse(Offset, "DISTRIBUTED BY");
        }
        var partitionedBy = new List<string>();
        if (Accept(Keyword.Partitioned))
        {
            Expect(Keyword.By, "BY after PARTITIONED");
            partitionedBy = ParseNameList();
        }
        var options = Accept(Keyword.With) ? ParseOptionList() : [];
        LikeClause? like = null;
        if (At(Keyword.Like))
        {
            like = ParseLikeClause();
        }
        Query? asQuery = null;
        if (Accept(Keyword.As))
        {
            asQuery = ParseQuery();
        }
        else if (orReplace)
        {
            throw Error("AS and a query: CREATE OR REPLACE TABLE needs AS SELECT");
        }
        if (columns.Count == 0 && asQuery is null && like is null)
        {
            throw new SyntaxError(name.At, $"table {name} has no columns: expected a column list, LIKE or AS SELECT");
        }
        return new CreateTableStatement(name, temporary, ifNotExists, orReplace, columns, watermarks, primaryKey,
            partitionedBy, options, like, asQuery, comment, null, at);
    }

    private bool ParseIfNotExists()
    {
        if (!At(Keyword.If))
        {
            return false;
        }
        Advance();
        Expect(Keyword.Not, "NOT EXISTS after IF");
        Expect(Keyword.Exists, "EXISTS after IF NOT");
        return true;
    }

    private bool ParseIfExists()
    {
        if (!At(Keyword.If))
        {
            return false;
        }
        Advance();
        Expect(Keyword.Exists, "EXISTS after IF");
        return true;
    }

    private void ParseTableElements(List<ColumnDefinition> columns, List<WatermarkDefinition> watermarks, List<string> primaryKey)
    {
        Expect(TokenKind.LeftParen);
        do
        {
            var at = Offset;
            if (At(Keyword.Watermark) && (Peek(1).Is(Keyword.For) || Peek(2).Is(Keyword.As)))
            {
                Advance();
                Expect(Keyword.For, "FOR after WATERMARK");
                var column = ParseQualifiedName("the rowtime column");
                Expect(Keyword.As, "AS and the watermark expression");
                watermarks.Add(new WatermarkDefinition(column, ParseExpression(), at));
            }
            else if (At(Keyword.Constraint) || (At(Keyword.Primary) && Peek(1).Is(Keyword.Key)))
            {
                if (Accept(Keyword.Constraint))
                {
                    ParseName("a constraint name");
                }
                Expect(Keyword.Primary, "PRIMARY KEY");
                Expect(Keyword.Key, "KEY after PRIMARY");
                primaryKey.AddRange(ParseNameList());
                ExpectNotEnforced();
            }
            else
            {
                columns.Add(ParseColumn(primaryKey));
            }
        }
        while (Accept(TokenKind.Comma));
        Expect(TokenKind.RightParen);
    }

    /// <summary>Flink only runs NOT ENFORCED keys; a key written without it is kept, with a warning.</summary>
    private void ExpectNotEnforced()
    {
        if (!At(Keyword.Not))
        {
            _diagnostics.Add(SqlDiagnostic.Warning(_source.PositionOf(_tokens[_index - 1].End),
                "PRIMARY KEY without NOT ENFORCED: Flink rejects enforced keys; write PRIMARY KEY … NOT ENFORCED"));
            return;
        }
        Advance();
        Expect(Keyword.Enforced, "ENFORCED after NOT");
    }

    private ColumnDefinition ParseColumn(List<string> primaryKey)
    {
        var at = Offset;
        var name = ParseName("a column name, WATERMARK FOR or PRIMARY KEY");
        if (Accept(Keyword.As))
        {
            var computed = ParseExpression();
            return new ColumnDefinition(name, null, computed, false, null, false, false, ParseOptionalComment(), at);
        }
        var type = ParseDataType();
        var metadata = false;
        string? metadataKey = null;
        var isVirtual = false;
        if (Accept(Keyword.Metadata))
        {
            metadata = true;
            if (Accept(Keyword.From))
            {
                metadataKey = ParseString("the metadata key as a string");
            }
            isVirtual = Accept(Keyword.Virtual);
        }
        var isKey = false;
        if (At(Keyword.Constraint) || At(Keyword.Primary))
        {
            if (Accept(Keyword.Constraint))
            {
                ParseName("a constraint name");
            }
            Expect(Keyword.Primary, "PRIMARY KEY");
            Expect(Keyword.Key, "KEY after PRIMARY");
            ExpectNotEnforced();
            primaryKey.Add(name);
            isKey = true;
        }
        return new ColumnDefinition(name, type, null, metadata, metadataKey, isVirtual, isKey, ParseOptionalComment(), at);
    }

    private string? ParseOptionalComment() => Accept(Keyword.Comment) ? ParseString("the comment as a string") : null;

    private LikeClause ParseLikeClause()
    {
        var at = Advance().Start;
        var source = ParseQualifiedName("the table to copy");
        var options = new List<LikeOption>();
        if (Accept(TokenKind.LeftParen))
        {
            do
            {
                var mode = Current.Keyword switch
                {
                    Keyword.Including or Keyword.Excluding or Keyword.Overwriting when Current.Kind == TokenKind.Word => Keywords.Spell(Advance().Keyword),
                    _ => throw Error("INCLUDING, EXCLUDING or OVERWRITING"),
                };
                var feature = Current.Keyword switch
                {
                    Keyword.All or Keyword.Constraints or Keyword.Partitions or Keyword.Watermarks or Keyword.Generated
                        or Keyword.Metadata or Keyword.Options when Current.Kind == TokenKind.Word => Keywords.Spell(Advance().Keyword),
                    _ => throw Error("ALL, CONSTRAINTS, PARTITIONS, WATERMARKS, GENERATED, METADATA or OPTIONS"),
                };
                options.Add(new LikeOption(mode, feature));
            }
            while (Accept(TokenKind.Comma) || (Current.Kind == TokenKind.Word && Current.Keyword is Keyword.Including or Keyword.Excluding or Keyword.Overwriting));
            Expect(TokenKind.RightParen);
        }
        return new LikeClause(source, options, at);
    }

    private BeamTableClause ParseBeamTableClause(bool external)
    {
        var at = Expect(Keyword.Type, "TYPE and the table provider (kafka, pubsub, text, bigquery, …)").Start;
        var type = At(TokenKind.String) ? StringText(Advance()) : ParseName("the table provider (kafka, pubsub, text, bigquery, …)");
        ParseOptionalComment();
        string? location = null;
        string? properties = null;
        if (Accept(Keyword.Location))
        {
            location = ParseString("the LOCATION as a string");
        }
        if (Accept(Keyword.Tblproperties))
        {
            properties = ParseString("TBLPROPERTIES as a JSON string");
        }
        return new BeamTableClause(external, type, location, properties, at);
    }

    private CreateViewStatement ParseCreateView(int at, bool temporary)
    {
        Advance();
        var ifNotExists = ParseIfNotExists();
        var name = ParseQualifiedName("a view name");
        var columns = At(TokenKind.LeftParen) ? ParseNameList() : [];
        ParseOptionalComment();
        Expect(Keyword.As, "AS and the view's query");
        return new CreateViewStatement(name, temporary, ifNotExists, columns, ParseQuery(), at);
    }

    private CreateFunctionStatement ParseCreateFunction(int at, bool temporary, bool system)
    {
        Advance();
        var ifNotExists = ParseIfNotExists();
        var name = ParseQualifiedName("a function name");
        Expect(Keyword.As, "AS and the implementing class as a string");
        var className = ParseString("the implementing class as a string, e.g. 'com.example.MyFunction'");
        string? language = null;
        if (Accept(Keyword.Language))
        {
            language = ParseName("JAVA, SCALA, PYTHON or SQL").ToUpperInvariant();
            if (language is not ("JAVA" or "SCALA" or "PYTHON" or "SQL"))
            {
                throw new SyntaxError(_tokens[_index - 1].Start, $"expected JAVA, SCALA, PYTHON or SQL, found name '{language}'");
            }
        }
        var jars = new List<string>();
        if (Accept(Keyword.Using))
        {
            do
            {
                Expect(Keyword.Jar, "JAR after USING");
                jars.Add(ParseString("the jar path as a string"));
            }
            while (Accept(TokenKind.Comma));
        }
        return new CreateFunctionStatement(name, temporary, system, ifNotExists, className, language, jars, at);
    }

    private CreateCatalogStatement ParseCreateCatalog(int at)
    {
        Advance();
        var ifNotExists = ParseIfNotExists();
        var name = ParseName("a catalog name");
        string? type = null;
        List<TableOption> options = [];
        if (_beam && Accept(Keyword.Type))
        {
            type = ParseName("the catalog type");
            if (Accept(Keyword.Properties))
            {
                options = ParseOptionList();
            }
        }
        else
        {
            ParseOptionalComment();
            Expect(Keyword.With, "WITH and the catalog options");
            options = ParseOptionList();
        }
        return new CreateCatalogStatement(name, ifNotExists, type, options, at);
    }

    private CreateDatabaseStatement ParseCreateDatabase(int at)
    {
        Advance();
        var ifNotExists = ParseIfNotExists();
        var name = ParseQualifiedName("a database name");
        ParseOptionalComment();
        var options = Accept(Keyword.With) ? ParseOptionList() : [];
        return new CreateDatabaseStatement(name, ifNotExists, options, at);
    }

    private UseStatement ParseUse()
    {
        var at = Advance().Start;
        if (Accept(Keyword.Catalog))
        {
            return new UseStatement("CATALOG", [ParseQualifiedName("a catalog name")], at);
        }
        if (Accept(Keyword.Modules))
        {
            var modules = new List<QualifiedName>();
            do
            {
                modules.Add(ParseQualifiedName("a module name"));
            }
            while (Accept(TokenKind.Comma));
            return new UseStatement("MODULES", modules, at);
        }
        Accept(Keyword.Database);
        return new UseStatement("DATABASE", [ParseQualifiedName("a database name")], at);
    }

    private AlterStatement ParseAlter()
    {
        var at = Advance().Start;
        if (Accept(Keyword.Temporary))
        {
            Accept(Keyword.System);
        }
        var kindToken = Current;
        var kind = kindToken.Keyword switch
        {
            Keyword.Table or Keyword.View or Keyword.Function or Keyword.Database or Keyword.Catalog
                when kindToken.Kind == TokenKind.Word => Keywords.Spell(Advance().Keyword),
            _ => throw Error("TABLE, VIEW, FUNCTION, DATABASE or CATALOG after ALTER"),
        };
        var ifExists = ParseIfExists();
        var name = ParseQualifiedName($"the {kind.ToLowerInvariant()} name");
        if (AcceptSequence(Keyword.Rename, Keyword.To))
        {
            return new AlterStatement(kind, name, ifExists, ParseQualifiedName("the new name"), [], [], null, null, at);
        }
        if (At(Keyword.Set) && kind is "TABLE" or "DATABASE" or "CATALOG")
        {
            Advance();
            return new AlterStatement(kind, name, ifExists, null, ParseOptionList(), [], null, null, at);
        }
        if (At(Keyword.Reset) && kind is "TABLE" or "CATALOG")
        {
            Advance();
            Expect(TokenKind.LeftParen);
            var keys = new List<string>();
            do
            {
                keys.Add(ParseOptionKey());
            }
            while (Accept(TokenKind.Comma));
            Expect(TokenKind.RightParen);
            return new AlterStatement(kind, name, ifExists, null, [], keys, null, null, at);
        }
        if (kind == "VIEW" && Accept(Keyword.As))
        {
            return new AlterStatement(kind, name, ifExists, null, [], [], ParseQuery(), null, at);
        }
        if (kind == "FUNCTION" && Accept(Keyword.As))
        {
            var className = ParseString("the implementing class as a string");
            if (Accept(Keyword.Language))
            {
                ParseName("JAVA, SCALA or PYTHON");
            }
            return new AlterStatement(kind, name, ifExists, null, [], [], null, className, at);
        }
        if (Current.Kind == TokenKind.Word && Current.Keyword is Keyword.Add or Keyword.Modify or Keyword.Drop)
        {
            throw Refuse(Offset, $"ALTER TABLE … {Keywords.Spell(Current.Keyword)} (schema changes)");
        }
        throw Error(kind switch
        {
            "TABLE" => "RENAME TO, SET (…) or RESET (…)",
            "VIEW" => "RENAME TO or AS and a query",
            "FUNCTION" => "AS and the implementing class",
            _ => "SET (…)",
        });
    }

    private DropStatement ParseDrop()
    {
        var at = Advance().Start;
        var temporary = Accept(Keyword.Temporary);
        if (temporary)
        {
            Accept(Keyword.System);
        }
        var kindToken = Current;
        var kind = kindToken.Keyword switch
        {
            Keyword.Table or Keyword.View or Keyword.Function or Keyword.Database or Keyword.Catalog
                when kindToken.Kind == TokenKind.Word => Keywords.Spell(Advance().Keyword),
            _ => throw Error("TABLE, VIEW, FUNCTION, DATABASE or CATALOG after DROP"),
        };
        var ifExists = ParseIfExists();
        var name = ParseQualifiedName($"the {kind.ToLowerInvariant()} name");
        if (!Accept(Keyword.Cascade) && IsWord(Current, "RESTRICT"))
        {
            Advance();
        }
        return new DropStatement(kind, name, ifExists, temporary, at);
    }

    private InsertStatement ParseInsert()
    {
        var at = Advance().Start;
        bool overwrite;
        if (Accept(Keyword.Into))
        {
            overwrite = false;
        }
        else if (Accept(Keyword.Overwrite))
        {
            overwrite = true;
        }
        else
        {
            throw Error("INTO or OVERWRITE after INSERT");
        }
        var target = ParseQualifiedName("the target table name");
        var hints = ParseHints();
        var partition = new List<TableOption>();
        if (Accept(Keyword.Partition))
        {
            partition = ParseOptionList();
        }
        var columns = new List<string>();
        if (At(TokenKind.LeftParen) && !ParenOpensQuery())
        {
            columns = ParseNameList();
        }
        if (!AtQueryStart() && !(At(TokenKind.LeftParen) && ParenOpensQuery()))
        {
            throw Error("a query (SELECT, WITH or VALUES) after the target table");
        }
        return new InsertStatement(target, overwrite, hints, partition, columns, ParseQuery(), at);
    }

    private Statement ParseExecute()
    {
        var at = Advance().Start;
        if (At(Keyword.Insert))
        {
            return ParseInsert();
        }
        if (AcceptSequence(Keyword.Statement, Keyword.Set))
        {
            Expect(Keyword.Begin, "BEGIN after EXECUTE STATEMENT SET");
            return ParseStatementSetBody(at);
        }
        if (At(Keyword.Plan))
        {
            throw Refuse(at, "EXECUTE PLAN (compiled plans)");
        }
        throw Error("INSERT or STATEMENT SET after EXECUTE");
    }

    /// <summary>The INSERTs of a statement set up to its END; each is recovered from on its own.</summary>
    private StatementSetStatement ParseStatementSetBody(int at)
    {
        var inserts = new List<InsertStatement>();
        _inStatementSet = true;
        try
        {
            while (true)
            {
                if (Accept(TokenKind.Semicolon))
                {
                    continue;
                }
                if (At(Keyword.End))
                {
                    Advance();
                    if (!At(TokenKind.EndOfFile))
                    {
                        Expect(TokenKind.Semicolon);
                    }
                    return new StatementSetStatement(inserts, at);
                }
                if (At(TokenKind.EndOfFile))
                {
                    var begun = _source.PositionOf(at);
                    _diagnostics.Add(SqlDiagnostic.Error(_source.PositionOf(Offset), $"expected END to close the statement set begun at {begun}, found end of input"));
                    return new StatementSetStatement(inserts, at);
                }
                try
                {
                    var statementAt = Offset;
                    var isInsert = At(Keyword.Insert) || (At(Keyword.Execute) && Peek(1).Is(Keyword.Insert));
                    var statement = ParseStatement();
                    if (!isInsert || statement is not InsertStatement insert)
                    {
                        throw new SyntaxError(statementAt, $"a statement set may only hold INSERT statements, found {statement.Kind}");
                    }
                    inserts.Add(insert);
                    ExpectStatementEnd(insert);
                }
                catch (SyntaxError error)
                {
                    Record(error);
                    Recover();
                }
            }
        }
        finally
        {
            _inStatementSet = false;
        }
    }

    private ExplainStatement ParseExplain()
    {
        var at = Advance().Start;
        if (AcceptSequence(Keyword.Plan, Keyword.For))
        {
            return new ExplainStatement(ParseExplained(), at);
        }
        while (Current.Kind == TokenKind.Word && Current.Keyword is Keyword.EstimatedCost or Keyword.ChangelogMode
                   or Keyword.JsonExecutionPlan or Keyword.PlanAdvice or Keyword.Extended)
        {
            Advance();
            Accept(TokenKind.Comma);
        }
        return new ExplainStatement(ParseExplained(), at);
    }

    private Statement ParseExplained()
    {
        var at = Offset;
        if (AcceptSequence(Keyword.Statement, Keyword.Set))
        {
            Expect(Keyword.Begin, "BEGIN after STATEMENT SET");
            return ParseStatementSetBody(at);
        }
        if (At(Keyword.Insert) || At(Keyword.Execute))
        {
            return ParseStatement();
        }
        if (AtQueryStart() || (At(TokenKind.LeftParen) && ParenOpensQuery()))
        {
            return new QueryStatement(ParseQuery(), at);
        }
        throw Error("a query, INSERT or STATEMENT SET to explain");
    }

    /// <summary>SHOW statements only read the catalog; their words are kept as written.</summary>
    private InspectStatement ParseInspect(string what)
    {
        var at = Advance().Start;
        var first = Current;
        var firstIndex = _index;
        while (!At(TokenKind.Semicolon) && !At(TokenKind.EndOfFile))
        {
            Advance();
        }
        if (_index == firstIndex)
        {
            throw Error("what to show (TABLES, CATALOGS, CREATE TABLE t, …)");
        }
        return new InspectStatement(what + " " + TextBetween(first.Start, _tokens[_index - 1].End), at);
    }

    private ModuleStatement ParseModule()
    {
        var load = Advance().Is(Keyword.Load);
        var at = _tokens[_index - 1].Start;
        Expect(Keyword.Module, "MODULE");
        var name = ParseName("a module name");
        var options = load && Accept(Keyword.With) ? ParseOptionList() : [];
        return new ModuleStatement(load, name, options, at);
    }
}
