using Sluice.Store;
using Sluice.Store.Deployments;

namespace Sluice.Deployment.Tests.Workflow;

/// <summary>The store's side of the state machine, the same on SQLite, PostgreSQL and MariaDB.</summary>
public sealed class DeploymentStoreContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    private static async Task<DeploymentStore> OpenAsync(string dialect)
    {
        var url = await TestDatabase.CreateAsync(dialect);
        var sluiceStore = StoreFactory.Open(url);
        await sluiceStore.MigrateAsync();
        var store = DeploymentStore.For(sluiceStore, shardCount: 4);
        await store.EnsureShardsAsync();
        return store;
    }

    private static NewDeployment Request(string job = "team/job", long revision = 1) =>
        new(job, revision, "east", DeploymentKind.Create, "tester");

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task Second_request_for_the_same_job_and_fabric_is_queued_and_the_database_refuses_a_second_active_one(string dialect)
    {
        await using var store = await OpenAsync(dialect);
        var first = await store.CreateAsync(Request(), T0);
        var second = await store.CreateAsync(Request(revision: 2), T0);
        var otherFabric = await store.CreateAsync(Request() with { Fabric = "west" }, T0);

        Assert.Equal((DeploymentState.Pending, true), (first.State, first.HoldsSlot));
        Assert.Equal((DeploymentState.Queued, false), (second.State, second.HoldsSlot));
        Assert.Equal((DeploymentState.Pending, true), (otherFabric.State, otherFabric.HoldsSlot));

        var fence = (await store.TryAcquireAsync(second.Shard, "w1", T0, Ttl))!;
        await Assert.ThrowsAsync<SlotTakenException>(() =>
            store.TransitionAsync(fence, second, second with { State = DeploymentState.Pending, HoldsSlot = true }, "take slot", T0));
        Assert.Equal(DeploymentState.Queued, (await store.GetAsync(second.Id))!.State);

        // Once the first finishes, the slot is free and the queued one is woken to take it.
        await store.TransitionAsync(fence, first, first with { State = DeploymentState.Succeeded, HoldsSlot = false }, "done", T0.AddSeconds(1));
        var woken = (await store.GetAsync(second.Id))!;
        Assert.Equal(T0.AddSeconds(1), woken.NextAttemptAt);
        var promoted = await store.TransitionAsync(fence, woken, woken with { State = DeploymentState.Pending, HoldsSlot = true }, "its turn", T0.AddSeconds(1));
        Assert.True(promoted.HoldsSlot);
        Assert.Equal(promoted.Id, (await store.FindActiveAsync("team/job", "east"))!.Id);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task A_newer_request_supersedes_the_older_one_still_queued_and_a_worker_holding_the_old_row_cannot_start_it(string dialect)
    {
        await using var store = await OpenAsync(dialect);
        var active = await store.CreateAsync(Request(), T0);
        var older = await store.CreateAsync(Request(revision: 2), T0);
        var otherFabric = await store.CreateAsync(Request(revision: 2) with { Fabric = "west" }, T0);
        var newer = await store.CreateAsync(Request(revision: 3) with { Kind = DeploymentKind.Update, RequestedBy = "carol" }, T0.AddSeconds(1));

        var superseded = (await store.GetAsync(older.Id))!;
        Assert.Equal(DeploymentState.Superseded, superseded.State);
        Assert.Equal(T0.AddSeconds(1), superseded.FinishedAt);
        var last = (await store.EventsAsync(older.Id))[^1];
        Assert.Equal((DeploymentState.Queued, DeploymentState.Superseded), (last.FromState, last.State));
        Assert.Equal($"superseded by deployment {newer.Id} (update of revision 3 requested by carol) before it started", last.Detail);
        Assert.Equal(last.Detail, superseded.Error);
        Assert.EndsWith($"; supersedes queued deployment {older.Id}", (await store.EventsAsync(newer.Id))[0].Detail);
        Assert.Equal(DeploymentState.Queued, newer.State);
        Assert.Equal(DeploymentState.Pending, (await store.GetAsync(active.Id))!.State);
        Assert.Equal(DeploymentState.Pending, (await store.GetAsync(otherFabric.Id))!.State);

        // A worker that read the queued row before it was superseded cannot start it: the row changed underneath.
        var fence = (await store.TryAcquireAsync(older.Shard, "w1", T0, Ttl))!;
        await Assert.ThrowsAsync<DeploymentChangedException>(() =>
            store.TransitionAsync(fence, older, older with { State = DeploymentState.Pending, HoldsSlot = true }, "its turn", T0.AddSeconds(2)));

        // Once the active one finishes, the newest request is the one whose turn it is.
        await store.TransitionAsync(fence, active, active with { State = DeploymentState.Succeeded, HoldsSlot = false }, "done", T0.AddSeconds(2));
        Assert.Equal(newer.Id, await store.FirstUnfinishedIdAsync("team/job", "east"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task A_request_behind_a_started_deployment_queues_and_supersedes_nothing(string dialect)
    {
        await using var store = await OpenAsync(dialect);
        var active = await store.CreateAsync(Request(), T0);
        var queued = await store.CreateAsync(Request(revision: 2), T0);

        Assert.Equal(DeploymentState.Pending, (await store.GetAsync(active.Id))!.State);
        Assert.Equal(DeploymentState.Queued, queued.State);
        Assert.DoesNotContain("supersedes", (await store.EventsAsync(queued.Id))[0].Detail);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task Deployments_recorded_in_a_metadata_transaction_commit_or_roll_back_with_it(string dialect)
    {
        var sluiceStore = StoreFactory.Open(await TestDatabase.CreateAsync(dialect));
        await sluiceStore.MigrateAsync();
        await using var store = DeploymentStore.For(sluiceStore, shardCount: 4);
        await store.EnsureShardsAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => sluiceStore.WriteAsync(async tx =>
        {
            await store.CreateAsync(tx, [Request()], T0);
            throw new InvalidOperationException("the metadata change failed");
        }));
        Assert.Empty(await store.ListAsync("team/job", null, 10));

        // Two fabrics ran the job, east twice: the last submission per fabric is what suspend / resume / delete target.
        var fence = (await store.TryAcquireAsync(store.ShardOf("team/job"), "w1", T0, Ttl))!;
        foreach (var (fabric, revision) in new[] { ("east", 1L), ("west", 1L), ("east", 2L) })
        {
            var created = await store.CreateAsync(Request(revision: revision) with { Fabric = fabric }, T0);
            await store.TransitionAsync(fence, created, created with { State = DeploymentState.Succeeded, RuntimeId = $"run-{fabric}-{revision}" }, "ran", T0);
        }
        await store.CreateAsync(Request(revision: 3) with { Fabric = "north" }, T0);

        var suspends = await sluiceStore.WriteAsync(async tx =>
        {
            var submitted = await store.LastSubmissionsAsync(tx, "team/job");
            Assert.Equal([("east", 2L), ("west", 1L)], submitted.Select(d => (d.Fabric, d.Revision)));
            return await store.CreateAsync(tx, submitted.Select(d => new NewDeployment(d.Job, d.Revision, d.Fabric, DeploymentKind.Suspend, "ops")), T0);
        });

        Assert.Equal([DeploymentState.Pending, DeploymentState.Pending], suspends.Select(d => d.State));
        Assert.Equal(suspends.Select(d => d.Id), (await store.ListAsync("team/job", null, 10)).Where(d => d.Kind == DeploymentKind.Suspend).Select(d => d.Id).Order());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task A_lease_is_exclusive_until_it_expires_and_each_new_owner_gets_a_higher_epoch(string dialect)
    {
        await using var store = await OpenAsync(dialect);
        var a = await store.TryAcquireAsync(0, "a", T0, Ttl);
        Assert.NotNull(a);
        Assert.Null(await store.TryAcquireAsync(0, "b", T0.AddSeconds(5), Ttl));
        Assert.Single(await store.RenewAsync([a], T0.AddSeconds(5), Ttl));

        // Renewed at +5 s, so still held at +14 s; expired at +15 s.
        Assert.Null(await store.TryAcquireAsync(0, "b", T0.AddSeconds(14), Ttl));
        var b = await store.TryAcquireAsync(0, "b", T0.AddSeconds(15), Ttl);
        Assert.NotNull(b);
        Assert.True(b.Epoch > a.Epoch);
        Assert.Empty(await store.RenewAsync([a], T0.AddSeconds(16), Ttl));

        await store.ReleaseAsync(b);
        var c = await store.TryAcquireAsync(0, "c", T0.AddSeconds(16), Ttl);
        Assert.True(c!.Epoch > b.Epoch);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task A_worker_whose_lease_was_taken_over_cannot_write_the_state_machine(string dialect)
    {
        await using var store = await OpenAsync(dialect);
        var deployment = await store.CreateAsync(Request(), T0);
        var stale = (await store.TryAcquireAsync(deployment.Shard, "paused-worker", T0, Ttl))!;
        var fresh = (await store.TryAcquireAsync(deployment.Shard, "new-owner", T0 + Ttl, Ttl))!;

        var refused = await Assert.ThrowsAsync<FencedOutException>(() => store.TransitionAsync(stale, deployment,
            deployment with { State = DeploymentState.Failed, HoldsSlot = false, Error = "stale" }, "stale write", T0 + Ttl));
        Assert.Contains($"epoch {stale.Epoch}", refused.Message);
        var untouched = (await store.GetAsync(deployment.Id))!;
        Assert.Equal((DeploymentState.Pending, deployment.Version, 0L), (untouched.State, untouched.Version, untouched.FenceEpoch));
        Assert.Single(await store.EventsAsync(deployment.Id));

        var written = await store.TransitionAsync(fresh, deployment, deployment with { State = DeploymentState.Admitted }, "admitted", T0 + Ttl);
        Assert.Equal((DeploymentState.Admitted, fresh.Epoch), (written.State, written.FenceEpoch));
        // The old owner, even with the row's new version, is still refused.
        await Assert.ThrowsAsync<FencedOutException>(() => store.TransitionAsync(stale, written, written with { State = DeploymentState.Failed }, "stale", T0 + Ttl));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task Transitions_committed_together_fail_only_the_rows_whose_fence_is_stale(string dialect)
    {
        await using var store = await OpenAsync(dialect);
        var deployments = new List<DeploymentRecord>();
        for (var i = 0; i < 40; i++) deployments.Add(await store.CreateAsync(Request(job: $"team/job-{i}"), T0));
        // Shard 0 was taken over (its first owner is stale); the other shards are held by one current owner.
        var stale = (await store.TryAcquireAsync(0, "paused-worker", T0, Ttl))!;
        await store.TryAcquireAsync(0, "new-owner", T0 + Ttl, Ttl);
        var fences = new Dictionary<int, ShardFence> { [0] = stale };
        foreach (var shard in deployments.Select(d => d.Shard).Where(s => s != 0).Distinct())
        {
            fences[shard] = (await store.TryAcquireAsync(shard, "owner", T0, Ttl))!;
        }
        Assert.Contains(deployments, d => d.Shard == 0);
        Assert.Contains(deployments, d => d.Shard != 0);

        // Issued together, so the committer groups them: one transaction holds rows of good and stale fences alike.
        var writes = deployments.Select(d => store.TransitionAsync(fences[d.Shard], d,
            d with { State = DeploymentState.Admitted }, "admitted", T0 + Ttl)).ToList();
        foreach (var (deployment, write) in deployments.Zip(writes))
        {
            if (deployment.Shard == 0)
            {
                await Assert.ThrowsAsync<FencedOutException>(() => write);
                Assert.Equal(DeploymentState.Pending, (await store.GetAsync(deployment.Id))!.State);
                Assert.Single(await store.EventsAsync(deployment.Id));
            }
            else
            {
                Assert.Equal(DeploymentState.Admitted, (await write).State);
                var stored = (await store.GetAsync(deployment.Id))!;
                Assert.Equal((DeploymentState.Admitted, deployment.Version + 1), (stored.State, stored.Version));
                Assert.Equal(2, (await store.EventsAsync(deployment.Id)).Count);
            }
        }
        var (groups, transitions) = store.GroupCommits;
        Assert.True(transitions > groups, $"expected transitions to share transactions: {transitions} transitions in {groups} groups");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task A_cancel_request_moves_the_row_so_a_step_in_flight_must_reread_it(string dialect)
    {
        await using var store = await OpenAsync(dialect);
        var deployment = await store.CreateAsync(Request(), T0);
        var fence = (await store.TryAcquireAsync(deployment.Shard, "w", T0, Ttl))!;
        Assert.True(await store.RequestCancelAsync(deployment.Id, T0));

        await Assert.ThrowsAsync<DeploymentChangedException>(() =>
            store.TransitionAsync(fence, deployment, deployment with { State = DeploymentState.Admitted }, "admitted", T0));
        var reread = (await store.GetAsync(deployment.Id))!;
        Assert.True(reread.CancelRequested);
        var cancelled = await store.TransitionAsync(fence, reread, reread with { State = DeploymentState.Cancelled, HoldsSlot = false }, "cancelled", T0);
        Assert.Equal(T0, cancelled.FinishedAt);
        Assert.False(await store.RequestCancelAsync(deployment.Id, T0));
        Assert.Null(await store.FindActiveAsync("team/job", "east"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task Resources_are_keyed_so_a_rerun_updates_the_row_instead_of_adding_one_and_events_append_one_per_transition(string dialect)
    {
        await using var store = await OpenAsync(dialect);
        var deployment = await store.CreateAsync(Request(), T0);
        var fence = (await store.TryAcquireAsync(deployment.Shard, "w", T0, Ttl))!;
        var resource = new ResourceWrite(ResourceKind.Topic, "commerce/out", "topic://east/out", ResourceStatus.Provisioned, 1);

        var first = await store.TransitionAsync(fence, deployment, deployment with { State = DeploymentState.Provisioning }, "p1", T0, resource);
        var second = await store.TransitionAsync(fence, first, first with { State = DeploymentState.Provisioning }, "p1 again", T0, resource);
        await store.TransitionAsync(fence, second, second with { State = DeploymentState.Releasing }, "release", T0,
            resource with { Status = ResourceStatus.Released });

        var row = Assert.Single(await store.ResourcesAsync("team/job", "east"));
        Assert.Equal((ResourceKind.Topic, ResourceStatus.Released, 1L), (row.Kind, row.Status, row.Revision));
        Assert.NotNull(row.ReleasedAt);
        var events = await store.EventsAsync(deployment.Id);
        Assert.Equal(["p1", "p1 again", "release"], events.Skip(1).Select(e => e.Detail));
        Assert.All(events.Skip(1), e => Assert.Equal(fence.Epoch, e.FenceEpoch));
        Assert.Equal([DeploymentState.Pending, DeploymentState.Provisioning, DeploymentState.Provisioning],
            events.Skip(1).Select(e => e.FromState!.Value));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task Due_deployments_are_those_of_the_given_shards_whose_next_attempt_has_come(string dialect)
    {
        await using var store = await OpenAsync(dialect);
        var jobs = Enumerable.Range(0, 12).Select(i => $"team/job-{i}").ToList();
        foreach (var job in jobs) await store.CreateAsync(Request(job), T0);
        var shard = store.ShardOf(jobs[0]);
        var fence = (await store.TryAcquireAsync(shard, "w", T0, Ttl))!;

        var due = await store.DueAsync([shard], T0, 100);
        Assert.Equal(jobs.Where(j => store.ShardOf(j) == shard).Order(), due.Select(d => d.Job).Order());
        var later = due[0];
        await store.TransitionAsync(fence, later, later with { NextAttemptAt = T0.AddSeconds(30) }, null, T0);
        Assert.DoesNotContain(later.Id, (await store.DueAsync([shard], T0.AddSeconds(29), 100)).Select(d => d.Id));
        Assert.Contains(later.Id, (await store.DueAsync([shard], T0.AddSeconds(30), 100)).Select(d => d.Id));
        Assert.Empty(await store.DueAsync([], T0, 100));
    }
}
