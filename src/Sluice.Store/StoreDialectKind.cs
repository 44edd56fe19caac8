namespace Sluice.Store;

public enum StoreDialectKind
{
    Sqlite,
    Postgres,
    MySql,
}
