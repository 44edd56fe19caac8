using FluentMigrator;

namespace Sluice.Store.Migrations;

/// <summary>
/// The claim query (due deployments of a worker's shards, oldest due first, up to a limit) read every unfinished row
/// of the worker's shards through (shard, finished_at, next_attempt_at) and sorted them. On PostgreSQL and SQLite a
/// partial index on (next_attempt_at, id) of the unfinished rows lets it walk in order and stop at the limit; it also
/// holds only unfinished rows, so it stays small however long the history grows. MySQL has no partial indexes and
/// keeps the old one.
/// </summary>
[Migration(130, "PostgreSQL and SQLite: partial index of unfinished deployments in due order")]
public sealed class M0130_UnfinishedDeploymentsIndex : Migration
{
    public override void Up()
    {
        IfDatabase(HasPartialIndexes).Execute.Sql(
            "CREATE INDEX ix_deployments_unfinished_due ON deployments (next_attempt_at, id) WHERE finished_at IS NULL");
        IfDatabase(HasPartialIndexes).Execute.Sql("DROP INDEX ix_deployments_due");
    }

    public override void Down()
    {
        IfDatabase(HasPartialIndexes).Execute.Sql("CREATE INDEX ix_deployments_due ON deployments (shard, finished_at, next_attempt_at)");
        IfDatabase(HasPartialIndexes).Execute.Sql("DROP INDEX ix_deployments_unfinished_due");
    }

    private static bool HasPartialIndexes(string processorId) =>
        processorId.StartsWith("Postgres", StringComparison.OrdinalIgnoreCase) || processorId.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase);
}
