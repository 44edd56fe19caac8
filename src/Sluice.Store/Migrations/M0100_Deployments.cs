using FluentMigrator;

namespace Sluice.Store.Migrations;

/// <summary>
/// The deployment workflow: deployments (one row per request, its current step, retry and fence columns),
/// their append-only events, the resources they provision, the shard leases workers hold and the workers' heartbeats.
/// A job is named by its <c>namespace/name</c> key. Times are UTC microseconds; enums SMALLINT with explicit values.
/// </summary>
[Migration(100, "deployments, deployment events, resources, shard leases, workers")]
public sealed class M0100_Deployments : Migration
{
    internal const int JobKeyLength = 127;
    internal const int NameLength = 63;
    internal const int ActiveKeyLength = 192;
    internal const int OwnerLength = 128;
    internal const int ExternalIdLength = 512;

    public override void Up()
    {
        Create.Table("deployments")
            .WithColumn("id").AsInt64().NotNullable().PrimaryKey("pk_deployments").Identity()
            .WithColumn("job").AsString(JobKeyLength).NotNullable()
            .WithColumn("revision").AsInt64().NotNullable()
            .WithColumn("fabric").AsString(NameLength).NotNullable()
            .WithColumn("kind").AsInt16().NotNullable()
            .WithColumn("state").AsInt16().NotNullable()
            // Which resource of the Provisioning step runs next.
            .WithColumn("step_index").AsInt32().NotNullable()
            // Failed tries of the current step; reset when a step succeeds.
            .WithColumn("attempt").AsInt32().NotNullable()
            .WithColumn("next_attempt_at").AsInt64().NotNullable()
            .WithColumn("step_started_at").AsInt64().NotNullable()
            .WithColumn("error").AsString(int.MaxValue).Nullable()
            // Set while the deployment holds its (job, fabric) slot: "job@fabric". The unique index makes the
            // database refuse a second active deployment; NULL for queued and finished ones.
            .WithColumn("active_key").AsString(ActiveKeyLength).Nullable()
            .WithColumn("shard").AsInt32().NotNullable()
            // The lease epoch of the worker that wrote the row last (the fencing token in force at that write).
            .WithColumn("fence_epoch").AsInt64().NotNullable()
            // Optimistic-concurrency token: every write compares and bumps it.
            .WithColumn("version").AsInt32().NotNullable()
            .WithColumn("cancel_requested").AsBoolean().NotNullable()
            .WithColumn("auto_rollback").AsBoolean().NotNullable()
            .WithColumn("rollback_of").AsInt64().Nullable()
            .WithColumn("restore_kind").AsInt16().Nullable()
            .WithColumn("restore_path").AsString(ExternalIdLength).Nullable()
            .WithColumn("rendered_format").AsString(32).Nullable()
            .WithColumn("rendered").AsString(int.MaxValue).Nullable()
            .WithColumn("driver").AsString(32).Nullable()
            .WithColumn("runtime_id").AsString(ExternalIdLength).Nullable()
            .WithColumn("submit_attempt").AsInt32().NotNullable()
            // The deployment whose run this one replaces or stops (what ran when it was admitted).
            .WithColumn("previous_id").AsInt64().Nullable()
            .WithColumn("requested_by").AsString(256).NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable()
            .WithColumn("finished_at").AsInt64().Nullable();
        Create.Index("ux_deployments_active_key").OnTable("deployments").OnColumn("active_key").Ascending().WithOptions().Unique();
        Create.Index("ix_deployments_due").OnTable("deployments")
            .OnColumn("shard").Ascending().OnColumn("finished_at").Ascending().OnColumn("next_attempt_at").Ascending();
        Create.Index("ix_deployments_job_fabric").OnTable("deployments")
            .OnColumn("job").Ascending().OnColumn("fabric").Ascending().OnColumn("id").Ascending();

        Create.Table("deployment_events")
            .WithColumn("id").AsInt64().NotNullable().PrimaryKey("pk_deployment_events").Identity()
            .WithColumn("deployment_id").AsInt64().NotNullable().ForeignKey("fk_deployment_events_deployment", "deployments", "id")
            .WithColumn("at").AsInt64().NotNullable()
            .WithColumn("from_state").AsInt16().Nullable()
            .WithColumn("state").AsInt16().NotNullable()
            .WithColumn("attempt").AsInt32().NotNullable()
            .WithColumn("fence_epoch").AsInt64().NotNullable()
            .WithColumn("detail").AsString(int.MaxValue).NotNullable();
        Create.Index("ix_deployment_events_deployment").OnTable("deployment_events")
            .OnColumn("deployment_id").Ascending().OnColumn("id").Ascending();

        Create.Table("resources")
            .WithColumn("id").AsInt64().NotNullable().PrimaryKey("pk_resources").Identity()
            .WithColumn("job").AsString(JobKeyLength).NotNullable()
            .WithColumn("fabric").AsString(NameLength).NotNullable()
            .WithColumn("kind").AsInt16().NotNullable()
            .WithColumn("name").AsString(NameLength * 2).NotNullable()
            .WithColumn("external_id").AsString(ExternalIdLength).NotNullable()
            .WithColumn("status").AsInt16().NotNullable()
            // For savepoints and checkpoints: the job revision the state came from.
            .WithColumn("revision").AsInt64().Nullable()
            .WithColumn("deployment_id").AsInt64().NotNullable().ForeignKey("fk_resources_deployment", "deployments", "id")
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("released_at").AsInt64().Nullable();
        // The provisioning key: a re-run after a crash finds the resource instead of making a second one.
        Create.Index("ux_resources_key").OnTable("resources")
            .OnColumn("job").Ascending().OnColumn("fabric").Ascending().OnColumn("kind").Ascending().OnColumn("name").Ascending()
            .WithOptions().Unique();

        Create.Table("shard_leases")
            .WithColumn("shard").AsInt32().NotNullable().PrimaryKey("pk_shard_leases")
            .WithColumn("owner").AsString(OwnerLength).NotNullable()
            // The fencing token: bumped on every change of owner, checked by every state-machine write.
            .WithColumn("epoch").AsInt64().NotNullable()
            .WithColumn("expires_at").AsInt64().NotNullable();

        Create.Table("workers")
            .WithColumn("worker_id").AsString(OwnerLength).NotNullable().PrimaryKey("pk_workers")
            .WithColumn("started_at").AsInt64().NotNullable()
            .WithColumn("expires_at").AsInt64().NotNullable();
    }

    public override void Down()
    {
        Delete.Table("workers");
        Delete.Table("shard_leases");
        Delete.Table("resources");
        Delete.Table("deployment_events");
        Delete.Table("deployments");
    }
}
