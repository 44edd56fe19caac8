using Sluice.Sql.Syntax;

namespace Sluice.Sql.Analysis;

/// <summary>A table the script declared (or one found in a declared catalog), with what identity and statefulness need.</summary>
public sealed class TableInfo
{
    public required ObjectName Name { get; init; }

    public required string WrittenName { get; init; }

    public required SqlPosition DeclaredAt { get; init; }

    public Dictionary<string, string> Options { get; init; } = new(StringComparer.Ordinal);

    public BeamTableClause? Beam { get; init; }

    /// <summary>The catalog the table lives in when it is not declared by the script (Hive, Iceberg, …).</summary>
    public CatalogInfo? Catalog { get; init; }

    public HashSet<string> RowtimeColumns { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public HashSet<string> ProctimeColumns { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public bool Used { get; set; }
}

public sealed record ViewInfo(ObjectName Name, Query Query, string Catalog, string Database, SqlPosition DeclaredAt);

public sealed record CatalogInfo(string Name, string Type, IReadOnlyDictionary<string, string> Options, SqlPosition DeclaredAt);

/// <summary>A fully-qualified object name: catalog, database, object.</summary>
public readonly record struct ObjectName(string Catalog, string Database, string Name)
{
    public override string ToString() => $"{Catalog}.{Database}.{Name}";
}

/// <summary>The script's catalog state as the statements change it: current catalog and database, and the objects in them.</summary>
public sealed class CatalogState
{
    public const string DefaultCatalog = "default_catalog";
    public const string DefaultDatabase = "default_database";

    public string CurrentCatalog { get; set; } = DefaultCatalog;

    public string CurrentDatabase { get; set; } = DefaultDatabase;

    public Dictionary<ObjectName, TableInfo> Tables { get; } = [];

    public Dictionary<ObjectName, ViewInfo> Views { get; } = [];

    public Dictionary<string, CatalogInfo> Catalogs { get; } = new(StringComparer.Ordinal);

    /// <summary>Tables found in declared catalogs rather than declared by the script.</summary>
    public Dictionary<ObjectName, TableInfo> CatalogTables { get; } = [];

    public ObjectName Qualify(QualifiedName name, string? catalog = null, string? database = null)
    {
        var parts = name.Parts;
        return parts.Count switch
        {
            1 => new ObjectName(catalog ?? CurrentCatalog, database ?? CurrentDatabase, parts[0]),
            2 => new ObjectName(catalog ?? CurrentCatalog, parts[0], parts[1]),
            _ => new ObjectName(parts[^3], parts[^2], parts[^1]),
        };
    }
}
