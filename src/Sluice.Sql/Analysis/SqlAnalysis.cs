using Sluice.Spec;
using Sluice.Spec.V1;
using Sluice.Sql.Syntax;

namespace Sluice.Sql.Analysis;

/// <summary>A dataset the job reads or writes: the table as the script names it and the real dataset behind it.</summary>
public sealed record SqlDataset(string Table, Dataset Dataset, bool Durable, SqlPosition DeclaredAt)
{
    public string Uri => DatasetUri.Of(Dataset);
}

/// <summary>An operator that keeps state, where it is, and what it is (e.g. `window aggregation` / `TUMBLE`).</summary>
public sealed record StatefulOperator(string Kind, string Detail, SqlPosition Position);

public sealed record SqlFunctionInfo(string Name, string ClassName, string Language, IReadOnlyList<string> Jars, bool Used, SqlPosition DeclaredAt);

/// <summary>A declared table that no job statement reads or writes; it is reported, never turned into lineage.</summary>
public sealed record UnusedTable(string Table, SqlPosition DeclaredAt);

/// <summary>A `SET` that was applied, and where in the JobSpec it went (a field path or an override key).</summary>
public sealed record SqlSetting(string Key, string Value, string Target, SqlPosition Position);

/// <summary>Everything the analysis found about a script.</summary>
public sealed class SqlAnalysis
{
    public List<SqlDataset> Sources { get; } = [];

    public List<SqlDataset> Sinks { get; } = [];

    public List<StatefulOperator> StatefulOperators { get; } = [];

    public List<SqlFunctionInfo> Functions { get; } = [];

    public List<UnusedTable> UnusedTables { get; } = [];

    public List<SqlSetting> Settings { get; } = [];

    public List<string> Jars { get; } = [];

    /// <summary>How many statements run as (part of) the job: INSERTs, CTAS and bare queries.</summary>
    public int JobStatements { get; set; }

    public int Statements { get; set; }

    public bool Stateful => StatefulOperators.Count > 0;

    /// <summary>The distinct operator kinds in order of first appearance.</summary>
    public IReadOnlyList<string> StatefulKinds => StatefulOperators.Select(o => o.Kind).Distinct().ToList();
}
