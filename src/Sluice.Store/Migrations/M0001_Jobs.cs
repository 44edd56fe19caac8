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
        // Strings are declared without a character set (AsAnsiString), so on MySQL/MariaDB every column takes the
        // database default set here: full Unicode (utf8mb4) compared byte-wise (topic names, label values and
        // request ids are case-sensitive, as they are on PostgreSQL and SQLite).
        IfDatabase(IsMySql).Execute.Sql("ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");

        Create.Table("namespaces")
            .WithColumn("name").AsAnsiString(StoreLimits.NameLength).NotNullable().PrimaryKey("pk_namespaces")
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("created_by").AsAnsiString(StoreLimits.ActorLength).NotNullable();

        Create.Table("jobs")
            .WithColumn("id").AsInt64().NotNullable().PrimaryKey("pk_jobs").Identity()
            .WithColumn("namespace").AsAnsiString(StoreLimits.NameLength).NotNullable().ForeignKey("fk_jobs_namespace", "namespaces", "name")
            .WithColumn("name").AsAnsiString(StoreLimits.NameLength).NotNullable()
            // The head revision's number: the optimistic-concurrency token every write compares and bumps.
            .WithColumn("revision").AsInt64().NotNullable()
            .WithColumn("current_revision_id").AsInt64().Nullable()
            .WithColumn("desired_state").AsInt16().NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("created_by").AsAnsiString(StoreLimits.ActorLength).NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable()
            .WithColumn("updated_by").AsAnsiString(StoreLimits.ActorLength).NotNullable();
        Create.Index("ux_jobs_namespace_name").OnTable("jobs")
            .OnColumn("namespace").Ascending().OnColumn("name").Ascending().WithOptions().Unique();
        Create.Index("ux_jobs_current_revision").OnTable("jobs").OnColumn("current_revision_id").Ascending().WithOptions().Unique();

        Create.Table("job_revisions")
            .WithColumn("id").AsInt64().NotNullable().PrimaryKey("pk_job_revisions").Identity()
            .WithColumn("job_id").AsInt64().NotNullable().ForeignKey("fk_job_revisions_job", "jobs", "id")
            .WithColumn("revision").AsInt64().NotNullable()
            .WithColumn("spec_hash").AsAnsiString(StoreLimits.HashLength).NotNullable()
            .WithColumn("canonical_spec").AsAnsiString(int.MaxValue).NotNullable()
            .WithColumn("source_kind").AsInt16().NotNullable()
            .WithColumn("source_text").AsAnsiString(int.MaxValue).Nullable()
            .WithColumn("runtime").AsInt16().NotNullable()
            .WithColumn("stateful").AsBoolean().NotNullable()
            .WithColumn("author").AsAnsiString(StoreLimits.ActorLength).NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("request_id").AsAnsiString(StoreLimits.RequestIdLength).Nullable();
        Create.Index("ux_job_revisions_job_revision").OnTable("job_revisions")
            .OnColumn("job_id").Ascending().OnColumn("revision").Ascending().WithOptions().Unique();

        IfDatabase(IsPostgresOrMySql).Create.ForeignKey("fk_jobs_current_revision")
            .FromTable("jobs").ForeignColumn("current_revision_id").ToTable("job_revisions").PrimaryColumn("id");

        Create.Table("job_labels")
            .WithColumn("revision_id").AsInt64().NotNullable().PrimaryKey("pk_job_labels").ForeignKey("fk_job_labels_revision", "job_revisions", "id")
            .WithColumn("label_key").AsAnsiString(StoreLimits.LabelKeyLength).NotNullable().PrimaryKey("pk_job_labels")
            .WithColumn("label_value").AsAnsiString(StoreLimits.NameLength).NotNullable();
        Create.Index("ix_job_labels_key_value").OnTable("job_labels")
            .OnColumn("label_key").Ascending().OnColumn("label_value").Ascending().OnColumn("revision_id").Ascending();

        Create.Table("job_placements")
            .WithColumn("revision_id").AsInt64().NotNullable().PrimaryKey("pk_job_placements").ForeignKey("fk_job_placements_revision", "job_revisions", "id")
            .WithColumn("fabric").AsAnsiString(StoreLimits.NameLength).NotNullable().PrimaryKey("pk_job_placements");
        Create.Index("ix_job_placements_fabric").OnTable("job_placements")
            .OnColumn("fabric").Ascending().OnColumn("revision_id").Ascending();

        Create.Table("datasets")
            .WithColumn("id").AsInt64().NotNullable().PrimaryKey("pk_datasets").Identity()
            .WithColumn("uri").AsAnsiString(StoreLimits.UriLength).NotNullable()
            .WithColumn("system_name").AsAnsiString(64).NotNullable()
            .WithColumn("cluster").AsAnsiString(255).NotNullable()
            .WithColumn("name").AsAnsiString(StoreLimits.UriLength).NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable();
        Create.Index("ux_datasets_uri").OnTable("datasets").OnColumn("uri").Ascending().WithOptions().Unique();

        Create.Table("job_datasets")
            .WithColumn("revision_id").AsInt64().NotNullable().PrimaryKey("pk_job_datasets").ForeignKey("fk_job_datasets_revision", "job_revisions", "id")
            .WithColumn("dataset_id").AsInt64().NotNullable().PrimaryKey("pk_job_datasets").ForeignKey("fk_job_datasets_dataset", "datasets", "id")
            .WithColumn("direction").AsInt16().NotNullable().PrimaryKey("pk_job_datasets");
        // "Who reads / writes dataset D": dataset first, then direction, then the revision to join the job's head.
        Create.Index("ix_job_datasets_dataset").OnTable("job_datasets")
            .OnColumn("dataset_id").Ascending().OnColumn("direction").Ascending().OnColumn("revision_id").Ascending();

        Create.Table("audit_log")
            .WithColumn("id").AsInt64().NotNullable().PrimaryKey("pk_audit_log").Identity()
            .WithColumn("at").AsInt64().NotNullable()
            .WithColumn("actor").AsAnsiString(StoreLimits.ActorLength).NotNullable()
            .WithColumn("action").AsInt16().NotNullable()
            .WithColumn("target").AsAnsiString(400).NotNullable()
            .WithColumn("job_id").AsInt64().Nullable().ForeignKey("fk_audit_log_job", "jobs", "id")
            .WithColumn("request_id").AsAnsiString(StoreLimits.RequestIdLength).Nullable()
            .WithColumn("before_revision").AsInt64().Nullable()
            .WithColumn("after_revision").AsInt64().Nullable()
            .WithColumn("before_hash").AsAnsiString(StoreLimits.HashLength).Nullable()
            .WithColumn("after_hash").AsAnsiString(StoreLimits.HashLength).Nullable()
            .WithColumn("client").AsAnsiString(StoreLimits.ClientLength).NotNullable()
            .WithColumn("reason").AsAnsiString(StoreLimits.ReasonLength).Nullable();
        // One request id, one command: the idempotency key for retries.
        Create.Index("ux_audit_log_request_id").OnTable("audit_log").OnColumn("request_id").Ascending().WithOptions().Unique();
        Create.Index("ix_audit_log_job").OnTable("audit_log").OnColumn("job_id").Ascending().OnColumn("id").Ascending();
        Create.Index("ix_audit_log_actor").OnTable("audit_log").OnColumn("actor").Ascending().OnColumn("id").Ascending();
        Create.Index("ix_audit_log_target").OnTable("audit_log").OnColumn("target").Ascending().OnColumn("id").Ascending();
        Create.Index("ix_audit_log_at").OnTable("audit_log").OnColumn("at").Ascending();

        Create.Table("fabrics")
            .WithColumn("name").AsAnsiString(StoreLimits.NameLength).NotNullable().PrimaryKey("pk_fabrics")
            .WithColumn("config").AsAnsiString(int.MaxValue).NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable()
            .WithColumn("updated_by").AsAnsiString(StoreLimits.ActorLength).NotNullable();
    }

    // Processor ids are versioned ("MySql5", "Postgres15_0"); match the family.
    private static bool IsMySql(string processorId) =>
        processorId.StartsWith("MySql", StringComparison.OrdinalIgnoreCase) || processorId.StartsWith("MariaDB", StringComparison.OrdinalIgnoreCase);

    private static bool IsPostgresOrMySql(string processorId) =>
        IsMySql(processorId) || processorId.StartsWith("Postgres", StringComparison.OrdinalIgnoreCase);

    public override void Down()
    {
        IfDatabase(IsPostgresOrMySql).Delete.ForeignKey("fk_jobs_current_revision").OnTable("jobs");
        foreach (var table in new[] { "fabrics", "audit_log", "job_datasets", "datasets", "job_placements", "job_labels", "job_revisions", "jobs", "namespaces" })
            Delete.Table(table);
    }
}
