using FluentMigrator;

namespace Sluice.Store.Migrations;

/// <summary>
/// PostgreSQL writes a batch of applies as one autocommitted statement (<see cref="PostgresApplyBatch"/>). When it finds
/// it cannot finish correctly (a dataset another transaction added after the statement's snapshot), it must fail as a
/// whole rather than commit part of its work: SQL has no way to raise an error, so this function does, with the
/// serialization-failure code the store retries on.
/// </summary>
[Migration(140, "PostgreSQL: sluice_retry_statement(reason) fails a statement so that it is retried")]
public sealed class M0140_StatementRetryFunction : Migration
{
    public override void Up() =>
        IfDatabase(IsPostgres).Execute.Sql(
            "CREATE FUNCTION sluice_retry_statement(reason text) RETURNS boolean LANGUAGE plpgsql AS " +
            "$$ BEGIN RAISE EXCEPTION USING ERRCODE = 'serialization_failure', MESSAGE = reason; END $$");

    public override void Down() => IfDatabase(IsPostgres).Execute.Sql("DROP FUNCTION sluice_retry_statement(text)");

    private static bool IsPostgres(string processorId) => processorId.StartsWith("Postgres", StringComparison.OrdinalIgnoreCase);
}
