using Sluice.Deployment.Workflow;
using Sluice.Migration.Report;
using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Drivers.Local;
using Sluice.Runtimes.Faults;
using Sluice.Spec.V1;
using Sluice.Store.Deployments;
using Sluice.Store.Ownership;

namespace Sluice.Deployment.Tests.Cutover;

/// <summary>
/// The guarded cut-over of a stateful Samza job. Samza has no savepoints: its stores come back from their changelog
/// topics and its inputs from the last checkpoint, so every restore here is last-state, from the checkpoint of the copy
/// that ran before, and no savepoint resource is recorded. Same guarantees as the Flink cut-over: the Local driver's
/// record of running copies is checked after every step (never two), and after any failure exactly one copy runs.
/// </summary>
public sealed class SamzaCutoverWorkflowTests
{
    private const string SamzaLastState =
        "restore: last state (Samza has no savepoints: the stores restore from their changelog topics, the inputs resume from the last checkpointed offsets)";

    public static readonly TheoryData<string> Databases = new() { "sqlite", "postgres" };

    private static Task<CutoverHarness> StartAsync(string dialect = "sqlite", FaultPlan? faults = null) =>
        CutoverHarness.StartAsync(dialect, faults, Runtime.Samza);

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_samza_job_moves_onto_sluice_restored_from_its_changelogs_and_last_checkpoint_and_never_runs_twice(string dialect)
    {
        await using var world = await StartAsync(dialect);
        var legacy = Assert.Single(world.Active());
        Assert.Equal(MigrationStatus.Proven, world.Legacy.Import(world.Name).Report.Status);

        var migrate = await world.Commands.MigrateAsync(world.Name, null, "tester");
        var done = await world.DriveAsync(migrate.Id);

        Assert.True(done.State == DeploymentState.Succeeded, done.Error);
        Assert.Equal([DeploymentState.Savepointing, DeploymentState.Stopping, DeploymentState.Provisioning, DeploymentState.Rendering,
            DeploymentState.Submitting, DeploymentState.Observing, DeploymentState.Succeeded], world.States);
        var running = Assert.Single(world.Active());
        Assert.Equal((done.Revision, RestoreMode.LastState), (running.Key.Revision, running.RestoreMode));
        Assert.Equal((RestoreKind.LastState, (string?)null), (done.Restore, done.RestorePath));
        AssertRestoredFromCheckpointOf(legacy, running);
        Assert.DoesNotContain(await world.Store.ResourcesAsync(world.Job, world.Fabric), r => r.Kind == ResourceKind.Savepoint);
        var owner = await world.Store.OwnershipAsync(world.Job);
        Assert.Equal((JobOwner.Sluice, 3L, (string?)null), (owner.Owner, owner.Epoch, owner.Savepoint));
        var events = await world.EventsAsync(migrate.Id);
        Assert.Contains(events, e => e.StartsWith("stopping: ") && e.Contains("Samza job: no savepoint; its stores restore from their changelog topics"));
        Assert.Contains(events, e => e.StartsWith("observing: submitted") && e.Contains(SamzaLastState));
        Assert.DoesNotContain(events, e => e.Contains("restore: savepoint"));
        Assert.Contains(events, e => e.StartsWith("succeeded: running") && e.Contains("ownership flipped migrating → sluice at epoch 3"));
        var refused = await Assert.ThrowsAsync<OwnershipConflictException>(() => world.Legacy.StartAsync(world.Name, RestorePlan.LastState));
        Assert.Contains("owned by sluice", refused.Message);
        Assert.Single(world.Active());
    }

    public static TheoryData<string, string, int, CrashTiming, bool> DriverFaults() => new()
    {
        // (database, driver operation, first failing call, timing, fails on every retry). The driver serves both sides:
        // submit 1 started the legacy copy, suspend 1 stops it, submit 2 is Sluice's copy. There is no savepoint call.
        { "sqlite", "suspend", 1, CrashTiming.BeforeEffect, true },
        { "sqlite", "suspend", 1, CrashTiming.BeforeEffect, false },
        { "sqlite", "suspend", 1, CrashTiming.AfterEffect, true },
        { "sqlite", "submit", 2, CrashTiming.BeforeEffect, true },
        { "sqlite", "submit", 2, CrashTiming.BeforeEffect, false },
        { "sqlite", "submit", 2, CrashTiming.AfterEffect, true },
        { "sqlite", "submit", 2, CrashTiming.AfterEffect, false },
        { "sqlite", "observe", 6, CrashTiming.BeforeEffect, false },
        { "postgres", "submit", 2, CrashTiming.AfterEffect, true },
    };

    [Theory]
    [MemberData(nameof(DriverFaults))]
    public async Task A_failure_in_the_runtime_at_any_step_leaves_exactly_one_samza_copy_running_restored_from_the_last_state(
        string dialect, string operation, int call, CrashTiming timing, bool persistent)
    {
        var crashes = Enumerable.Range(call, persistent ? 3 : 1).Select(n => new CrashPoint(operation, n, timing)).ToList();
        await using var world = await StartAsync(dialect, new FaultPlan { Crashes = crashes });
        var legacy = Assert.Single(world.Active());

        var migrate = await world.Commands.MigrateAsync(world.Name, null, "tester");
        var done = await world.DriveAsync(migrate.Id);

        var running = Assert.Single(world.Active());
        var owner = await world.Store.OwnershipAsync(world.Job);
        Assert.Null(done.RestorePath);
        if (done.State == DeploymentState.Succeeded)
        {
            // A fault the retries absorbed: the job moved, restored from the legacy copy's last state.
            Assert.False(persistent && timing == CrashTiming.BeforeEffect, "a failure on every retry must roll the cut-over back");
            Assert.Equal(done.Revision, running.Key.Revision);
            AssertRestoredFromCheckpointOf(legacy, running);
            Assert.Equal(JobOwner.Sluice, owner.Owner);
            return;
        }
        Assert.Equal(DeploymentState.Failed, done.State);
        Assert.StartsWith("cut-over rolled back: ", done.Error);
        Assert.Contains(DeploymentState.Reverting, world.States);
        Assert.Equal(0, running.Key.Revision);
        if (running.Key.Attempt > 1)
        {
            // The legacy copy was stopped and resumed: from its changelogs and last checkpoint, never from scratch.
            Assert.Equal(RestoreMode.LastState, running.RestoreMode);
            Assert.NotNull(running.RestoredFrom);
            Assert.Contains(await world.EventsAsync(migrate.Id), e => e.Contains("resumed the legacy copy") && e.Contains(SamzaLastState));
        }
        Assert.Equal((JobOwner.Legacy, (long?)null), (owner.Owner, owner.DeploymentId));
    }

    [Theory]
    [InlineData(DeploymentState.Savepointing)]
    [InlineData(DeploymentState.Stopping)]
    [InlineData(DeploymentState.Provisioning)]
    [InlineData(DeploymentState.Rendering)]
    [InlineData(DeploymentState.Submitting)]
    [InlineData(DeploymentState.Observing)]
    public async Task A_samza_cut_over_cancelled_at_any_step_before_the_flip_resumes_the_legacy_copy_from_its_last_state(DeploymentState cancelAt)
    {
        await using var world = await StartAsync();
        var legacy = Assert.Single(world.Active());
        var migrate = await world.Commands.MigrateAsync(world.Name, null, "tester");
        await world.DriveAsync(migrate.Id, until: d => d.State == cancelAt);
        await world.Deployments.CancelAsync(migrate.Id);

        var done = await world.DriveAsync(migrate.Id);

        Assert.Equal(DeploymentState.Cancelled, done.State);
        var running = Assert.Single(world.Active());
        Assert.Equal(0, running.Key.Revision);
        // Cancelled before its Stopping step ran, the legacy copy never stopped; after it, it was resumed.
        if (cancelAt is DeploymentState.Savepointing or DeploymentState.Stopping)
        {
            Assert.Equal(legacy.RunId, running.RunId);
        }
        else
        {
            Assert.Equal(2, running.Key.Attempt);
            Assert.Equal(RestoreMode.LastState, running.RestoreMode);
            Assert.NotNull(running.RestoredFrom);
        }
        Assert.Equal(JobOwner.Legacy, (await world.Store.OwnershipAsync(world.Job)).Owner);
        Assert.Contains(await world.EventsAsync(migrate.Id), e => e.StartsWith("cancelled: the legacy copy runs again"));
    }

    [Theory]
    [InlineData(DeploymentState.Savepointing)]
    [InlineData(DeploymentState.Stopping)]
    [InlineData(DeploymentState.Submitting)]
    [InlineData(DeploymentState.Observing)]
    public async Task A_samza_cut_over_whose_worker_died_is_finished_by_the_worker_that_takes_its_shard_over(DeploymentState diesIn)
    {
        await using var world = await StartAsync();
        var legacy = Assert.Single(world.Active());
        var migrate = await world.Commands.MigrateAsync(world.Name, null, "tester");
        var stranded = await world.DriveAsync(migrate.Id, until: d => d.State == diesIn);

        var done = await world.DriveAsync(migrate.Id, world.Engine(), owner: "worker-b", leaseAt: DateTimeOffset.UtcNow.AddMinutes(10));
        var stale = await world.FenceAsync("worker-a", stranded.Shard, DateTimeOffset.UtcNow);
        await Assert.ThrowsAsync<FencedOutException>(() => world.Engine().StepAsync(stale, stranded));

        Assert.Equal(DeploymentState.Succeeded, done.State);
        var running = Assert.Single(world.Active());
        Assert.Equal(done.Revision, running.Key.Revision);
        AssertRestoredFromCheckpointOf(legacy, running);
        Assert.Equal(JobOwner.Sluice, (await world.Store.OwnershipAsync(world.Job)).Owner);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Eject_moves_a_samza_job_back_from_its_last_state_and_writes_its_properties(string dialect)
    {
        await using var world = await StartAsync(dialect);
        await world.DriveAsync((await world.Commands.MigrateAsync(world.Name, null, "tester")).Id);
        var onSluice = Assert.Single(world.Active());
        world.States.Clear();

        var eject = await world.Commands.EjectAsync(world.Name, null, "tester");
        var done = await world.DriveAsync(eject.Id);

        Assert.True(done.State == DeploymentState.Succeeded, done.Error);
        // No savepoint step: Samza has none.
        Assert.Equal([DeploymentState.Stopping, DeploymentState.Submitting, DeploymentState.Observing, DeploymentState.Succeeded], world.States);
        var running = Assert.Single(world.Active());
        Assert.Equal(0, running.Key.Revision);
        AssertRestoredFromCheckpointOf(onSluice, running);
        Assert.Equal((RestoreKind.LastState, (string?)null), (done.Restore, done.RestorePath));
        Assert.Equal(JobOwner.Legacy, (await world.Store.OwnershipAsync(world.Job)).Owner);
        Assert.True(File.Exists(Path.Combine(world.Folder, $"{world.Name}.properties.before-eject")));
        Assert.True(File.Exists(Path.Combine(world.Folder, $"{world.Name}.properties")));
        Assert.Equal(MigrationStatus.Proven, world.Legacy.Import(world.Name).Report.Status);
        var events = await world.EventsAsync(eject.Id);
        Assert.Contains(events, e => e.Contains("started the legacy copy") && e.Contains(SamzaLastState));
        Assert.DoesNotContain(await world.Store.ResourcesAsync(world.Job, world.Fabric), r => r.Kind == ResourceKind.Savepoint);
        // And it can move onto Sluice again.
        Assert.Equal(DeploymentState.Succeeded, (await world.DriveAsync((await world.Commands.MigrateAsync(world.Name, null, "tester")).Id)).State);
        Assert.Single(world.Active());
    }

    [Theory]
    [InlineData(DeploymentState.Stopping)]
    [InlineData(DeploymentState.Submitting)]
    public async Task A_samza_eject_cancelled_before_the_hand_over_resumes_the_sluice_copy_from_its_last_state(DeploymentState cancelAt)
    {
        await using var world = await StartAsync();
        var migrated = await world.DriveAsync((await world.Commands.MigrateAsync(world.Name, null, "tester")).Id);
        var onSluice = Assert.Single(world.Active());
        var eject = await world.Commands.EjectAsync(world.Name, null, "tester");
        await world.DriveAsync(eject.Id, until: d => d.State == cancelAt);
        await world.Deployments.CancelAsync(eject.Id);

        var done = await world.DriveAsync(eject.Id);

        Assert.Equal(DeploymentState.Cancelled, done.State);
        var running = Assert.Single(world.Active());
        Assert.Equal(migrated.Revision, running.Key.Revision);
        if (cancelAt == DeploymentState.Submitting)
        {
            // Stopped for the hand-over, then resumed from its own last state.
            Assert.NotEqual(onSluice.RunId, running.RunId);
            AssertRestoredFromCheckpointOf(onSluice, running);
        }
        else
        {
            Assert.Equal(onSluice.RunId, running.RunId);
        }
        Assert.Equal(JobOwner.Sluice, (await world.Store.OwnershipAsync(world.Job)).Owner);
    }

    /// <summary>A last-state restore of this job: from the checkpoint the copy that stopped before it left.</summary>
    private static void AssertRestoredFromCheckpointOf(LocalRun before, LocalRun after)
    {
        Assert.Equal(RestoreMode.LastState, after.RestoreMode);
        Assert.NotNull(after.RestoredFrom);
        Assert.EndsWith($"/{before.RunId}/chk-latest", after.RestoredFrom);
    }
}
