namespace Sluice.Sql.Syntax;

public abstract record Statement(int At)
{
    /// <summary>The statement's name in messages, e.g. `CREATE TABLE`.</summary>
    public abstract string Kind { get; }
}

public sealed record SqlScript(IReadOnlyList<Statement> Statements, SourceText Source);

public sealed record SetStatement(string? Key, string? Value, int At) : Statement(At)
{
    public override string Kind => "SET";
}

public sealed record ResetStatement(string? Key, int At) : Statement(At)
{
    public override string Kind => "RESET";
}

public sealed record ColumnDefinition(
    string Name,
    DataType? Type,
    Expr? Computed,
    bool Metadata,
    string? MetadataKey,
    bool Virtual,
    bool PrimaryKey,
    string? Comment,
    int At);

public sealed record WatermarkDefinition(QualifiedName Column, Expr Strategy, int At);

public sealed record LikeOption(string Mode, string Feature);

public sealed record LikeClause(QualifiedName Source, IReadOnlyList<LikeOption> Options, int At);

/// <summary>Beam's `CREATE [EXTERNAL] TABLE … TYPE t [LOCATION '…'] [TBLPROPERTIES '{json}']`.</summary>
public sealed record BeamTableClause(bool External, string Type, string? Location, string? Properties, int At);

public sealed record CreateTableStatement(
    QualifiedName Name,
    bool Temporary,
    bool IfNotExists,
    bool OrReplace,
    IReadOnlyList<ColumnDefinition> Columns,
    IReadOnlyList<WatermarkDefinition> Watermarks,
    IReadOnlyList<string> PrimaryKey,
    IReadOnlyList<string> PartitionedBy,
    IReadOnlyList<TableOption> Options,
    LikeClause? Like,
    Query? AsQuery,
    string? Comment,
    BeamTableClause? Beam,
    int At) : Statement(At)
{
    public override string Kind => AsQuery is null ? "CREATE TABLE" : "CREATE TABLE AS";
}

public sealed record CreateViewStatement(
    QualifiedName Name,
    bool Temporary,
    bool IfNotExists,
    IReadOnlyList<string> Columns,
    Query Query,
    int At) : Statement(At)
{
    public override string Kind => "CREATE VIEW";
}

public sealed record CreateFunctionStatement(
    QualifiedName Name,
    bool Temporary,
    bool System,
    bool IfNotExists,
    string ClassName,
    string? Language,
    IReadOnlyList<string> Jars,
    int At) : Statement(At)
{
    public override string Kind => "CREATE FUNCTION";
}

/// <summary>Flink `CREATE CATALOG c WITH (…)` or Beam `CREATE CATALOG c TYPE t PROPERTIES (…)`.</summary>
public sealed record CreateCatalogStatement(string Name, bool IfNotExists, string? Type, IReadOnlyList<TableOption> Options, int At)
    : Statement(At)
{
    public override string Kind => "CREATE CATALOG";
}

public sealed record CreateDatabaseStatement(QualifiedName Name, bool IfNotExists, IReadOnlyList<TableOption> Options, int At)
    : Statement(At)
{
    public override string Kind => "CREATE DATABASE";
}

/// <summary>`USE CATALOG c`, `USE [DATABASE] db` (also `catalog.db`), or `USE MODULES m, …` (Target = MODULES).</summary>
public sealed record UseStatement(string Target, IReadOnlyList<QualifiedName> Names, int At) : Statement(At)
{
    public override string Kind => "USE";
}

public sealed record AlterStatement(
    string ObjectKind,
    QualifiedName Name,
    bool IfExists,
    QualifiedName? RenameTo,
    IReadOnlyList<TableOption> SetOptions,
    IReadOnlyList<string> ResetKeys,
    Query? ViewQuery,
    string? FunctionClass,
    int At) : Statement(At)
{
    public override string Kind => "ALTER " + ObjectKind;
}

public sealed record DropStatement(string ObjectKind, QualifiedName Name, bool IfExists, bool Temporary, int At) : Statement(At)
{
    public override string Kind => "DROP " + ObjectKind;
}

public sealed record InsertStatement(
    QualifiedName Target,
    bool Overwrite,
    IReadOnlyList<Hint> Hints,
    IReadOnlyList<TableOption> Partition,
    IReadOnlyList<string> Columns,
    Query Query,
    int At) : Statement(At)
{
    public override string Kind => Overwrite ? "INSERT OVERWRITE" : "INSERT INTO";
}

/// <summary>`EXECUTE STATEMENT SET BEGIN … END` or `BEGIN STATEMENT SET; … END;`: INSERTs run as one job.</summary>
public sealed record StatementSetStatement(IReadOnlyList<InsertStatement> Inserts, int At) : Statement(At)
{
    public override string Kind => "STATEMENT SET";
}

public sealed record ExplainStatement(Statement Explained, int At) : Statement(At)
{
    public override string Kind => "EXPLAIN";
}

public sealed record QueryStatement(Query Query, int At) : Statement(At)
{
    public override string Kind => "SELECT";
}

/// <summary>Statements that only inspect the catalog: SHOW …, DESCRIBE t.</summary>
public sealed record InspectStatement(string What, int At) : Statement(At)
{
    public override string Kind => What;
}

public sealed record AddJarStatement(string Path, int At) : Statement(At)
{
    public override string Kind => "ADD JAR";
}

public sealed record ModuleStatement(bool Load, string Name, IReadOnlyList<TableOption> Options, int At) : Statement(At)
{
    public override string Kind => Load ? "LOAD MODULE" : "UNLOAD MODULE";
}
