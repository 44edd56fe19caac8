using Sluice.Migration.Cutover;
using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Drivers.Local;
using Sluice.Runtimes.Faults;
using Sluice.Runtimes.Flink;
using Sluice.Spec.V1;
using JobRef = Sluice.Runtimes.Drivers.JobRef;

namespace Sluice.Migration.Tests;

/// <summary>
/// The guarded cut-over on the embedded default: SQLite ownership records and the Local driver. The driver's record
/// of running jobs is checked at every step: never two copies; after any injected failure, exactly one, restored
/// from the savepoint.
/// </summary>
public sealed class CutoverTests
{
    private const string Fabric = "local";
    private const string Name = "orders-enricher";
    private static readonly JobRef Job = new("shop", Name);

    private sealed class World
    {
        public required LocalRuntimeDriver Driver { get; init; }
        public required SqliteOwnershipStore Ownership { get; init; }
        public required FolderLegacyControlPlane Legacy { get; init; }
        public required string Folder { get; init; }
        public List<CutoverStep> Steps { get; } = [];

        public IReadOnlyList<LocalRun> Active() => Driver.ActiveRuns(Fabric).Where(run => run.Key.Job == Job).ToList();

        public GuardedCutover Cutover(Action<CutoverStep>? inject = null) => new(Legacy, Driver, Ownership,
            new CutoverOptions(Fabric, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(1)),
            step =>
            {
                Steps.Add(step);
                Assert.True(Active().Count <= 1, $"two copies of {Job} run at step {step}: {string.Join(", ", Active().Select(run => run.RunId))}");
                inject?.Invoke(step);
            });
    }

    /// <summary>A legacy FlinkDeployment that imports proven (with its annotations), running under the legacy control plane.</summary>
    private static async Task<World> StartLegacyJob(FaultPlan? faults = null)
    {
        var folder = Directory.CreateTempSubdirectory("sluice-cutover-").FullName;
        var spec = new JobSpec
        {
            Name = Name, Namespace = "shop", Runtime = Runtime.Flink,
            Artifact = new Artifact { Jar = new JarArtifact { Uri = "local:///opt/flink/usrlib/enricher.jar", EntryClass = "com.shop.Enricher" } },
            Sources = { new Dataset { System = "kafka", Cluster = "orders", Name = "orders" } },
            Sinks = { new Dataset { System = "kafka", Cluster = "orders", Name = "orders-enriched" } },
            State = new State { Stateful = true, Checkpointing = new Checkpointing { Interval = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(30)) } },
            Upgrade = new UpgradePolicy { Mode = UpgradeMode.Savepoint },
            Resources = new Resources { Parallelism = 2, Task = new ComputeSize { Cpu = 1, Memory = "2Gi" }, Coordinator = new ComputeSize { Cpu = 1, Memory = "1Gi" } },
        };
        var fabric = new Fabric
        {
            Name = "k8s",
            Flink = new FlinkFabric { Namespace = "shop", Image = "flink:2.1", FlinkVersion = "v2_1", ServiceAccount = "flink", CheckpointBaseDir = "s3://state/checkpoints", SavepointBaseDir = "s3://state/savepoints" },
        };
        var platform = new PlatformConfig { KafkaClusters = { new KafkaCluster { Name = "orders", BootstrapServers = "k1:9092" } }, Fabrics = { fabric } };
        File.WriteAllText(Path.Combine(folder, $"{Name}.yaml"), FlinkManifestWriter.ToYaml(FlinkDeploymentCompiler.Compile(spec, platform, fabric).Manifest));
        Directory.CreateDirectory(Path.Combine(folder, "annotations"));
        File.WriteAllText(Path.Combine(folder, "annotations", $"{Name}.yaml"), """
            namespace: shop
            systems: {orders: {bootstrapServers: "k1:9092"}}
            sources: [{cluster: orders, name: orders}]
            sinks: [{cluster: orders, name: orders-enriched}]
            """);

        var driver = new LocalRuntimeDriver(new LocalRuntimeOptions { Faults = faults ?? FaultPlan.None });
        var ownership = new SqliteOwnershipStore(Path.Combine(folder, "sluice.db"));
        var legacy = new FolderLegacyControlPlane(folder, new OwnershipGuardedDriver(driver, ownership, JobOwner.Legacy), Fabric, Shared.Reference);
        var handle = await legacy.StartAsync(Name, RestorePlan.Stateless);
        await driver.WaitUntilRunningAsync(handle, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(1));
        return new World { Driver = driver, Ownership = ownership, Legacy = legacy, Folder = folder };
    }

    [Fact]
    public async Task A_proven_job_moves_onto_sluice_restored_from_the_savepoint_and_never_runs_twice()
    {
        var world = await StartLegacyJob();

        var result = await world.Cutover().MigrateAsync(Name);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal([CutoverStep.Claimed, CutoverStep.SourceStopped, CutoverStep.TargetSubmitted, CutoverStep.TargetRunning, CutoverStep.Flipped], world.Steps);
        var running = Assert.Single(world.Active());
        Assert.Equal(GuardedCutover.MigratedRevision, running.Key.Revision);
        Assert.Equal(result.Savepoint, running.RestoredFrom);
        Assert.Equal(JobOwner.Sluice, (await world.Ownership.GetAsync(Job)).Owner);
        // The legacy side can no longer start the job it gave away.
        await Assert.ThrowsAsync<OwnershipConflictException>(() => world.Legacy.StartAsync(Name, RestorePlan.FromSavepoint(result.Savepoint!)));
        Assert.Single(world.Active());
    }

    public static IEnumerable<object[]> DriverFaults() =>
    [
        ["savepoint", 1, CrashTiming.BeforeEffect],
        ["suspend", 1, CrashTiming.BeforeEffect],
        ["suspend", 1, CrashTiming.AfterEffect],
        ["submit", 2, CrashTiming.BeforeEffect],
        ["submit", 2, CrashTiming.AfterEffect],
        ["observe", 2, CrashTiming.BeforeEffect],
    ];

    [Theory]
    [MemberData(nameof(DriverFaults))]
    public async Task A_failure_in_the_runtime_at_any_step_leaves_the_legacy_copy_alone_running(string operation, int call, CrashTiming timing)
    {
        var world = await StartLegacyJob(new FaultPlan { Crashes = [new CrashPoint(operation, call, timing)] });

        var result = await world.Cutover().MigrateAsync(Name);

        Assert.False(result.Succeeded);
        Assert.Contains("rolled back", result.Error);
        AssertLegacyAloneRunning(world, result);
    }

    [Theory]
    [InlineData(CutoverStep.Claimed)]
    [InlineData(CutoverStep.SourceStopped)]
    [InlineData(CutoverStep.TargetSubmitted)]
    [InlineData(CutoverStep.TargetRunning)]
    public async Task A_failure_at_any_step_before_the_flip_resumes_the_legacy_copy(CutoverStep failAt)
    {
        var world = await StartLegacyJob();

        var result = await world.Cutover(step =>
        {
            if (step == failAt)
            {
                throw new InvalidOperationException($"injected failure at {step}");
            }
        }).MigrateAsync(Name);

        Assert.False(result.Succeeded);
        Assert.Contains($"injected failure at {failAt}", result.Error);
        Assert.Equal(CutoverStep.RolledBack, world.Steps[^1]);
        AssertLegacyAloneRunning(world, result);
    }

    [Theory]
    [InlineData(CutoverStep.Claimed)]
    [InlineData(CutoverStep.SourceStopped)]
    [InlineData(CutoverStep.TargetSubmitted)]
    [InlineData(CutoverStep.TargetRunning)]
    public async Task A_cut_over_whose_process_died_is_recovered_to_the_legacy_copy(CutoverStep diesAt)
    {
        var world = await StartLegacyJob();
        // Cancellation is not a failure the cut-over rolls back: it stands for the process dying right there.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => world.Cutover(step =>
        {
            if (step == diesAt)
            {
                throw new OperationCanceledException($"process died at {step}");
            }
        }).MigrateAsync(Name));
        Assert.Equal(JobOwner.Migrating, (await world.Ownership.GetAsync(Job)).Owner);
        Assert.True(world.Active().Count <= 1);

        var recovered = await world.Cutover().RecoverAsync(Name);

        Assert.NotNull(recovered);
        Assert.False(recovered.Succeeded);
        AssertLegacyAloneRunning(world, recovered);
        Assert.Null(await world.Cutover().RecoverAsync(Name));
    }

    [Fact]
    public async Task A_cut_over_whose_claim_was_taken_over_cannot_start_the_sluice_copy()
    {
        var world = await StartLegacyJob();

        var result = await world.Cutover(step =>
        {
            if (step == CutoverStep.SourceStopped)
            {
                // Someone else (a second cut-over) raises the epoch: this one's fence is stale.
                var record = world.Ownership.GetAsync(Job).GetAwaiter().GetResult();
                world.Ownership.TransitionAsync(Job, JobOwner.Migrating, record.Epoch, JobOwner.Migrating, record.Savepoint).GetAwaiter().GetResult();
            }
        }).MigrateAsync(Name);

        Assert.False(result.Succeeded);
        Assert.Contains("may not start it", result.Error);
        AssertLegacyAloneRunning(world, result);
    }

    [Fact]
    public async Task The_ownership_record_of_a_cut_over_in_progress_says_where_the_state_is_and_where_it_came_from()
    {
        var world = await StartLegacyJob();
        OwnershipRecord? during = null;

        var result = await world.Cutover(step =>
        {
            if (step == CutoverStep.TargetSubmitted)
            {
                during = world.Ownership.GetAsync(Job).GetAwaiter().GetResult();
            }
        }).MigrateAsync(Name);

        Assert.Equal((JobOwner.Migrating, JobOwner.Legacy, 2L), (during!.Owner, during.From, during.Epoch));
        Assert.NotNull(during.Savepoint);
        Assert.Equal(Assert.Single(world.Active()).RestoredFrom, during.Savepoint);
        Assert.Equal(result.Savepoint, during.Savepoint);
        var after = await world.Ownership.GetAsync(Job);
        Assert.Equal((JobOwner.Sluice, JobOwner.Migrating, 3L), (after.Owner, after.From, after.Epoch));
    }

    [Fact]
    public async Task Eject_moves_the_job_back_and_writes_its_legacy_config()
    {
        var world = await StartLegacyJob();
        var migrated = await world.Cutover().MigrateAsync(Name);
        world.Steps.Clear();

        var ejected = await world.Cutover().EjectAsync(Name, migrated.Running!);

        Assert.True(ejected.Succeeded, ejected.Error);
        var running = Assert.Single(world.Active());
        Assert.Equal(0, running.Key.Revision);
        Assert.Equal(ejected.Savepoint, running.RestoredFrom);
        Assert.Equal(JobOwner.Legacy, (await world.Ownership.GetAsync(Job)).Owner);
        Assert.True(File.Exists(Path.Combine(world.Folder, $"{Name}.yaml.before-eject")));
        Assert.Equal(Report.MigrationStatus.Proven, world.Legacy.Import(Name).Report.Status);
    }

    [Fact]
    public async Task A_job_that_is_not_proven_is_not_moved()
    {
        var world = await StartLegacyJob();
        File.Delete(Path.Combine(world.Folder, "annotations", $"{Name}.yaml"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => world.Cutover().MigrateAsync(Name));

        Assert.Contains("missing-information, not proven", error.Message);
        Assert.Equal(0, Assert.Single(world.Active()).Key.Revision);
        Assert.Equal(JobOwner.Legacy, (await world.Ownership.GetAsync(Job)).Owner);
    }

    private static void AssertLegacyAloneRunning(World world, CutoverResult result)
    {
        var running = Assert.Single(world.Active());
        Assert.Equal(0, running.Key.Revision);
        if (running.Key.Attempt > 1)
        {
            // The legacy copy was stopped and resumed: from the cut-over's savepoint, never from scratch.
            Assert.NotNull(result.Savepoint);
            Assert.Equal(result.Savepoint, running.RestoredFrom);
        }
        Assert.Equal(CutoverStep.RolledBack, world.Steps[^1]);
        Assert.Equal(JobOwner.Legacy, world.Ownership.GetAsync(Job).GetAwaiter().GetResult().Owner);
    }
}
