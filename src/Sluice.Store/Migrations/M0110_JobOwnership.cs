using FluentMigrator;

namespace Sluice.Store.Migrations;

/// <summary>
/// Who may run each job: its legacy control plane, Sluice, or neither while a cut-over moves it. One fenced row per
/// job that a migrator has seen; a job without a row is Sluice's own (it was created by `apply`).
/// </summary>
[Migration(110, "job ownership records for the migrator's guarded cut-over")]
public sealed class M0110_JobOwnership : Migration
{
    public override void Up()
    {
        Create.Table("job_ownership")
            .WithColumn("job").AsString(M0100_Deployments.JobKeyLength).NotNullable().PrimaryKey("pk_job_ownership")
            .WithColumn("owner").AsInt16().NotNullable()
            // The fencing token: every change compares and bumps it.
            .WithColumn("epoch").AsInt64().NotNullable()
            // The owner before a cut-over claimed the job (where a rollback returns it).
            .WithColumn("from_owner").AsInt16().Nullable()
            // Where the cut-over in progress took the job's state (null for Samza: its changelogs keep it).
            .WithColumn("savepoint").AsString(M0100_Deployments.ExternalIdLength).Nullable()
            // The name the legacy control plane knows the job by (its config file's name).
            .WithColumn("legacy_name").AsString(255).Nullable()
            // The cut-over deployment holding the job while it is migrating.
            .WithColumn("deployment_id").AsInt64().Nullable()
            .WithColumn("updated_at").AsInt64().NotNullable();
    }

    public override void Down() => Delete.Table("job_ownership");
}
