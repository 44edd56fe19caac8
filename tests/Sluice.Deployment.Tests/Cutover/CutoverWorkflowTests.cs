using Sluice.Deployment.Workflow;
using Sluice.Migration.Report;
using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Faults;
using Sluice.Store.Deployments;
using Sluice.Store.Ownership;

namespace Sluice.Deployment.Tests.Cutover;

/// <summary>
/// The guarded cut-over as a deployment kind, run by the workflow on the embedded default (SQLite) and on PostgreSQL.
/// The Local driver's record of running copies is checked after every step: never two; after any failure, exactly
/// one, restored from the cut-over's savepoint.
/// </summary>
public sealed class CutoverWorkflowTests
{
    public static readonly TheoryData<string> Databases = new() { "sqlite", "postgres" };

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_proven_job_moves_onto_sluice_restored_from_the_legacy_savepoint_and_never_runs_twice(string dialect)
    {
        await using var world = await CutoverHarness.StartAsync(dialect);

        var migrate = await world.Commands.MigrateAsync(CutoverHarness.Name, null, "tester");
        var done = await world.DriveAsync(migrate.Id);

        Assert.Equal(DeploymentState.Succeeded, done.State);
        Assert.Equal([DeploymentState.Savepointing, DeploymentState.Stopping, DeploymentState.Provisioning, DeploymentState.Rendering,
            DeploymentState.Submitting, DeploymentState.Observing, DeploymentState.Succeeded], world.States);
        var running = Assert.Single(world.Active());
        Assert.Equal(done.Revision, running.Key.Revision);
        Assert.NotNull(done.RestorePath);
        Assert.Equal(done.RestorePath, running.RestoredFrom);
        var owner = await world.Store.OwnershipAsync(CutoverHarness.Job);
        Assert.Equal((JobOwner.Sluice, JobOwner.Migrating, 3L, done.RestorePath), (owner.Owner, owner.From, owner.Epoch, owner.Savepoint));
        var events = await world.EventsAsync(migrate.Id);
        Assert.Contains(events, e => e.Contains("ownership legacy → migrating at epoch 1"));
        Assert.Contains(events, e => e.Contains($"savepoint cutover-d{migrate.Id} of the legacy copy at {done.RestorePath}"));
        Assert.Contains(events, e => e.Contains("stopped the legacy copy"));
        Assert.Contains(events, e => e.Contains($"restore: savepoint {done.RestorePath}"));
        Assert.Contains(events, e => e.StartsWith("succeeded: running") && e.Contains("ownership flipped migrating → sluice at epoch 3"));
        // The legacy side can no longer start the job it gave away.
        var refused = await Assert.ThrowsAsync<OwnershipConflictException>(() => world.Legacy.StartAsync(CutoverHarness.Name, RestorePlan.LastState));
        Assert.Contains("owned by sluice", refused.Message);
        Assert.Single(world.Active());
    }

    [Fact]
    public async Task Every_sluice_deploy_path_refuses_a_job_its_legacy_control_plane_owns_naming_the_owner()
    {
        await using var world = await CutoverHarness.StartAsync("sqlite");
        world.Specs.Apply(world.Legacy.Import(CutoverHarness.Name).Import.Spec);

        var deploy = Assert.Single(await world.Deployments.DeployAsync(CutoverHarness.Job, world.Fabric, "tester"));
        var done = await world.DriveAsync(deploy.Id);

        Assert.Equal(DeploymentState.Failed, done.State);
        Assert.Contains($"{CutoverHarness.Job} is owned by legacy (epoch 0): Sluice may not start it; move it with `sluice migrate {CutoverHarness.Name}`", done.Error);
        Assert.Equal(0, Assert.Single(world.Active()).Key.Revision);
    }

    [Fact]
    public async Task After_the_cut_over_an_ordinary_deploy_of_the_job_runs_on_sluice()
    {
        await using var world = await CutoverHarness.StartAsync("sqlite");
        await world.DriveAsync((await world.Commands.MigrateAsync(CutoverHarness.Name, null, "tester")).Id);
        var migrated = (await world.Specs.GetHeadAsync(CutoverHarness.Job))!.Value.Spec.Clone();
        migrated.Resources.Parallelism = 3;
        world.Specs.Apply(migrated);

        var update = Assert.Single(await world.Deployments.DeployAsync(CutoverHarness.Job, world.Fabric, "tester"));
        var done = await world.DriveAsync(update.Id);

        Assert.Equal((DeploymentKind.Update, DeploymentState.Succeeded), (done.Kind, done.State));
        Assert.Equal(2, Assert.Single(world.Active()).Key.Revision);
    }

    [Fact]
    public async Task A_job_that_is_not_proven_is_not_moved()
    {
        await using var world = await CutoverHarness.StartAsync("sqlite");
        File.Delete(Path.Combine(world.Folder, "annotations", $"{CutoverHarness.Name}.yaml"));

        var refused = await Assert.ThrowsAsync<DeploymentRequestException>(() => world.Commands.MigrateAsync(CutoverHarness.Name, null, "tester"));

        Assert.Contains("missing-information, not proven", refused.Message);
        Assert.Equal(0, Assert.Single(world.Active()).Key.Revision);
        Assert.Equal(JobOwner.Legacy, (await world.Store.OwnershipAsync(CutoverHarness.Job)).Owner);
    }

    public static TheoryData<string, string, int, CrashTiming, bool> DriverFaults() => new()
    {
        // (database, driver operation, first failing call, timing, fails on every retry). The driver serves both sides:
        // savepoint 1 and suspend 1 are the legacy copy's, submit 1 started the legacy copy, submit 2 is Sluice's.
        { "sqlite", "savepoint", 1, CrashTiming.BeforeEffect, true },
        { "sqlite", "savepoint", 1, CrashTiming.BeforeEffect, false },
        { "sqlite", "suspend", 1, CrashTiming.BeforeEffect, true },
        { "sqlite", "suspend", 1, CrashTiming.AfterEffect, true },
        { "sqlite", "submit", 2, CrashTiming.BeforeEffect, true },
        { "sqlite", "submit", 2, CrashTiming.AfterEffect, true },
        { "sqlite", "submit", 2, CrashTiming.AfterEffect, false },
        { "sqlite", "observe", 6, CrashTiming.BeforeEffect, false },
        { "postgres", "submit", 2, CrashTiming.AfterEffect, true },
    };

    [Theory]
    [MemberData(nameof(DriverFaults))]
    public async Task A_failure_in_the_runtime_at_any_step_leaves_exactly_one_copy_running_restored_from_the_savepoint(
        string dialect, string operation, int call, CrashTiming timing, bool persistent)
    {
        var crashes = Enumerable.Range(call, persistent ? 3 : 1).Select(n => new CrashPoint(operation, n, timing)).ToList();
        await using var world = await CutoverHarness.StartAsync(dialect, new FaultPlan { Crashes = crashes });

        var migrate = await world.Commands.MigrateAsync(CutoverHarness.Name, null, "tester");
        var done = await world.DriveAsync(migrate.Id);

        var running = Assert.Single(world.Active());
        var owner = await world.Store.OwnershipAsync(CutoverHarness.Job);
        if (done.State == DeploymentState.Succeeded)
        {
            // A fault the retries absorbed: the job moved, restored from the savepoint.
            Assert.False(persistent && timing == CrashTiming.BeforeEffect, "a failure on every retry must roll the cut-over back");
            Assert.Equal((done.Revision, done.RestorePath), (running.Key.Revision, running.RestoredFrom));
            Assert.Equal(JobOwner.Sluice, owner.Owner);
            return;
        }
        Assert.Equal(DeploymentState.Failed, done.State);
        Assert.StartsWith("cut-over rolled back: ", done.Error);
        Assert.Contains(DeploymentState.Reverting, world.States);
        Assert.Equal(0, running.Key.Revision);
        if (running.Key.Attempt > 1)
        {
            // The legacy copy was stopped and resumed: from the cut-over's savepoint, never from scratch.
            Assert.NotNull(done.RestorePath);
            Assert.Equal(done.RestorePath, running.RestoredFrom);
        }
        Assert.Equal((JobOwner.Legacy, (long?)null), (owner.Owner, owner.DeploymentId));
    }

    [Theory]
    [InlineData(DeploymentState.Savepointing)]
    [InlineData(DeploymentState.Stopping)]
    [InlineData(DeploymentState.Rendering)]
    [InlineData(DeploymentState.Submitting)]
    [InlineData(DeploymentState.Observing)]
    public async Task A_cut_over_cancelled_at_any_step_before_the_flip_resumes_the_legacy_copy_from_the_savepoint(DeploymentState cancelAt)
    {
        await using var world = await CutoverHarness.StartAsync("sqlite");
        var migrate = await world.Commands.MigrateAsync(CutoverHarness.Name, null, "tester");
        await world.DriveAsync(migrate.Id, until: d => d.State == cancelAt);
        await world.Deployments.CancelAsync(migrate.Id);

        var done = await world.DriveAsync(migrate.Id);

        Assert.Equal(DeploymentState.Cancelled, done.State);
        var running = Assert.Single(world.Active());
        Assert.Equal(0, running.Key.Revision);
        // Cancelled before its Stopping step ran, the legacy copy never stopped; after it, it was resumed.
        Assert.Equal(cancelAt is DeploymentState.Savepointing or DeploymentState.Stopping ? 1 : 2, running.Key.Attempt);
        if (running.Key.Attempt > 1) Assert.Equal(done.RestorePath, running.RestoredFrom);
        Assert.Equal(JobOwner.Legacy, (await world.Store.OwnershipAsync(CutoverHarness.Job)).Owner);
        Assert.Contains((await world.EventsAsync(migrate.Id)), e => e.StartsWith("cancelled: the legacy copy runs again"));
    }

    [Theory]
    [InlineData(DeploymentState.Stopping)]
    [InlineData(DeploymentState.Submitting)]
    [InlineData(DeploymentState.Observing)]
    [InlineData(DeploymentState.Reverting)]
    public async Task A_cut_over_whose_worker_died_is_finished_by_the_worker_that_takes_its_shard_over(DeploymentState diesIn)
    {
        var faults = diesIn == DeploymentState.Reverting ? new FaultPlan { Crashes = [.. Enumerable.Range(1, 3).Select(n => new CrashPoint("savepoint", n, CrashTiming.BeforeEffect))] } : null;
        await using var world = await CutoverHarness.StartAsync("sqlite", faults);
        var migrate = await world.Commands.MigrateAsync(CutoverHarness.Name, null, "tester");
        var stranded = await world.DriveAsync(migrate.Id, until: d => d.State == diesIn);

        // Worker A stops answering; its lease expires and worker B, with its own engine, takes the shard.
        var later = DateTimeOffset.UtcNow.AddMinutes(10);
        var done = await world.DriveAsync(migrate.Id, world.Engine(), owner: "worker-b", leaseAt: later);
        var stale = await world.FenceAsync("worker-a", stranded.Shard, DateTimeOffset.UtcNow);
        await Assert.ThrowsAsync<FencedOutException>(() => world.Engine().StepAsync(stale, stranded));

        var running = Assert.Single(world.Active());
        if (diesIn == DeploymentState.Reverting)
        {
            Assert.Equal((DeploymentState.Failed, 0L, JobOwner.Legacy), (done.State, running.Key.Revision, (await world.Store.OwnershipAsync(CutoverHarness.Job)).Owner));
        }
        else
        {
            Assert.Equal((DeploymentState.Succeeded, done.Revision, JobOwner.Sluice), (done.State, running.Key.Revision, (await world.Store.OwnershipAsync(CutoverHarness.Job)).Owner));
            Assert.Equal(done.RestorePath, running.RestoredFrom);
        }
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Eject_moves_the_job_back_restored_from_a_savepoint_and_writes_its_legacy_config(string dialect)
    {
        await using var world = await CutoverHarness.StartAsync(dialect);
        await world.DriveAsync((await world.Commands.MigrateAsync(CutoverHarness.Name, null, "tester")).Id);
        world.States.Clear();

        var eject = await world.Commands.EjectAsync(CutoverHarness.Name, null, "tester");
        var done = await world.DriveAsync(eject.Id);

        Assert.Equal(DeploymentState.Succeeded, done.State);
        Assert.Equal([DeploymentState.Savepointing, DeploymentState.Stopping, DeploymentState.Submitting, DeploymentState.Observing, DeploymentState.Succeeded], world.States);
        var running = Assert.Single(world.Active());
        Assert.Equal(0, running.Key.Revision);
        Assert.NotNull(done.RestorePath);
        Assert.Equal(done.RestorePath, running.RestoredFrom);
        Assert.Equal(JobOwner.Legacy, (await world.Store.OwnershipAsync(CutoverHarness.Job)).Owner);
        Assert.True(File.Exists(Path.Combine(world.Folder, $"{CutoverHarness.Name}.yaml.before-eject")));
        Assert.Equal(MigrationStatus.Proven, world.Legacy.Import(CutoverHarness.Name).Report.Status);
        // Sluice can no longer start it; the job can be migrated again.
        var redeploy = Assert.Single(await world.Deployments.DeployAsync(CutoverHarness.Job, world.Fabric, "tester"));
        Assert.Contains("owned by legacy", (await world.DriveAsync(redeploy.Id)).Error);
        Assert.Equal(DeploymentState.Succeeded, (await world.DriveAsync((await world.Commands.MigrateAsync(CutoverHarness.Name, null, "tester")).Id)).State);
        Assert.Single(world.Active());
    }

    [Theory]
    [InlineData(DeploymentState.Savepointing)]
    [InlineData(DeploymentState.Stopping)]
    [InlineData(DeploymentState.Submitting)]
    public async Task An_eject_cancelled_before_the_hand_over_resumes_the_sluice_copy_from_the_savepoint(DeploymentState cancelAt)
    {
        await using var world = await CutoverHarness.StartAsync("sqlite");
        var migrated = await world.DriveAsync((await world.Commands.MigrateAsync(CutoverHarness.Name, null, "tester")).Id);
        var eject = await world.Commands.EjectAsync(CutoverHarness.Name, null, "tester");
        await world.DriveAsync(eject.Id, until: d => d.State == cancelAt);
        await world.Deployments.CancelAsync(eject.Id);

        var done = await world.DriveAsync(eject.Id);

        Assert.Equal(DeploymentState.Cancelled, done.State);
        var running = Assert.Single(world.Active());
        Assert.Equal(migrated.Revision, running.Key.Revision);
        if (cancelAt == DeploymentState.Submitting)
        {
            // Stopped for the hand-over, then resumed from the eject's savepoint.
            Assert.Contains("eject-d", done.RestorePath);
            Assert.Equal(done.RestorePath, running.RestoredFrom);
            Assert.NotEqual(migrated.RuntimeId, running.RunId);
        }
        else
        {
            // Cancelled before its Stopping step ran: the Sluice copy was never stopped.
            Assert.Equal(migrated.RuntimeId, running.RunId);
        }
        Assert.Equal(JobOwner.Sluice, (await world.Store.OwnershipAsync(CutoverHarness.Job)).Owner);
    }

    [Theory]
    [InlineData(DeploymentState.Stopping)]
    [InlineData(DeploymentState.Submitting)]
    [InlineData(DeploymentState.Observing)]
    public async Task An_eject_whose_worker_died_is_recovered_by_the_worker_that_takes_its_shard_over(DeploymentState diesIn)
    {
        await using var world = await CutoverHarness.StartAsync("sqlite");
        await world.DriveAsync((await world.Commands.MigrateAsync(CutoverHarness.Name, null, "tester")).Id);
        var eject = await world.Commands.EjectAsync(CutoverHarness.Name, null, "tester");
        await world.DriveAsync(eject.Id, until: d => d.State == diesIn);

        var done = await world.DriveAsync(eject.Id, world.Engine(), owner: "worker-b", leaseAt: DateTimeOffset.UtcNow.AddMinutes(10));

        Assert.Equal(DeploymentState.Succeeded, done.State);
        var running = Assert.Single(world.Active());
        Assert.Equal((0L, done.RestorePath), (running.Key.Revision, running.RestoredFrom));
        Assert.Equal(JobOwner.Legacy, (await world.Store.OwnershipAsync(CutoverHarness.Job)).Owner);
    }

    [Fact]
    public async Task A_second_cut_over_of_a_job_already_moved_fails_naming_the_owner_and_changes_nothing()
    {
        await using var world = await CutoverHarness.StartAsync("sqlite");
        await world.DriveAsync((await world.Commands.MigrateAsync(CutoverHarness.Name, null, "tester")).Id);

        var refused = await Assert.ThrowsAsync<DeploymentRequestException>(() => world.Commands.MigrateAsync(CutoverHarness.Name, null, "tester"));

        Assert.Contains("shop/orders-enricher is owned by sluice (epoch 3)", refused.Message);
        Assert.Single(world.Active());
    }

    [Theory]
    [InlineData(DeploymentState.Submitting)]
    [InlineData(DeploymentState.Observing)]
    public async Task A_cut_over_whose_claim_was_taken_over_starts_nothing_more_and_stops_what_it_started(DeploymentState takenIn)
    {
        await using var world = await CutoverHarness.StartAsync("sqlite");
        var migrate = await world.Commands.MigrateAsync(CutoverHarness.Name, null, "tester");
        await world.DriveAsync(migrate.Id, until: d => d.State == takenIn);
        // Someone else (an operator, a second cut-over) takes the record over: this cut-over's hold is gone.
        var held = await world.Ownership.GetAsync(CutoverHarness.Job);
        await world.Ownership.ChangeAsync(new OwnershipChange(CutoverHarness.Job, JobOwner.Migrating, held.Epoch, JobOwner.Migrating, held.Savepoint, 999),
            DateTimeOffset.UtcNow);

        var done = await world.DriveAsync(migrate.Id);

        Assert.Equal(DeploymentState.Failed, done.State);
        Assert.Contains("no longer holds it", done.Error);
        Assert.Contains((await world.EventsAsync(migrate.Id)), e => e.Contains("left to its holder"));
        // The legacy copy was stopped before the takeover and this cut-over may not resume it; its Sluice copy is stopped.
        Assert.Empty(world.Active());
        Assert.Equal((JobOwner.Migrating, 999L), ((await world.Ownership.GetAsync(CutoverHarness.Job)).Owner, (await world.Ownership.GetAsync(CutoverHarness.Job)).DeploymentId));
    }

    [Fact]
    public async Task After_the_hand_over_an_eject_whose_legacy_copy_will_not_start_fails_leaving_the_job_to_the_legacy_side()
    {
        // Submit 1 started the legacy copy, 2 the migrated Sluice copy; 3 to 5 are the eject's legacy starts.
        var faults = new FaultPlan { Crashes = [.. Enumerable.Range(3, 3).Select(n => new CrashPoint("submit", n, CrashTiming.BeforeEffect))] };
        await using var world = await CutoverHarness.StartAsync("sqlite", faults);
        await world.DriveAsync((await world.Commands.MigrateAsync(CutoverHarness.Name, null, "tester")).Id);

        var done = await world.DriveAsync((await world.Commands.EjectAsync(CutoverHarness.Name, null, "tester")).Id);

        Assert.Equal(DeploymentState.Failed, done.State);
        Assert.StartsWith("ejected, but the legacy copy did not start: injected crash before the effect of 'submit'", done.Error);
        Assert.DoesNotContain(DeploymentState.Reverting, world.States);
        Assert.Empty(world.Active());
        Assert.Equal(JobOwner.Legacy, (await world.Ownership.GetAsync(CutoverHarness.Job)).Owner);
        // The legacy side owns the job and can start it itself, from the eject's savepoint.
        var started = await world.Legacy.StartAsync(CutoverHarness.Name, RestorePlan.FromSavepoint(done.RestorePath!));
        await world.Driver.WaitUntilRunningAsync(started, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(2));
        Assert.Equal(done.RestorePath, Assert.Single(world.Active()).RestoredFrom);
    }
}
