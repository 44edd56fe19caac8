using FluentMigrator;

namespace Sluice.Store.Migrations;

/// <summary>
/// "Who reads dataset D" joins each linked revision to the job whose head it is. On PostgreSQL the unique index on
/// jobs.current_revision_id now carries the columns that answer needs, so the join reads the index alone (no heap
/// fetch per reader) wherever the visibility map allows. MySQL's InnoDB and SQLite have no INCLUDE; unchanged there.
/// </summary>
[Migration(120, "PostgreSQL: covering index for the lineage join")]
public sealed class M0120_LineageCoveringIndex : Migration
{
    public override void Up()
    {
        IfDatabase(IsPostgres).Execute.Sql(
            "CREATE UNIQUE INDEX ux_jobs_current_revision_covering ON jobs (current_revision_id) INCLUDE (id, namespace, name, revision, desired_state); " +
            "DROP INDEX ux_jobs_current_revision; " +
            "ALTER INDEX ux_jobs_current_revision_covering RENAME TO ux_jobs_current_revision");
    }

    public override void Down()
    {
        IfDatabase(IsPostgres).Execute.Sql(
            "DROP INDEX ux_jobs_current_revision; CREATE UNIQUE INDEX ux_jobs_current_revision ON jobs (current_revision_id)");
    }

    private static bool IsPostgres(string processorId) => processorId.StartsWith("Postgres", StringComparison.OrdinalIgnoreCase);
}
