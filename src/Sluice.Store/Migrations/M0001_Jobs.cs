using FluentMigrator;

namespace Sluice.Store.Migrations;

/// <summary>
/// Namespaces, jobs, immutable revisions with the index tables derived from each revision's spec (labels,
/// placement, datasets read and written), the append-only audit log, and fabrics.
/// Times are UTC microseconds since the Unix epoch (BIGINT): one exact, sortable representation on every dialect.
/// Enums are stored as SMALLINT with the proto enum's number (append-only values).
/// </summary>
[Migration(1, "jobs, revisions, lineage, audit, fabrics")]
public sealed class M0001_Jobs : Migration
{
    public override void Up()
    {
        // MySQL/MariaDB compare strings case-insensitively by default; topic names, label values and request ids
        // are case-sensitive everywhere else. Tables created below take the database default.
        IfDatabase("MySql").Execute.Sql("ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");

        Create.Table("namespaces")
            .WithColumn("name").AsString(StoreLimits.NameLength).NotNullable().PrimaryKey("pk_namespaces")
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("created_by").AsString(StoreLimits.ActorLength).NotNullable();

        Create.Table("jobs")
            .WithColumn("id").AsInt64().NotNullable().PrimaryKey("pk_jobs").Identity()
            .WithColumn("namespace").AsString(StoreLimits.NameLength).NotNullable().ForeignKey("fk_jobs_namespace", "namespaces", "name")
            .WithColumn("name").AsString(StoreLimits.NameLength).NotNullable()
            // The head revision's number: the optimistic-concurrency token every write compares and bumps.
            .WithColumn("revision").AsInt64().NotNullable()
            .WithColumn("current_revision_id").AsInt64().Nullable()
            .WithColumn("desired_state").AsInt16().NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("created_by").AsString(StoreLimits.ActorLength).NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable()
            .WithColumn("updated_by").AsString(StoreLimits.ActorLength).NotNullable();
        Create.Index("ux_jobs_namespace_name").OnTable("jobs")
            .OnColumn("namespace").Ascending().OnColumn("name").Ascending().WithOptions().Unique();
        Create.Index("ux_jobs_current_revision").OnTable("jobs").OnColumn("current_revision_id").Ascending().WithOptions().Unique();

        Create.Table("job_revisions")
            .WithColumn("id").AsInt64().NotNullable().PrimaryKey("pk_job_revisions").Identity()
            .WithColumn("job_id").AsInt64().NotNullable().ForeignKey("fk_job_revisions_job", "jobs", "id")
            .WithColumn("revision").AsInt64().NotNullable()
            .WithColumn("spec_hash").AsString(StoreLimits.HashLength).NotNullable()
            .WithColumn("canonical_spec").AsString(int.MaxValue).NotNullable()
            .WithColumn("source_kind").AsInt16().NotNullable()
            .WithColumn("source_text").AsString(int.MaxValue).Nullable()
            .WithColumn("runtime").AsInt16().NotNullable()
            .WithColumn("stateful").AsBoolean().NotNullable()
            .WithColumn("author").AsString(StoreLimits.ActorLength).NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("request_id").AsString(StoreLimits.RequestIdLength).Nullable();
        Create.Index("ux_job_revisions_job_revision").OnTable("job_revisions")
            .OnColumn("job_id").Ascending().OnColumn("revision").Ascending().WithOptions().Unique();

        IfDatabase("Postgres", "MySql").Create.ForeignKey("fk_jobs_current_revision")
            .FromTable("jobs").ForeignColumn("current_revision_id").ToTable("job_revisions").PrimaryColumn("id");

        Create.Table("job_labels")
            .WithColumn("revision_id").AsInt64().NotNullable().ForeignKey("fk_job_labels_revision", "job_revisions", "id")
            .WithColumn("label_key").AsString(StoreLimits.LabelKeyLength).NotNullable()
            .WithColumn("label_value").AsString(StoreLimits.NameLength).NotNullable();
        Create.PrimaryKey("pk_job_labels").OnTable("job_labels").Columns("revision_id", "label_key");
        Create.Index("ix_job_labels_key_value").OnTable("job_labels")
            .OnColumn("label_key").Ascending().OnColumn("label_value").Ascending().OnColumn("revision_id").Ascending();

        Create.Table("job_placements")
            .WithColumn("revision_id").AsInt64().NotNullable().ForeignKey("fk_job_placements_revision", "job_revisions", "id")
            .WithColumn("fabric").AsString(StoreLimits.NameLength).NotNullable();
        Create.PrimaryKey("pk_job_placements").OnTable("job_placements").Columns("revision_id", "fabric");
        Create.Index("ix_job_placements_fabric").OnTable("job_placements")
            .OnColumn("fabric").Ascending().OnColumn("revision_id").Ascending();

        Create.Table("datasets")
            .WithColumn("id").AsInt64().NotNullable().PrimaryKey("pk_datasets").Identity()
            .WithColumn("uri").AsString(StoreLimits.UriLength).NotNullable()
            .WithColumn("system_name").AsString(64).NotNullable()
            .WithColumn("cluster").AsString(255).NotNullable()
            .WithColumn("name").AsString(StoreLimits.UriLength).NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable();
        Create.Index("ux_datasets_uri").OnTable("datasets").OnColumn("uri").Ascending().WithOptions().Unique();

        Create.Table("job_datasets")
            .WithColumn("revision_id").AsInt64().NotNullable().ForeignKey("fk_job_datasets_revision", "job_revisions", "id")
            .WithColumn("dataset_id").AsInt64().NotNullable().ForeignKey("fk_job_datasets_dataset", "datasets", "id")
            .WithColumn("direction").AsInt16().NotNullable();
        Create.PrimaryKey("pk_job_datasets").OnTable("job_datasets").Columns("revision_id", "dataset_id", "direction");
        // "Who reads / writes dataset D": dataset first, then direction, then the revision to join the job's head.
        Create.Index("ix_job_datasets_dataset").OnTable("job_datasets")
            .OnColumn("dataset_id").Ascending().OnColumn("direction").Ascending().OnColumn("revision_id").Ascending();

        Create.Table("audit_log")
            .WithColumn("id").AsInt64().NotNullable().PrimaryKey("pk_audit_log").Identity()
            .WithColumn("at").AsInt64().NotNullable()
            .WithColumn("actor").AsString(StoreLimits.ActorLength).NotNullable()
            .WithColumn("action").AsInt16().NotNullable()
            .WithColumn("target").AsString(400).NotNullable()
            .WithColumn("job_id").AsInt64().Nullable().ForeignKey("fk_audit_log_job", "jobs", "id")
            .WithColumn("request_id").AsString(StoreLimits.RequestIdLength).Nullable()
            .WithColumn("before_revision").AsInt64().Nullable()
            .WithColumn("after_revision").AsInt64().Nullable()
            .WithColumn("before_hash").AsString(StoreLimits.HashLength).Nullable()
            .WithColumn("after_hash").AsString(StoreLimits.HashLength).Nullable()
            .WithColumn("client").AsString(StoreLimits.ClientLength).NotNullable()
            .WithColumn("reason").AsString(StoreLimits.ReasonLength).Nullable();
        // One request id, one command: the idempotency key for retries.
        Create.Index("ux_audit_log_request_id").OnTable("audit_log").OnColumn("request_id").Ascending().WithOptions().Unique();
        Create.Index("ix_audit_log_job").OnTable("audit_log").OnColumn("job_id").Ascending().OnColumn("id").Ascending();
        Create.Index("ix_audit_log_actor").OnTable("audit_log").OnColumn("actor").Ascending().OnColumn("id").Ascending();
        Create.Index("ix_audit_log_target").OnTable("audit_log").OnColumn("target").Ascending().OnColumn("id").Ascending();
        Create.Index("ix_audit_log_at").OnTable("audit_log").OnColumn("at").Ascending();

        Create.Table("fabrics")
            .WithColumn("name").AsString(StoreLimits.NameLength).NotNullable().PrimaryKey("pk_fabrics")
            .WithColumn("config").AsString(int.MaxValue).NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable()
            .WithColumn("updated_by").AsString(StoreLimits.ActorLength).NotNullable();
    }

    public override void Down()
    {
        IfDatabase("Postgres", "MySql").Delete.ForeignKey("fk_jobs_current_revision").OnTable("jobs");
        foreach (var table in new[] { "fabrics", "audit_log", "job_datasets", "datasets", "job_placements", "job_labels", "job_revisions", "jobs", "namespaces" })
            Delete.Table(table);
    }
}
