using Sluice.Deployment.Providers.Local;
using Sluice.Deployment.Workflow;
using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Drivers.Local;
using Sluice.Runtimes.Faults;
using Sluice.Spec.V1;
using Sluice.Store.Deployments;
using JobRef = Sluice.Runtimes.Drivers.JobRef;

namespace Sluice.Deployment.Tests.Workflow;

/// <summary>The state machine end to end on each database: the example jobs, the compilers and the Local driver.</summary>
public sealed class DeploymentEngineTests
{
    private const string Stateful = "checkout-revenue-per-minute";
    private const string Stateless = "page-view-filter";

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task A_create_provisions_each_resource_once_stores_the_rendering_submits_and_observes_until_running(string dialect)
    {
        await using var h = await WorkflowHarness.StartAsync(dialect);
        var job = h.Apply(Stateful);
        var done = await h.DeployAndDriveAsync(job);

        Assert.Equal(DeploymentState.Succeeded, done.State);
        Assert.False(done.HoldsSlot);
        var resources = await h.Store.ResourcesAsync(job, WorkflowHarness.Fabric);
        Assert.Equal(["checkpoints", "revenue-windows", "commerce.merchant-revenue-1m", "commerce.payments-checkout-revenue-per-minute-revenue-windows-changelog",
            "dashboard", "rules"], resources.Select(r => r.Name));
        Assert.All(resources, r => Assert.Equal(ResourceStatus.Provisioned, r.Status));
        foreach (var resource in resources) Assert.True(await h.ExistsAsync(resource), resource.ExternalId);
        var states = await h.EventStatesAsync(done.Id);
        Assert.Equal([DeploymentState.Pending, DeploymentState.Admitted, DeploymentState.Provisioning], states.Take(3));
        Assert.Equal(resources.Count, states.Count(s => s == DeploymentState.Provisioning));
        Assert.Equal([DeploymentState.Rendering, DeploymentState.Submitting, DeploymentState.Observing, DeploymentState.Succeeded], states.TakeLast(4));
        Assert.Equal(CompilerRenderer.FlinkFormat, done.RenderedFormat);
        Assert.Contains("\"kind\":\"FlinkDeployment\"", done.Rendered);
        var run = Assert.Single(h.Driver.Runs(WorkflowHarness.Fabric));
        Assert.Equal((1L, RestoreMode.Stateless), (run.Key.Revision, run.RestoreMode));
        Assert.Contains(await h.EventDetailsAsync(done.Id), d => d.StartsWith("submitted ", StringComparison.Ordinal) && d.Contains("restore: no savepoint"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task A_stateful_update_takes_a_savepoint_stops_the_old_run_and_restores_the_new_revision_from_exactly_that_savepoint(string dialect)
    {
        await using var h = await WorkflowHarness.StartAsync(dialect);
        var job = h.Apply(Stateful);
        await h.DeployAndDriveAsync(job);
        h.Apply(Stateful, spec => spec.Resources.Parallelism = 8);
        var update = await h.DeployAndDriveAsync(job);

        Assert.Equal((DeploymentKind.Update, DeploymentState.Succeeded), (update.Kind, update.State));
        var savepoint = Assert.Single(await h.Store.ResourcesAsync(job, WorkflowHarness.Fabric), r => r.Kind == ResourceKind.Savepoint);
        Assert.Equal((1L, $"sp-d{update.Id}"), (savepoint.Revision, savepoint.Name));
        var runs = h.Driver.Runs(WorkflowHarness.Fabric);
        Assert.Equal([1L, 2L], runs.Select(r => r.Key.Revision));
        Assert.Equal(LocalStopKind.Suspended, runs[0].Stop);
        Assert.Equal((RestoreMode.Savepoint, savepoint.ExternalId), (runs[1].RestoreMode, runs[1].RestoredFrom));
        Assert.Single(h.Driver.ActiveRuns(WorkflowHarness.Fabric));
        Assert.Contains(await h.EventDetailsAsync(update.Id), d => d.Contains($"restore: savepoint {savepoint.ExternalId} taken by this deployment"));
    }

    [Fact]
    public async Task A_scale_takes_the_jobs_upgrade_path_savepoint_stop_and_restore()
    {
        await using var h = await WorkflowHarness.StartAsync("sqlite");
        var job = h.Apply(Stateful);
        await h.DeployAndDriveAsync(job);
        h.Apply(Stateful, spec => spec.Resources.Parallelism = 8);
        var created = await h.Store.CreateAsync(new NewDeployment(job, 2, WorkflowHarness.Fabric, DeploymentKind.Scale, "scaler"), DateTimeOffset.UtcNow);
        var scale = await h.DriveAsync(created.Id);

        Assert.Equal(DeploymentState.Succeeded, scale.State);
        var details = await h.EventDetailsAsync(scale.Id);
        Assert.StartsWith("admitted scale of revision 2 on us-east-1a to parallelism 8 (upgrade mode savepoint)", details[1]);
        var savepoint = Assert.Single(await h.Store.ResourcesAsync(job, WorkflowHarness.Fabric), r => r.Kind == ResourceKind.Savepoint);
        var runs = h.Driver.Runs(WorkflowHarness.Fabric);
        Assert.Equal([1L, 2L], runs.Select(r => r.Key.Revision));
        Assert.Equal((RestoreMode.Savepoint, savepoint.ExternalId), (runs[1].RestoreMode, runs[1].RestoredFrom));
        Assert.Contains("\"parallelism\":8", scale.Rendered);
    }

    [Fact]
    public async Task A_spec_a_provider_refuses_fails_at_admission_naming_the_field_without_retrying()
    {
        await using var h = await WorkflowHarness.StartAsync("sqlite");
        // Samza reports no checkpoint metric: the alert-rules provider cannot express the example's alert.
        var job = h.Apply(Stateful, spec => spec.Runtime = Runtime.Samza);
        var failed = await h.DeployAndDriveAsync(job);

        Assert.Equal(DeploymentState.Failed, failed.State);
        Assert.Equal("observability.alerts[0].kind: checkpoint-failures is not available for samza jobs", failed.Error);
        Assert.Equal([DeploymentState.Pending, DeploymentState.Failed], await h.EventStatesAsync(failed.Id));
        Assert.Empty(await h.Store.ResourcesAsync(job, WorkflowHarness.Fabric));
        Assert.Empty(h.Driver.Runs(WorkflowHarness.Fabric));
    }

    [Fact]
    public async Task Last_state_upgrades_restore_from_the_latest_checkpoint_and_stateless_ones_start_empty()
    {
        await using var h = await WorkflowHarness.StartAsync("sqlite");
        var job = h.Apply(Stateful, spec => spec.Upgrade = new UpgradePolicy { Mode = UpgradeMode.LastState });
        await h.DeployAndDriveAsync(job);
        h.Apply(Stateful, spec => spec.Upgrade = new UpgradePolicy { Mode = UpgradeMode.LastState });
        var update = await h.DeployAndDriveAsync(job);
        var filter = h.Apply(Stateless);
        await h.DeployAndDriveAsync(filter);
        h.Apply(Stateless, spec => spec.Resources.Parallelism = 2);
        var filterUpdate = await h.DeployAndDriveAsync(filter);

        var runs = h.Driver.Runs(WorkflowHarness.Fabric);
        Assert.Equal(RestoreMode.LastState, runs.Single(r => r.Key.Job.Name == Stateful && r.Key.Revision == 2).RestoreMode);
        Assert.Equal(RestoreMode.Stateless, runs.Single(r => r.Key.Job.Name == Stateless && r.Key.Revision == 2).RestoreMode);
        Assert.Contains(await h.EventDetailsAsync(update.Id), d => d.Contains("restore: last-state"));
        Assert.Contains(await h.EventDetailsAsync(filterUpdate.Id), d => d.Contains("restore: stateless"));
        Assert.DoesNotContain(await h.Store.ResourcesAsync(filter, WorkflowHarness.Fabric),
            r => r.Kind is ResourceKind.Savepoint or ResourceKind.CheckpointDir or ResourceKind.StateStore);
    }

    [Fact]
    public async Task A_step_that_fails_is_retried_with_backoff_and_the_events_say_why()
    {
        var faults = new FaultPlan
        {
            Crashes = [new CrashPoint("provision:topic", 1, CrashTiming.BeforeEffect), new CrashPoint("provision:topic", 2, CrashTiming.BeforeEffect)],
        };
        await using var h = await WorkflowHarness.StartAsync("sqlite", providers: new LocalProviderOptions { Faults = faults });
        var job = h.Apply(Stateful);
        var done = await h.DeployAndDriveAsync(job);

        Assert.Equal(DeploymentState.Succeeded, done.State);
        var retries = (await h.EventDetailsAsync(done.Id)).Where(d => d.StartsWith("provisioning failed", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, retries.Count);
        Assert.All(retries, r => Assert.Contains("before the effect of 'provision:topic'", r));
        Assert.All(retries, r => Assert.Contains("; retrying in", r));
        Assert.Equal(2, (await h.Store.ResourcesAsync(job, WorkflowHarness.Fabric)).Count(r => r.Kind == ResourceKind.Topic));
    }

    [Fact]
    public async Task A_run_that_keeps_crashing_is_resubmitted_then_fails_with_the_runtimes_own_error()
    {
        await using var h = await WorkflowHarness.StartAsync("sqlite", new LocalRuntimeOptions { CrashDuringStartRate = 1.0 });
        var failed = await h.DeployAndDriveAsync(h.Apply(Stateless));

        Assert.Equal(DeploymentState.Failed, failed.State);
        Assert.Equal("FAILED: crashed during start (simulated)", failed.Error);
        Assert.Equal([1, 2, 3], h.Driver.Runs(WorkflowHarness.Fabric).Select(r => r.Key.Attempt));
        Assert.Equal(2, (await h.EventDetailsAsync(failed.Id)).Count(d => d.Contains("resubmitting (attempt")));
        Assert.Null(await h.Store.FindActiveAsync(failed.Job, WorkflowHarness.Fabric));
    }

    [Fact]
    public async Task A_failed_update_with_automatic_rollback_deploys_the_last_revision_that_reached_running()
    {
        await using var h = await WorkflowHarness.StartAsync("sqlite");
        var job = h.Apply(Stateless);
        await h.DeployAndDriveAsync(job);
        h.Apply(Stateless, spec => spec.Artifact.Jar.EntryClass = "com.example.Broken");
        var updated = Assert.Single(await h.Commands.DeployAsync(job, WorkflowHarness.Fabric, "tester", autoRollback: true));

        var result = await DriveWithCrashingRevisionAsync(h, updated.Id);
        Assert.Equal(DeploymentState.Failed, result.State);
        Assert.Contains(await h.EventDetailsAsync(result.Id), d => d.EndsWith("rolling back to revision 1", StringComparison.Ordinal));
        var rollback = (await h.Store.ListAsync(job, WorkflowHarness.Fabric, 10))[0];
        Assert.Equal((DeploymentKind.Rollback, 1L, result.Id), (rollback.Kind, rollback.Revision, rollback.RollbackOf));
        Assert.Equal(DeploymentState.Succeeded, (await h.DriveAsync(rollback.Id)).State);
        Assert.Equal(1L, Assert.Single(h.Driver.ActiveRuns(WorkflowHarness.Fabric)).Key.Revision);
    }

    /// <summary>Drives revision 2 but cancels each of its runs as soon as it is submitted, so the runtime reports it gone.</summary>
    private static async Task<DeploymentRecord> DriveWithCrashingRevisionAsync(WorkflowHarness h, long id)
    {
        var deployment = (await h.Store.GetAsync(id))!;
        for (var i = 0; i < 100 && !deployment.State.IsTerminal(); i++)
        {
            var wait = deployment.NextAttemptAt - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            deployment = await h.Engine.StepAsync(await h.FenceAsync(deployment.Shard), deployment);
            if (deployment.State == DeploymentState.Observing)
            {
                await h.Driver.CancelAsync(new RuntimeJobHandle(deployment.Driver!,
                    new SubmissionKey(new JobRef("growth", Stateless), deployment.Revision, deployment.Fabric, deployment.SubmitAttempt), deployment.RuntimeId!));
            }
        }
        return deployment;
    }

    [Fact]
    public async Task Requests_queue_behind_the_active_deployment_and_run_in_order()
    {
        await using var h = await WorkflowHarness.StartAsync("sqlite");
        var job = h.Apply(Stateless);
        var first = Assert.Single(await h.Commands.DeployAsync(job, WorkflowHarness.Fabric, "a"));
        h.Apply(Stateless, spec => spec.Resources.Parallelism = 2);
        var second = Assert.Single(await h.Commands.DeployAsync(job, WorkflowHarness.Fabric, "b"));
        Assert.Equal(DeploymentState.Queued, second.State);

        // The queued one waits while the first is unfinished.
        var waited = await h.Engine.StepAsync(await h.FenceAsync(second.Shard), second);
        Assert.Equal(DeploymentState.Queued, waited.State);

        Assert.Equal(DeploymentState.Succeeded, (await h.DriveAsync(first.Id)).State);
        Assert.Equal(DeploymentState.Succeeded, (await h.DriveAsync(second.Id)).State);
        Assert.Equal([1L, 2L], h.Driver.Runs(WorkflowHarness.Fabric).Select(r => r.Key.Revision));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task Requests_racing_for_one_slot_run_the_first_and_the_newest_and_supersede_the_rest(string dialect)
    {
        await using var h = await WorkflowHarness.StartAsync(dialect);
        var job = h.Apply(Stateless);
        var created = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() =>
            h.Store.CreateAsync(new NewDeployment(job, 1, WorkflowHarness.Fabric, DeploymentKind.Create, $"racer-{i}"), DateTimeOffset.UtcNow))));

        foreach (var deployment in created.OrderByDescending(d => d.HoldsSlot).ThenBy(d => d.Id))
        {
            await h.DriveAsync(deployment.Id);
        }

        var finished = await h.Store.ListAsync(job, WorkflowHarness.Fabric, 100);
        Assert.Equal(12, finished.Count);
        var ran = finished.Where(d => d.State == DeploymentState.Succeeded).Select(d => d.Id).ToList();
        Assert.Equal(2, ran.Count);
        Assert.Contains(created.Single(d => d.HoldsSlot).Id, ran);
        Assert.Contains(finished.Max(d => d.Id), ran);
        Assert.All(finished.Where(d => !ran.Contains(d.Id)), d =>
        {
            Assert.Equal(DeploymentState.Superseded, d.State);
            Assert.StartsWith("superseded by deployment ", d.Error);
        });
        Assert.Equal(2, h.Driver.Runs(WorkflowHarness.Fabric).Count);
    }

    [Fact]
    public async Task Cancel_stops_a_deployment_at_its_next_step_and_frees_the_slot()
    {
        await using var h = await WorkflowHarness.StartAsync("sqlite");
        var job = h.Apply(Stateful);
        var deployment = Assert.Single(await h.Commands.DeployAsync(job, WorkflowHarness.Fabric, "a"));
        var admitted = await h.Engine.StepAsync(await h.FenceAsync(deployment.Shard), deployment);
        await h.Commands.CancelAsync(deployment.Id);

        var done = await h.DriveAsync(deployment.Id);
        Assert.Equal((DeploymentState.Cancelled, "cancelled on request"), (done.State, done.Error));
        Assert.Equal(DeploymentState.Admitted, admitted.State);
        Assert.Empty(h.Driver.Runs(WorkflowHarness.Fabric));
        Assert.Null(await h.Store.FindActiveAsync(job, WorkflowHarness.Fabric));
        var refused = await Assert.ThrowsAsync<Deployment.Workflow.DeploymentRequestException>(() => h.Commands.CancelAsync(deployment.Id));
        Assert.Contains("already finished (cancelled)", refused.Message);
    }

    [Fact]
    public async Task Suspend_savepoints_and_stops_resume_restores_from_that_savepoint_and_delete_releases_resources()
    {
        await using var h = await WorkflowHarness.StartAsync("sqlite");
        var job = h.Apply(Stateful);
        await h.DeployAndDriveAsync(job);
        var suspend = await h.DriveAsync(Assert.Single(await h.Commands.SuspendAsync(job, null, "ops")).Id);
        Assert.Equal(DeploymentState.Succeeded, suspend.State);
        Assert.Empty(h.Driver.ActiveRuns(WorkflowHarness.Fabric));
        var savepoint = Assert.Single(await h.Store.ResourcesAsync(job, WorkflowHarness.Fabric), r => r.Kind == ResourceKind.Savepoint);

        var resume = await h.DriveAsync(Assert.Single(await h.Commands.ResumeAsync(job, null, "ops")).Id);
        Assert.Equal(DeploymentState.Succeeded, resume.State);
        var resumed = h.Driver.Runs(WorkflowHarness.Fabric)[^1];
        Assert.Equal((RestoreMode.Savepoint, savepoint.ExternalId), (resumed.RestoreMode, resumed.RestoredFrom));

        var delete = await h.DriveAsync(Assert.Single(await h.Commands.DeleteAsync(job, null, "ops")).Id);
        Assert.Equal(DeploymentState.Succeeded, delete.State);
        Assert.Empty(h.Driver.ActiveRuns(WorkflowHarness.Fabric));
        var resources = await h.Store.ResourcesAsync(job, WorkflowHarness.Fabric);
        Assert.All(resources.Where(r => r.Kind != ResourceKind.Savepoint), r => Assert.Equal(ResourceStatus.Released, r.Status));
        Assert.Equal(2, resources.Count(r => r.Kind == ResourceKind.Savepoint && r.Status == ResourceStatus.Provisioned));
        foreach (var released in resources.Where(r => r.Kind != ResourceKind.Savepoint)) Assert.False(await h.ExistsAsync(released), released.ExternalId);
    }

    [Fact]
    public async Task Rollback_returns_to_the_last_revision_that_reached_running()
    {
        await using var h = await WorkflowHarness.StartAsync("sqlite");
        var job = h.Apply(Stateless);
        var refused = await Assert.ThrowsAsync<Deployment.Workflow.DeploymentRequestException>(() => h.Commands.RollbackAsync(job, null, "ops"));
        Assert.Contains("was never deployed", refused.Message);
        await h.DeployAndDriveAsync(job);
        h.Apply(Stateless, spec => spec.Resources.Parallelism = 2);
        await h.DeployAndDriveAsync(job);

        var rollback = await h.DriveAsync(Assert.Single(await h.Commands.RollbackAsync(job, null, "ops")).Id);
        Assert.Equal((DeploymentKind.Rollback, 1L, DeploymentState.Succeeded), (rollback.Kind, rollback.Revision, rollback.State));
        var runs = h.Driver.Runs(WorkflowHarness.Fabric);
        Assert.Equal([(1L, 1), (2L, 1), (1L, 2)], runs.Select(r => (r.Key.Revision, r.Key.Attempt)));
        Assert.Equal(1L, Assert.Single(h.Driver.ActiveRuns(WorkflowHarness.Fabric)).Key.Revision);
    }

    [Fact]
    public async Task Bad_requests_are_refused_naming_the_field_and_write_nothing()
    {
        await using var h = await WorkflowHarness.StartAsync("sqlite");
        var job = h.Apply(Stateful);
        var outside = await Assert.ThrowsAsync<Deployment.Workflow.DeploymentRequestException>(() => h.Commands.DeployAsync(job, "mars-1", "a"));
        Assert.StartsWith("fabric: 'mars-1' is not in the placement", outside.Message);
        var missing = await Assert.ThrowsAsync<Deployment.Workflow.DeploymentRequestException>(() => h.Commands.DeployAsync("payments/nope", null, "a"));
        Assert.Equal("job payments/nope does not exist", missing.Message);
        var malformed = await Assert.ThrowsAsync<Deployment.Workflow.DeploymentRequestException>(() => h.Commands.DeployAsync("nope", null, "a"));
        Assert.StartsWith("job: expected namespace/name", malformed.Message);
        Assert.Empty(await h.Store.ListAsync(job, null, 10));
    }

    [Fact]
    public async Task A_step_rerun_after_a_crash_finds_the_submission_instead_of_making_a_second()
    {
        await using var h = await WorkflowHarness.StartAsync("sqlite");
        var job = h.Apply(Stateless);
        var deployment = Assert.Single(await h.Commands.DeployAsync(job, WorkflowHarness.Fabric, "a"));
        var fence = await h.FenceAsync(deployment.Shard);
        while (deployment.State != DeploymentState.Submitting)
        {
            deployment = await h.Engine.StepAsync(fence, deployment);
        }
        // The worker submits, then dies before its transition commits: simulate by submitting the same key directly.
        var key = new SubmissionKey(new JobRef("growth", Stateless), deployment.Revision, deployment.Fabric, deployment.SubmitAttempt);
        var rendered = new CompilerRenderer(WorkflowHarness.Platform).Load(new(deployment.RenderedFormat!, deployment.Rendered!));
        await h.Driver.SubmitAsync(new SubmitRequest(key, rendered));

        var done = await h.DriveAsync(deployment.Id);
        Assert.Equal(DeploymentState.Succeeded, done.State);
        Assert.Single(h.Driver.Runs(WorkflowHarness.Fabric));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task A_worker_whose_lease_was_taken_over_has_its_step_refused_by_the_fence(string dialect)
    {
        await using var h = await WorkflowHarness.StartAsync(dialect);
        var job = h.Apply(Stateless);
        var deployment = Assert.Single(await h.Commands.DeployAsync(job, WorkflowHarness.Fabric, "a"));
        var stale = (await h.Store.TryAcquireAsync(deployment.Shard, "paused", DateTimeOffset.UtcNow.AddMinutes(-10), TimeSpan.FromSeconds(10)))!;
        var admitted = await h.Engine.StepAsync(stale, deployment);
        Assert.Equal(DeploymentState.Admitted, admitted.State);

        // The paused worker's lease expired long ago; a new owner takes the shard, then the paused worker wakes up.
        var owner = (await h.Store.TryAcquireAsync(deployment.Shard, "new-owner", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)))!;
        await Assert.ThrowsAsync<FencedOutException>(() => h.Engine.StepAsync(stale, admitted));
        var unchanged = (await h.Store.GetAsync(deployment.Id))!;
        Assert.Equal((DeploymentState.Admitted, admitted.Version, stale.Epoch), (unchanged.State, unchanged.Version, unchanged.FenceEpoch));

        var next = await h.Engine.StepAsync(owner, unchanged);
        Assert.Equal(owner.Epoch, next.FenceEpoch);
        Assert.Equal([0L, stale.Epoch, owner.Epoch], (await h.Store.EventsAsync(deployment.Id)).Select(e => e.FenceEpoch));
    }
}
