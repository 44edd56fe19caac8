using System.Reflection;
using Dapper;
using Sluice.Spec.V1;
using static Sluice.Store.Tests.StoreBuilders;

namespace Sluice.Store.Tests;

/// <summary>
/// The store contract: every dialect must pass the same tests against its real server. Each concrete subclass
/// gets a fresh database; each test uses its own namespace so tests in a class never see each other's rows.
/// </summary>
public abstract class StoreContractTests<TDatabase>(TDatabase database) : IClassFixture<TDatabase>
    where TDatabase : TestDatabase
{
    private SluiceStore Store => database.Store;

    private static string NewNamespace() => "ns-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Migrating_again_is_a_no_op_and_records_the_schema_version()
    {
        await Store.MigrateAsync();
        await using var connection = await database.OpenRawAsync();
        var table = database.Kind == StoreDialectKind.Postgres ? "\"VersionInfo\"" : "VersionInfo";
        var column = database.Kind == StoreDialectKind.Postgres ? "\"Version\"" : "Version";
        var versions = (await connection.QueryAsync<long>($"SELECT {column} FROM {table}")).ToList();
        // Each migration the store ships is recorded once, however often migration runs.
        var shipped = typeof(SluiceStore).Assembly.GetTypes()
            .Select(type => type.GetCustomAttribute<FluentMigrator.MigrationAttribute>()?.Version)
            .OfType<long>().Order().ToList();
        Assert.Contains(1L, shipped);
        Assert.Equal(shipped, versions.Order());
    }

    [Fact]
    public async Task Replicas_migrating_a_fresh_database_at_once_all_succeed()
    {
        var fresh = Activator.CreateInstance<TDatabase>();
        try
        {
            var url = await fresh.CreateEmptyAsync();
            var stores = Enumerable.Range(0, 4).Select(_ => StoreFactory.Open(url)).ToList();
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync())));
            await stores[0].CreateJobAsync("migrated", "first", Revision("sha256:1"));
            Assert.NotNull(await stores[3].FindJobAsync("migrated", "first", includeSpec: false));
            foreach (var store in stores) await store.DisposeAsync();
        }
        finally
        {
            await fresh.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_dataset_created_by_a_concurrent_transaction_is_linked_not_duplicated(bool batch)
    {
        // The first transaction adds a new dataset and stays open; the second links the same dataset and has to wait on
        // its unique key; when the first commits, the second must link the row the first made. Two namespaces, so the
        // only row both want is the dataset.
        var ns = NewNamespace();
        var otherNs = NewNamespace();
        var topic = $"kafka://race/{ns}";
        var (first, firstMayCommit) = await Store.HoldOpenJobWritingNewDatasetAsync(ns, "first", topic);
        var second = Task.Run(() => Store.WriteAsync(async tx =>
        {
            var jobId = batch
                ? (await tx.InsertJobsAsync([(otherNs, "second", "bob")], DesiredState.Running, T0))[(otherNs, "second")]
                : await tx.InsertJobAsync(otherNs, "second", DesiredState.Running, T0, "bob");
            var content = Revision("sha256:second", reads: [topic]);
            var revisionId = batch
                ? (await tx.InsertRevisionsAsync([new RevisionWrite(jobId, 1, content, "bob", null)], T0)).Single()
                : await tx.InsertRevisionAsync(jobId, 1, content, "bob", T0, null);
            await tx.SetHeadAsync(jobId, 0, 1, revisionId, DesiredState.Running, T0, "bob");
            return jobId;
        }));
        await database.WaitForLockWaitAsync(second);
        firstMayCommit.SetResult();
        await Task.WhenAll(first, second);

        var dataset = await Store.FindDatasetAsync(topic);
        var links = await Store.LinksOfDatasetsAsync([dataset!.Id], null);
        Assert.Equal([("first", DatasetDirection.Write), ("second", DatasetDirection.Read)],
            links.Select(l => (l.Name, l.Direction)).Order().ToList());
    }

    [Fact]
    public async Task A_created_job_reads_back_with_its_head_revision()
    {
        var ns = NewNamespace();
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1230);
        var jobId = await Store.WriteAsync(async tx =>
        {
            var id = await tx.InsertJobAsync(ns, "sessions", DesiredState.Running, at, "alice@example.com");
            var revision = Revision("sha256:aa") with { CanonicalSpec = "{\"name\":\"sessions\",\"description\":\"naïve 日本 ✓\"}", SourceText = "name: sessions" };
            var revisionId = await tx.InsertRevisionAsync(id, 1, revision, "alice@example.com", at, "req-1");
            await tx.SetHeadAsync(id, 0, 1, revisionId, DesiredState.Running, at, "alice@example.com");
            return id;
        });

        var job = await Store.FindJobAsync(ns, "sessions", includeSpec: true);
        Assert.NotNull(job);
        Assert.Equal((jobId, 1L, DesiredState.Running, "sha256:aa"), (job.Id, job.Revision, job.DesiredState, job.SpecHash));
        Assert.Equal("{\"name\":\"sessions\",\"description\":\"naïve 日本 ✓\"}", job.CanonicalSpec);
        Assert.Equal(at, job.CreatedAt);
        Assert.Equal("alice@example.com", job.CreatedBy);
        var revisionRecord = await Store.FindRevisionAsync(jobId, 1);
        Assert.Equal(("name: sessions", "req-1", SourceKind.Spec), (revisionRecord!.SourceText, revisionRecord.RequestId, revisionRecord.SourceKind));
        Assert.Null(await Store.FindJobAsync(ns, "other", includeSpec: false));
    }

    [Fact]
    public async Task A_duplicate_job_name_is_refused_and_leaves_nothing_of_its_transaction()
    {
        var ns = NewNamespace();
        await Store.CreateJobAsync(ns, "dup", Revision("sha256:1", reads: ["kafka://c/only-in-first"]));

        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.WriteAsync(async tx =>
        {
            await tx.AppendAuditAsync(Audit(AuditAction.JobCreate, ns, "dup", null, "bob", T0, requestId: "half-written-" + ns));
            return await tx.InsertJobAsync(ns, "dup", DesiredState.Running, T0, "bob");
        }));

        Assert.Null(await Store.FindAuditByRequestIdAsync("half-written-" + ns));
        var jobs = await Store.ListJobsAsync(new JobQuery { Namespace = ns });
        Assert.Single(jobs);
    }

    [Fact]
    public async Task Moving_the_head_from_a_stale_revision_is_refused_and_rolled_back()
    {
        var ns = NewNamespace();
        var jobId = await Store.CreateJobAsync(ns, "guarded", Revision("sha256:1"));
        await Store.UpdateJobAsync(jobId, 1, Revision("sha256:2"));

        await Assert.ThrowsAsync<StoreConcurrencyException>(() => Store.WriteAsync(async tx =>
        {
            var revisionId = await tx.InsertRevisionAsync(jobId, 3, Revision("sha256:stale", writes: ["kafka://c/stale"]), "bob", T0, null);
            await tx.SetHeadAsync(jobId, 1, 3, revisionId, DesiredState.Running, T0, "bob");
            return true;
        }));

        var job = await Store.FindJobAsync(ns, "guarded", includeSpec: false);
        Assert.Equal((2L, "sha256:2"), (job!.Revision, job.SpecHash));
        Assert.Equal([2L, 1L], (await Store.ListRevisionsAsync(jobId, null, 10, includeSpec: false)).Select(r => r.Revision));
        Assert.Null(await Store.FindDatasetAsync("kafka://c/stale"));
    }

    [Fact]
    public async Task Heads_moved_together_move_all_or_none()
    {
        var ns = NewNamespace();
        var first = await Store.CreateJobAsync(ns, "first", Revision("sha256:f1"));
        var second = await Store.CreateJobAsync(ns, "second", Revision("sha256:s1"));
        await Store.UpdateJobAsync(second, 1, Revision("sha256:s2"));

        // The second job is at revision 2, not 1: the one statement moving both matches one row and the whole
        // transaction rolls back, the first job's move with it.
        await Assert.ThrowsAsync<StoreConcurrencyException>(() => MoveBoth(secondFrom: 1));
        Assert.Equal((1L, "sha256:f1", DesiredState.Running), await Head("first"));
        Assert.Equal((2L, "sha256:s2", DesiredState.Running), await Head("second"));

        await MoveBoth(secondFrom: 2);
        Assert.Equal((2L, "sha256:f2", DesiredState.Suspended), await Head("first"));
        Assert.Equal((3L, "sha256:s3", DesiredState.Running), await Head("second"));

        Task<bool> MoveBoth(long secondFrom) => Store.WriteAsync(async tx =>
        {
            var ids = await tx.InsertRevisionsAsync(
                [new RevisionWrite(first, 2, Revision("sha256:f2"), "bob", null), new RevisionWrite(second, 3, Revision("sha256:s3"), "bob", null)], T0);
            await tx.MoveHeadsAsync(
                [new HeadMove(first, 1, 2, ids[0], DesiredState.Suspended, "bob"), new HeadMove(second, secondFrom, 3, ids[1], DesiredState.Running, "bob")], T0);
            return true;
        });

        async Task<(long, string, DesiredState)> Head(string name)
        {
            var job = await Store.FindJobAsync(ns, name, includeSpec: false);
            return (job!.Revision, job.SpecHash, job.DesiredState);
        }
    }

    [Fact]
    public async Task Lists_filter_by_labels_with_selector_semantics()
    {
        var ns = NewNamespace();
        await Store.CreateJobAsync(ns, "a", Revision("sha256:a", labels: new Dictionary<string, string> { ["team"] = "growth", ["tier"] = "gold" }));
        await Store.CreateJobAsync(ns, "b", Revision("sha256:b", labels: new Dictionary<string, string> { ["team"] = "growth", ["tier"] = "silver" }));
        await Store.CreateJobAsync(ns, "c", Revision("sha256:c", labels: new Dictionary<string, string> { ["team"] = "ads" }));

        async Task<string[]> Names(params LabelRequirement[] labels) =>
            (await Store.ListJobsAsync(new JobQuery { Namespace = ns, Labels = labels })).Select(j => j.Name).ToArray();

        Assert.Equal(["a", "b"], await Names(new LabelRequirement("team", LabelOperator.Equals, "growth")));
        Assert.Equal(["b", "c"], await Names(new LabelRequirement("tier", LabelOperator.NotEquals, "gold")));
        Assert.Equal(["a", "b"], await Names(new LabelRequirement("tier", LabelOperator.Exists)));
        Assert.Equal(["c"], await Names(new LabelRequirement("tier", LabelOperator.NotExists)));
        Assert.Equal(["a"], await Names(new LabelRequirement("team", LabelOperator.Equals, "growth"), new LabelRequirement("tier", LabelOperator.Equals, "gold")));
        // Label values are case-sensitive on every dialect (MySQL's default collation is not).
        Assert.Empty(await Names(new LabelRequirement("team", LabelOperator.Equals, "GROWTH")));
    }

    [Fact]
    public async Task Lists_filter_by_runtime_statefulness_fabric_and_desired_state()
    {
        var ns = NewNamespace();
        await Store.CreateJobAsync(ns, "flink-stateful", Revision("sha256:1", runtime: Runtime.Flink, stateful: true, fabrics: ["us-east-1a"]));
        await Store.CreateJobAsync(ns, "samza", Revision("sha256:2", runtime: Runtime.Samza, fabrics: ["eu-west-1a", "us-east-1a"]));
        var deletedId = await Store.CreateJobAsync(ns, "gone", Revision("sha256:3", runtime: Runtime.Samza));
        await Store.WriteAsync(async tx =>
        {
            await tx.SetDesiredStateAsync(deletedId, 1, DesiredState.Deleted, T0, "alice");
            return true;
        });

        async Task<string[]> Names(JobQuery query) => (await Store.ListJobsAsync(query with { Namespace = ns })).Select(j => j.Name).ToArray();

        Assert.Equal(["samza"], await Names(new JobQuery { Runtime = Runtime.Samza }));
        Assert.Equal(["flink-stateful"], await Names(new JobQuery { Stateful = true }));
        Assert.Equal(["samza"], await Names(new JobQuery { Stateful = false }));
        Assert.Equal(["flink-stateful", "samza"], await Names(new JobQuery { Fabric = "us-east-1a" }));
        Assert.Equal(["samza"], await Names(new JobQuery { Fabric = "eu-west-1a" }));
        Assert.Equal(["flink-stateful", "gone", "samza"], await Names(new JobQuery { IncludeDeleted = true }));
        Assert.Equal(["gone"], await Names(new JobQuery { DesiredState = DesiredState.Deleted }));
    }

    [Fact]
    public async Task Reads_and_writes_filters_follow_only_each_jobs_current_revision()
    {
        var ns = NewNamespace();
        var topic = $"kafka://tracking/{ns}-views";
        var moved = await Store.CreateJobAsync(ns, "moved", Revision("sha256:1", reads: [topic]));
        await Store.CreateJobAsync(ns, "reader", Revision("sha256:2", reads: [topic], writes: [$"kafka://tracking/{ns}-sessions"]));
        await Store.CreateJobAsync(ns, "writer", Revision("sha256:3", writes: [topic]));
        await Store.UpdateJobAsync(moved, 1, Revision("sha256:4", reads: [$"kafka://tracking/{ns}-other"]));

        Assert.Equal(["reader"], (await Store.ListJobsAsync(new JobQuery { ReadsDataset = topic })).Select(j => j.Name));
        Assert.Equal(["writer"], (await Store.ListJobsAsync(new JobQuery { WritesDataset = topic })).Select(j => j.Name));
        Assert.Empty(await Store.ListJobsAsync(new JobQuery { ReadsDataset = topic.ToUpperInvariant() }));

        var dataset = await Store.FindDatasetAsync(topic);
        var links = await Store.LinksOfDatasetsAsync([dataset!.Id], null);
        Assert.Equal([("reader", DatasetDirection.Read), ("writer", DatasetDirection.Write)], links.Select(l => (l.Name, l.Direction)));
    }

    [Fact]
    public async Task A_dataset_is_one_row_however_many_revisions_link_it_and_URIs_are_case_sensitive()
    {
        var ns = NewNamespace();
        var lower = $"kafka://c/{ns}-topic";
        var upper = $"kafka://c/{ns}-TOPIC";
        await Store.CreateJobAsync(ns, "one", Revision("sha256:1", reads: [lower]));
        await Store.CreateJobAsync(ns, "two", Revision("sha256:2", reads: [lower], writes: [upper]));

        var datasets = await Store.ListDatasetsAsync($"kafka://c/{ns}", null, 10);
        Assert.Equal([upper, lower], datasets.Select(d => d.Uri));
        Assert.Equal(("kafka", "c", $"{ns}-topic"), (datasets[1].System, datasets[1].Cluster, datasets[1].Name));
        await using var connection = await database.OpenRawAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM datasets WHERE uri = @Uri", new { Uri = lower }));
    }

    [Fact]
    public async Task Keyset_pages_neither_repeat_nor_skip_while_jobs_are_added()
    {
        var ns = NewNamespace();
        foreach (var name in new[] { "j01", "j03", "j05", "j07", "j09" })
            await Store.CreateJobAsync(ns, name, Revision("sha256:" + name));

        var first = await Store.ListJobsAsync(new JobQuery { Namespace = ns, Limit = 2 });
        await Store.CreateJobAsync(ns, "j02", Revision("sha256:j02"));
        await Store.CreateJobAsync(ns, "j04", Revision("sha256:j04"));
        var second = await Store.ListJobsAsync(new JobQuery { Namespace = ns, Limit = 2, After = (ns, first[^1].Name) });
        var third = await Store.ListJobsAsync(new JobQuery { Namespace = ns, Limit = 10, After = (ns, second[^1].Name) });

        Assert.Equal(["j01", "j03"], first.Select(j => j.Name));
        Assert.Equal(["j04", "j05"], second.Select(j => j.Name));
        Assert.Equal(["j07", "j09"], third.Select(j => j.Name));
    }

    [Fact]
    public async Task Paging_across_namespaces_orders_by_namespace_then_name()
    {
        var prefix = NewNamespace();
        await Store.CreateJobAsync(prefix + "-b", "a", Revision("sha256:1"));
        await Store.CreateJobAsync(prefix + "-a", "z", Revision("sha256:2"));
        await Store.CreateJobAsync(prefix + "-a", "y", Revision("sha256:3"));

        var page = await Store.ListJobsAsync(new JobQuery { After = (prefix + "-a", "y"), Limit = 2 });

        Assert.Equal([(prefix + "-a", "z"), (prefix + "-b", "a")], page.Take(2).Select(j => (j.Namespace, j.Name)));
    }

    [Fact]
    public async Task Audit_rows_filter_by_job_actor_action_target_and_time_newest_first()
    {
        var ns = NewNamespace();
        var jobId = await Store.CreateJobAsync(ns, "audited", Revision("sha256:1"), actor: "alice");
        await Store.WriteAsync(async tx =>
        {
            await tx.AppendAuditAsync(Audit(AuditAction.JobSuspend, ns, "audited", jobId, "bob", T0.AddMinutes(5)));
            await tx.AppendAuditAsync(Audit(AuditAction.JobResume, ns, "audited", jobId, "alice", T0.AddMinutes(10)));
            return true;
        });

        var all = await Store.ListAuditAsync(new AuditQuery { JobId = jobId });
        Assert.Equal([AuditAction.JobResume, AuditAction.JobSuspend, AuditAction.JobCreate], all.Select(a => a.Action));
        Assert.Equal([AuditAction.JobResume, AuditAction.JobCreate], (await Store.ListAuditAsync(new AuditQuery { JobId = jobId, Actor = "alice" })).Select(a => a.Action));
        Assert.Equal([AuditAction.JobSuspend], (await Store.ListAuditAsync(new AuditQuery { TargetPrefix = $"job/{ns}/", Since = T0.AddMinutes(1), Until = T0.AddMinutes(10) })).Select(a => a.Action));
        Assert.Equal([AuditAction.JobSuspend], (await Store.ListAuditAsync(new AuditQuery { JobId = jobId, Action = AuditAction.JobSuspend })).Select(a => a.Action));
        Assert.Equal([AuditAction.JobSuspend, AuditAction.JobCreate], (await Store.ListAuditAsync(new AuditQuery { JobId = jobId, BeforeId = all[0].Id })).Select(a => a.Action));
        Assert.Equal(T0.AddMinutes(10), all[0].At);
    }

    [Fact]
    public async Task A_request_id_is_unique_across_the_audit_log()
    {
        var ns = NewNamespace();
        var requestId = "req-" + ns;
        await Store.WriteAsync(tx => tx.AppendAuditAsync(Audit(AuditAction.JobSuspend, ns, "x", null, "alice", T0, requestId)));

        await Assert.ThrowsAsync<DuplicateKeyException>(() =>
            Store.WriteAsync(tx => tx.AppendAuditAsync(Audit(AuditAction.JobResume, ns, "x", null, "alice", T0, requestId))));
        Assert.Equal(AuditAction.JobSuspend, (await Store.FindAuditByRequestIdAsync(requestId))!.Action);
        // Request ids differ by case: "REQ-..." is another request.
        await Store.WriteAsync(tx => tx.AppendAuditAsync(Audit(AuditAction.JobResume, ns, "x", null, "alice", T0, requestId.ToUpperInvariant())));
    }

    [Fact]
    public async Task Seeding_stores_many_jobs_with_lineage_and_audit_in_one_call()
    {
        var ns = NewNamespace();
        var topic = $"kafka://bulk/{ns}-in";
        var jobs = Enumerable.Range(0, 1500).Select(i => new SeedJob(ns, $"job-{i:D4}",
            Revision($"sha256:{i}", labels: new Dictionary<string, string> { ["shard"] = (i % 3).ToString() },
                reads: [topic], writes: [$"kafka://bulk/{ns}-out-{i}"], fabrics: ["us-east-1a"]))).ToList();

        Assert.Equal(1500, await Store.SeedJobsAsync(jobs, "bench", "test", T0));
        await Store.AnalyzeAsync();

        var readers = await Store.ListJobsAsync(new JobQuery { ReadsDataset = topic, Limit = 2000 });
        Assert.Equal(1500, readers.Count);
        Assert.All(readers, j => Assert.Equal(1L, j.Revision));
        Assert.Equal(500, (await Store.ListJobsAsync(new JobQuery { Namespace = ns, Labels = [new("shard", LabelOperator.Equals, "1")], Limit = 2000 })).Count);
        var one = await Store.ListJobsAsync(new JobQuery { WritesDataset = $"kafka://bulk/{ns}-out-42" });
        Assert.Equal(["job-0042"], one.Select(j => j.Name));
        var seededId = one[0].Id;
        Assert.Equal(AuditAction.JobCreate, Assert.Single(await Store.ListAuditAsync(new AuditQuery { JobId = seededId })).Action);
        await Assert.ThrowsAsync<DuplicateKeyException>(() => Store.SeedJobsAsync(jobs.Take(1).ToList(), "bench", "test", T0));
    }

    [Fact]
    public async Task Fabrics_are_created_and_replaced()
    {
        var name = NewNamespace();
        await Store.WriteAsync(async tx => { await tx.PutFabricAsync(name, "{\"v\":1}", T0, "alice"); return true; });
        await Store.WriteAsync(async tx => { await tx.PutFabricAsync(name, "{\"v\":2}", T0.AddHours(1), "bob"); return true; });

        var fabric = Assert.Single(await Store.ListFabricsAsync(), f => f.Name == name);
        Assert.Equal(("{\"v\":2}", "bob", T0.AddHours(1)), (fabric.Config, fabric.UpdatedBy, fabric.UpdatedAt));
    }

    [Fact]
    public async Task Concurrent_writers_to_one_job_never_both_move_the_head_from_the_same_revision()
    {
        var ns = NewNamespace();
        var jobId = await Store.CreateJobAsync(ns, "hot", Revision("sha256:0"));
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            try
            {
                await Store.WriteAsync(async tx =>
                {
                    var job = await tx.LockJobAsync(ns, "hot");
                    var revisionId = await tx.InsertRevisionAsync(jobId, job!.Revision + 1, Revision($"sha256:w{i}"), $"writer-{i}", T0, null);
                    await tx.SetHeadAsync(jobId, job.Revision, job.Revision + 1, revisionId, DesiredState.Running, T0, $"writer-{i}");
                    return true;
                });
                return true;
            }
            catch (DuplicateKeyException)
            {
                return false;
            }
        })));

        // Locking the job row serializes writers: each one moves the head by exactly one revision.
        var revisions = await Store.ListRevisionsAsync(jobId, null, 100, includeSpec: false);
        Assert.Equal(results.Count(r => r) + 1, revisions.Count);
        Assert.Equal(Enumerable.Range(1, revisions.Count).Reverse().Select(i => (long)i), revisions.Select(r => r.Revision));
        Assert.Equal(revisions.Count, (await Store.FindJobAsync(ns, "hot", includeSpec: false))!.Revision);
    }
}

public sealed class SqliteStoreContractTests(SqliteTestDatabase database) : StoreContractTests<SqliteTestDatabase>(database);

public sealed class PostgresStoreContractTests(PostgresTestDatabase database) : StoreContractTests<PostgresTestDatabase>(database);

public sealed class MySqlStoreContractTests(MySqlTestDatabase database) : StoreContractTests<MySqlTestDatabase>(database);
