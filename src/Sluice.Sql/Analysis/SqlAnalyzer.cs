using Sluice.Spec.V1;
using Sluice.Sql.Syntax;

namespace Sluice.Sql.Analysis;

/// <summary>
/// Walks a parsed script in order, keeping the catalog state the statements build (tables, views, functions,
/// catalogs, current catalog and database, SET options), and finds what the job reads and writes and which
/// operators keep state. Job statements are INSERTs (also inside statement sets), CREATE TABLE … AS SELECT and
/// bare queries; EXPLAIN and catalog statements run nothing.
/// </summary>
public sealed partial class SqlAnalyzer
{
    private readonly SourceText _source;
    private readonly List<SqlDiagnostic> _diagnostics;
    private readonly CatalogState _catalog = new();
    private readonly SqlAnalysis _analysis = new();
    private readonly Dictionary<string, (CreateFunctionStatement Statement, bool Used)> _functions = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (string Value, int At)> _settings = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sourceUris = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sinkUris = new(StringComparer.Ordinal);

    private SqlAnalyzer(SourceText source, List<SqlDiagnostic> diagnostics)
    {
        _source = source;
        _diagnostics = diagnostics;
    }

    /// <summary>The SET options in force at the end of the script, with the offset of the SET that gave each.</summary>
    public IReadOnlyDictionary<string, (string Value, int At)> Settings => _settings;

    public static (SqlAnalysis Analysis, IReadOnlyDictionary<string, (string Value, int At)> Settings) Analyze(
        SqlScript script, List<SqlDiagnostic> diagnostics)
    {
        var analyzer = new SqlAnalyzer(script.Source, diagnostics);
        foreach (var statement in script.Statements)
        {
            analyzer.Statement(statement);
        }
        analyzer.Finish(script.Statements.Count);
        return (analyzer._analysis, analyzer._settings);
    }

    private void Finish(int statementCount)
    {
        _analysis.Statements = statementCount;
        foreach (var table in _catalog.Tables.Values.Where(t => !t.Used).OrderBy(t => t.DeclaredAt.Offset))
        {
            _analysis.UnusedTables.Add(new UnusedTable(table.WrittenName, table.DeclaredAt));
        }
        foreach (var (statement, used) in _functions.Values.OrderBy(f => f.Statement.At))
        {
            _analysis.Functions.Add(new SqlFunctionInfo(
                statement.Name.ToString(),
                statement.ClassName,
                (statement.Language ?? "JAVA").ToLowerInvariant(),
                statement.Jars.Count > 0 ? statement.Jars : _analysis.Jars.ToList(),
                used,
                Position(statement.At)));
        }
    }

    private void Statement(Statement statement)
    {
        switch (statement)
        {
            case SetStatement set:
                if (set.Key is not null)
                {
                    _settings[set.Key] = (set.Value ?? "", set.At);
                }
                break;
            case ResetStatement reset:
                if (reset.Key is null)
                {
                    _settings.Clear();
                }
                else
                {
                    _settings.Remove(reset.Key);
                }
                break;
            case CreateTableStatement create:
                CreateTable(create);
                break;
            case CreateViewStatement view:
                CreateView(view);
                break;
            case CreateFunctionStatement function:
                if (_functions.ContainsKey(function.Name.ToString()) && !function.IfNotExists)
                {
                    Error(function.Name.At, $"function {function.Name} is already declared");
                }
                else if (!_functions.ContainsKey(function.Name.ToString()))
                {
                    _functions[function.Name.ToString()] = (function, false);
                }
                break;
            case CreateCatalogStatement catalog:
                CreateCatalog(catalog);
                break;
            case CreateDatabaseStatement:
                break;
            case UseStatement use:
                Use(use);
                break;
            case AlterStatement alter:
                Alter(alter);
                break;
            case DropStatement drop:
                Drop(drop);
                break;
            case InsertStatement insert:
                Insert(insert);
                break;
            case StatementSetStatement set:
                foreach (var insert in set.Inserts)
                {
                    Insert(insert);
                }
                break;
            case QueryStatement query:
                _analysis.JobStatements++;
                RunJobQuery(query.Query);
                break;
            case AddJarStatement jar:
                _analysis.Jars.Add(jar.Path);
                break;
            case ExplainStatement:
            case InspectStatement:
            case ModuleStatement:
                break;
            default:
                throw new InvalidOperationException($"the analysis has no case for {statement.GetType().Name}");
        }
    }

    private void CreateTable(CreateTableStatement create)
    {
        var key = _catalog.Qualify(create.Name);
        if (_catalog.Tables.TryGetValue(key, out var existing) || _catalog.Views.ContainsKey(key))
        {
            if (!create.IfNotExists && !create.OrReplace)
            {
                var where = existing is not null ? $" at {existing.DeclaredAt}" : "";
                Error(create.Name.At, $"table {create.Name} is already declared{where}");
            }
            if (!create.OrReplace)
            {
                return;
            }
        }
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var rowtime = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var proctime = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (create.Like is { } like)
        {
            InheritFromLike(like, options, rowtime, proctime);
        }
        foreach (var option in create.Options)
        {
            options[option.Key] = option.Value;
        }
        foreach (var watermark in create.Watermarks)
        {
            rowtime.Add(watermark.Column.Last);
        }
        foreach (var column in create.Columns)
        {
            if (column.Computed is CallExpr call && call.Is("PROCTIME") && call.Arguments.Count == 0)
            {
                proctime.Add(column.Name);
            }
        }
        var table = new TableInfo
        {
            Name = key,
            WrittenName = create.Name.ToString(),
            DeclaredAt = Position(create.Name.At),
            Options = options,
            Beam = create.Beam,
            Catalog = _catalog.Catalogs.GetValueOrDefault(key.Catalog),
            RowtimeColumns = rowtime,
            ProctimeColumns = proctime,
        };
        _catalog.Tables[key] = table;
        if (create.AsQuery is not null)
        {
            _analysis.JobStatements++;
            RunJobQuery(create.AsQuery);
            AddSink(table, [], create.Name.At);
        }
    }

    private void InheritFromLike(LikeClause like, Dictionary<string, string> options, HashSet<string> rowtime, HashSet<string> proctime)
    {
        var key = _catalog.Qualify(like.Source);
        if (!_catalog.Tables.TryGetValue(key, out var source))
        {
            Error(like.Source.At, $"LIKE names table {like.Source}, which is not declared before this statement");
            return;
        }
        // Flink's default is INCLUDING ALL OVERWRITING OPTIONS; EXCLUDING ALL/OPTIONS drops the source's options.
        var excludeOptions = like.Options.Any(o => o.Mode == "EXCLUDING" && o.Feature is "ALL" or "OPTIONS")
            && !like.Options.Any(o => o.Mode is "INCLUDING" or "OVERWRITING" && o.Feature == "OPTIONS");
        if (!excludeOptions)
        {
            foreach (var (k, v) in source.Options)
            {
                options[k] = v;
            }
        }
        var excludeWatermarks = like.Options.Any(o => o.Mode == "EXCLUDING" && o.Feature is "ALL" or "WATERMARKS")
            && !like.Options.Any(o => o.Mode is "INCLUDING" or "OVERWRITING" && o.Feature == "WATERMARKS");
        if (!excludeWatermarks)
        {
            rowtime.UnionWith(source.RowtimeColumns);
        }
        proctime.UnionWith(source.ProctimeColumns);
    }

    private void CreateView(CreateViewStatement create)
    {
        var key = _catalog.Qualify(create.Name);
        if (_catalog.Views.ContainsKey(key) || _catalog.Tables.ContainsKey(key))
        {
            if (!create.IfNotExists)
            {
                Error(create.Name.At, $"view {create.Name} is already declared");
            }
            return;
        }
        // Check the view's names now, as Flink does when it is created; its reads count only when a job uses it.
        var check = new WalkContext(recording: false, _catalog.CurrentCatalog, _catalog.CurrentDatabase);
        WalkQuery(create.Query, check, Scope.Empty);
        _catalog.Views[key] = new ViewInfo(key, create.Query, _catalog.CurrentCatalog, _catalog.CurrentDatabase, Position(create.Name.At));
    }

    private void CreateCatalog(CreateCatalogStatement create)
    {
        if (_catalog.Catalogs.ContainsKey(create.Name))
        {
            if (!create.IfNotExists)
            {
                Error(create.At, $"catalog {create.Name} is already declared");
            }
            return;
        }
        var options = create.Options.ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal);
        var type = create.Type ?? options.GetValueOrDefault("type");
        if (type is null)
        {
            Error(create.At, $"catalog {create.Name} has no 'type' option (hive, jdbc, iceberg, paimon, …)");
            type = "unknown";
        }
        _catalog.Catalogs[create.Name] = new CatalogInfo(create.Name, type, options, Position(create.At));
    }

    private void Use(UseStatement use)
    {
        if (use.Target == "MODULES")
        {
            return;
        }
        var name = use.Names[0];
        if (use.Target == "CATALOG")
        {
            if (CheckCatalog(name.ToString(), name.At))
            {
                _catalog.CurrentCatalog = name.ToString();
                _catalog.CurrentDatabase = CatalogState.DefaultDatabase;
            }
            return;
        }
        if (name.Parts.Count >= 2)
        {
            if (!CheckCatalog(name.Parts[^2], name.At))
            {
                return;
            }
            _catalog.CurrentCatalog = name.Parts[^2];
        }
        _catalog.CurrentDatabase = name.Last;
    }

    private bool CheckCatalog(string catalog, int at)
    {
        if (catalog == CatalogState.DefaultCatalog || _catalog.Catalogs.ContainsKey(catalog))
        {
            return true;
        }
        Error(at, $"catalog {catalog} is not declared in this script (CREATE CATALOG); Sluice cannot tell which datasets its tables are");
        return false;
    }

    private void Alter(AlterStatement alter)
    {
        var key = _catalog.Qualify(alter.Name);
        switch (alter.ObjectKind)
        {
            case "TABLE":
                if (!_catalog.Tables.TryGetValue(key, out var table))
                {
                    if (!alter.IfExists)
                    {
                        Error(alter.Name.At, $"ALTER TABLE names table {alter.Name}, which is not declared");
                    }
                    return;
                }
                foreach (var option in alter.SetOptions)
                {
                    table.Options[option.Key] = option.Value;
                }
                foreach (var resetKey in alter.ResetKeys)
                {
                    table.Options.Remove(resetKey);
                }
                if (alter.RenameTo is not null)
                {
                    _catalog.Tables.Remove(key);
                    var renamed = new TableInfo
                    {
                        Name = _catalog.Qualify(alter.RenameTo),
                        WrittenName = alter.RenameTo.ToString(),
                        DeclaredAt = table.DeclaredAt,
                        Options = table.Options,
                        Beam = table.Beam,
                        Catalog = table.Catalog,
                        RowtimeColumns = table.RowtimeColumns,
                        ProctimeColumns = table.ProctimeColumns,
                        Used = table.Used,
                    };
                    _catalog.Tables[renamed.Name] = renamed;
                }
                return;
            case "VIEW":
                if (!_catalog.Views.TryGetValue(key, out var view))
                {
                    Error(alter.Name.At, $"ALTER VIEW names view {alter.Name}, which is not declared");
                    return;
                }
                if (alter.ViewQuery is not null)
                {
                    WalkQuery(alter.ViewQuery, new WalkContext(recording: false, _catalog.CurrentCatalog, _catalog.CurrentDatabase), Scope.Empty);
                    _catalog.Views[key] = view with { Query = alter.ViewQuery };
                }
                if (alter.RenameTo is not null)
                {
                    _catalog.Views.Remove(key);
                    var newKey = _catalog.Qualify(alter.RenameTo);
                    _catalog.Views[newKey] = view with { Name = newKey };
                }
                return;
            case "FUNCTION":
                if (_functions.TryGetValue(alter.Name.ToString(), out var function) && alter.FunctionClass is not null)
                {
                    _functions[alter.Name.ToString()] = (function.Statement with { ClassName = alter.FunctionClass }, function.Used);
                }
                else if (!alter.IfExists)
                {
                    Error(alter.Name.At, $"ALTER FUNCTION names function {alter.Name}, which is not declared");
                }
                return;
            case "CATALOG":
                if (_catalog.Catalogs.TryGetValue(alter.Name.ToString(), out var catalog))
                {
                    var options = new Dictionary<string, string>(catalog.Options.ToDictionary(), StringComparer.Ordinal);
                    foreach (var option in alter.SetOptions)
                    {
                        options[option.Key] = option.Value;
                    }
                    foreach (var resetKey in alter.ResetKeys)
                    {
                        options.Remove(resetKey);
                    }
                    _catalog.Catalogs[catalog.Name] = catalog with { Options = options };
                }
                return;
        }
    }

    private void Drop(DropStatement drop)
    {
        var key = _catalog.Qualify(drop.Name);
        var removed = drop.ObjectKind switch
        {
            "TABLE" => _catalog.Tables.Remove(key, out var table) && RememberIfUnused(table),
            "VIEW" => _catalog.Views.Remove(key),
            "FUNCTION" => _functions.Remove(drop.Name.ToString()),
            "CATALOG" => _catalog.Catalogs.Remove(drop.Name.ToString()),
            _ => true,
        };
        if (!removed && !drop.IfExists)
        {
            Error(drop.Name.At, $"DROP {drop.ObjectKind} names {drop.Name}, which is not declared");
        }
    }

    /// <summary>A dropped table is still reported as unused if nothing used it before the DROP.</summary>
    private bool RememberIfUnused(TableInfo table)
    {
        if (!table.Used)
        {
            _analysis.UnusedTables.Add(new UnusedTable(table.WrittenName, table.DeclaredAt));
        }
        return true;
    }

    private void Insert(InsertStatement insert)
    {
        _analysis.JobStatements++;
        RunJobQuery(insert.Query);
        var key = _catalog.Qualify(insert.Target);
        if (_catalog.Views.ContainsKey(key))
        {
            Error(insert.Target.At, $"cannot INSERT INTO {insert.Target}: it is a view, not a table");
            return;
        }
        var table = FindTable(key, insert.Target);
        if (table is null)
        {
            return;
        }
        var hintOptions = insert.Hints.Where(h => h.Name.Equals("OPTIONS", StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Options).ToList();
        AddSink(table, hintOptions, insert.Target.At);
    }

    private void RunJobQuery(Query query)
    {
        var context = new WalkContext(recording: true, _catalog.CurrentCatalog, _catalog.CurrentDatabase);
        WalkQuery(query, context, Scope.Empty);
        // A view or CTE used twice is walked twice; each operator is still one operator.
        foreach (var op in context.Operators.DistinctBy(o => (o.Kind, o.Position.Offset)))
        {
            _analysis.StatefulOperators.Add(op);
        }
    }

    private void AddSink(TableInfo table, IReadOnlyList<TableOption> hintOptions, int at)
    {
        table.Used = true;
        foreach (var dataset in Datasets(table, hintOptions, at))
        {
            if (_sinkUris.Add(dataset.Uri))
            {
                _analysis.Sinks.Add(dataset);
            }
        }
    }

    private void AddSource(TableInfo table, IReadOnlyList<TableOption> hintOptions, int at)
    {
        foreach (var dataset in Datasets(table, hintOptions, at))
        {
            if (_sourceUris.Add(dataset.Uri))
            {
                _analysis.Sources.Add(dataset);
            }
        }
    }

    private IEnumerable<SqlDataset> Datasets(TableInfo table, IReadOnlyList<TableOption> hintOptions, int at)
    {
        var options = table.Options;
        if (hintOptions.Count > 0)
        {
            options = new Dictionary<string, string>(table.Options, StringComparer.Ordinal);
            foreach (var option in hintOptions)
            {
                options[option.Key] = option.Value;
            }
        }
        IdentityResult identity;
        if (table.Beam is { } beam)
        {
            identity = DatasetIdentities.ForBeamTable(table.WrittenName, beam.Type, beam.Location, beam.Properties, table.Catalog, table.Name.Database);
        }
        else if (!options.ContainsKey("connector") && table.Catalog is { } catalog)
        {
            identity = DatasetIdentities.ForCatalogTable(catalog, table.Name.Database, table.Name.Name);
        }
        else
        {
            identity = DatasetIdentities.ForFlinkTable(table.WrittenName, options);
        }
        if (identity.Error is not null)
        {
            Error(at, identity.Error);
        }
        if (identity.Warning is not null)
        {
            Warning(at, identity.Warning);
        }
        foreach (var id in identity.Datasets)
        {
            var dataset = new Dataset
            {
                Alias = table.WrittenName,
                System = id.System,
                Cluster = id.Cluster,
                Name = id.Name,
                Format = id.Format,
                Ephemeral = !id.Durable,
            };
            foreach (var (key, value) in options)
            {
                dataset.Options[key] = IsSecret(key) ? "******" : value;
            }
            yield return new SqlDataset(table.WrittenName, dataset, id.Durable, table.DeclaredAt);
        }
    }

    private static bool IsSecret(string key) =>
        key.Contains("password", StringComparison.OrdinalIgnoreCase) || key.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || key.Contains("jaas", StringComparison.OrdinalIgnoreCase) || key.EndsWith("access.key", StringComparison.OrdinalIgnoreCase)
        || key.Contains("token", StringComparison.OrdinalIgnoreCase) || key.Contains("credential", StringComparison.OrdinalIgnoreCase);

    private TableInfo? FindTable(ObjectName key, QualifiedName written)
    {
        if (_catalog.Tables.TryGetValue(key, out var table))
        {
            return table;
        }
        if (_catalog.CatalogTables.TryGetValue(key, out table))
        {
            return table;
        }
        if (key.Catalog != CatalogState.DefaultCatalog && _catalog.Catalogs.TryGetValue(key.Catalog, out var catalog))
        {
            table = new TableInfo { Name = key, WrittenName = written.ToString(), DeclaredAt = Position(written.At), Catalog = catalog, Used = true };
            _catalog.CatalogTables[key] = table;
            return table;
        }
        var similar = _catalog.Tables.Keys.Concat(_catalog.Views.Keys)
            .FirstOrDefault(k => string.Equals(k.ToString(), key.ToString(), StringComparison.OrdinalIgnoreCase));
        var hint = similar != default ? $" (names are case-sensitive: did you mean {similar.Name}?)" : "";
        if (key.Catalog != CatalogState.DefaultCatalog && !_catalog.Catalogs.ContainsKey(key.Catalog))
        {
            Error(written.At, $"table {written} is in catalog {key.Catalog}, which is not declared in this script (CREATE CATALOG)");
        }
        else
        {
            Error(written.At, $"table or view {written} is not declared in this script{hint}");
        }
        return null;
    }

    private SqlPosition Position(int offset) => _source.PositionOf(offset);

    private void Error(int offset, string message) => _diagnostics.Add(SqlDiagnostic.Error(Position(offset), message));

    private void Warning(int offset, string message) => _diagnostics.Add(SqlDiagnostic.Warning(Position(offset), message));
}
