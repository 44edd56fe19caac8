using Sluice.Deployment.Tests.Workflow;
using Sluice.Store;
using Sluice.Store.Deployments;
using Sluice.Store.Ownership;

namespace Sluice.Deployment.Tests.Cutover;

/// <summary>The fenced ownership records, the same on SQLite, PostgreSQL and MariaDB.</summary>
public sealed class OwnershipStoreContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 1, 0, 0, TimeSpan.Zero);

    private static async Task<(OwnershipStore Ownership, DeploymentStore Deployments)> OpenAsync(string dialect)
    {
        var sluiceStore = StoreFactory.Open(await TestDatabase.CreateAsync(dialect));
        await sluiceStore.MigrateAsync();
        var deployments = DeploymentStore.For(sluiceStore, shardCount: 4);
        await deployments.EnsureShardsAsync();
        return (OwnershipStore.For(sluiceStore), deployments);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task A_job_never_seen_by_the_migrator_is_sluices_and_an_imported_one_starts_legacy(string dialect)
    {
        var (ownership, deployments) = await OpenAsync(dialect);
        await using var _ = ownership;
        await using var __ = deployments;

        var native = await ownership.GetAsync("team/native");
        Assert.Equal((JobOwner.Sluice, 0L, false), (native.Owner, native.Epoch, native.Exists));

        var imported = await ownership.RegisterLegacyAsync("team/imported", "imported-job", T0);
        Assert.Equal((JobOwner.Legacy, 0L, true, "imported-job"), (imported.Owner, imported.Epoch, imported.Exists, imported.LegacyName));
        // Registering again (another import of the same job) changes nothing.
        Assert.Equal(imported, await ownership.RegisterLegacyAsync("team/imported", "other-name", T0));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task A_job_sluice_has_run_cannot_be_registered_as_legacy(string dialect)
    {
        var (ownership, deployments) = await OpenAsync(dialect);
        await using var _ = ownership;
        await using var __ = deployments;
        var created = await deployments.CreateAsync(new NewDeployment("team/running", 1, "east", DeploymentKind.Create, "tester"), T0);
        var fence = (await deployments.TryAcquireAsync(created.Shard, "w", T0, TimeSpan.FromMinutes(1)))!;
        await deployments.TransitionAsync(fence, created, created with { State = DeploymentState.Observing, RuntimeId = "run-1", Driver = "local" }, "submitted", T0);

        var record = await ownership.RegisterLegacyAsync("team/running", "running", T0);

        Assert.Equal((JobOwner.Sluice, false), (record.Owner, record.Exists));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task Every_change_is_fenced_by_owner_and_epoch_and_remembers_where_the_job_came_from(string dialect)
    {
        var (ownership, deployments) = await OpenAsync(dialect);
        await using var _ = ownership;
        await using var __ = deployments;
        await ownership.RegisterLegacyAsync("team/job", "job", T0);

        var claimed = await ownership.ChangeAsync(new OwnershipChange("team/job", JobOwner.Legacy, 0, JobOwner.Migrating, null, DeploymentId: 7), T0);
        Assert.Equal((JobOwner.Migrating, 1L, JobOwner.Legacy, 7L), (claimed.Owner, claimed.Epoch, claimed.From, claimed.DeploymentId));
        Assert.True(claimed.LetsSluiceStart(7));
        Assert.False(claimed.LetsSluiceStart(8));

        var saved = await ownership.ChangeAsync(new OwnershipChange("team/job", JobOwner.Migrating, 1, JobOwner.Migrating, "s3://sp/1", 7), T0);
        Assert.Equal((2L, JobOwner.Legacy, "s3://sp/1"), (saved.Epoch, saved.From, saved.Savepoint));

        // A stale epoch, or the wrong expected owner, is refused and changes nothing.
        var stale = await Assert.ThrowsAsync<OwnershipConflictException>(() =>
            ownership.ChangeAsync(new OwnershipChange("team/job", JobOwner.Migrating, 1, JobOwner.Sluice, "s3://sp/1"), T0));
        Assert.Contains("migrating from legacy under deployment 7 (epoch 2)", stale.Message);
        await Assert.ThrowsAsync<OwnershipConflictException>(() =>
            ownership.ChangeAsync(new OwnershipChange("team/job", JobOwner.Legacy, 2, JobOwner.Migrating, null, 9), T0));
        Assert.Equal(saved, await ownership.GetAsync("team/job"));

        var flipped = await ownership.ChangeAsync(new OwnershipChange("team/job", JobOwner.Migrating, 2, JobOwner.Sluice, "s3://sp/1"), T0);
        Assert.Equal((JobOwner.Sluice, 3L, JobOwner.Migrating, (long?)null), (flipped.Owner, flipped.Epoch, flipped.From, flipped.DeploymentId));
        Assert.True(flipped.LetsSluiceStart(99));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task A_native_sluice_job_can_be_claimed_from_its_implicit_record(string dialect)
    {
        var (ownership, deployments) = await OpenAsync(dialect);
        await using var _ = ownership;
        await using var __ = deployments;

        var claimed = await ownership.ChangeAsync(new OwnershipChange("team/native", JobOwner.Sluice, 0, JobOwner.Migrating, null, 3), T0);

        Assert.Equal((JobOwner.Migrating, 1L, JobOwner.Sluice), (claimed.Owner, claimed.Epoch, claimed.From));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task Two_concurrent_claims_of_one_job_have_exactly_one_winner(string dialect)
    {
        var (ownership, deployments) = await OpenAsync(dialect);
        await using var _ = ownership;
        await using var __ = deployments;
        await ownership.RegisterLegacyAsync("team/job", "job", T0);

        var claims = Enumerable.Range(1, 8).Select(async id =>
        {
            try
            {
                await ownership.ChangeAsync(new OwnershipChange("team/job", JobOwner.Legacy, 0, JobOwner.Migrating, null, id), T0);
                return true;
            }
            catch (OwnershipConflictException)
            {
                return false;
            }
        }).ToList();

        Assert.Equal(1, (await Task.WhenAll(claims)).Count(won => won));
        Assert.Equal(1L, (await ownership.GetAsync("team/job")).Epoch);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task An_ownership_change_that_fails_its_fence_rolls_back_the_deployment_transition_with_it(string dialect)
    {
        var (ownership, deployments) = await OpenAsync(dialect);
        await using var _ = ownership;
        await using var __ = deployments;
        await ownership.RegisterLegacyAsync("team/job", "job", T0);
        var created = await deployments.CreateAsync(new NewDeployment("team/job", 1, "east", DeploymentKind.Migrate, "tester"), T0);
        var fence = (await deployments.TryAcquireAsync(created.Shard, "w", T0, TimeSpan.FromMinutes(1)))!;

        await Assert.ThrowsAsync<OwnershipConflictException>(() => deployments.TransitionAsync(fence, created,
            created with { State = DeploymentState.Savepointing }, "claimed", T0,
            new OwnershipChange("team/job", JobOwner.Sluice, 0, JobOwner.Migrating, null, created.Id)));
        Assert.Equal((DeploymentState.Pending, 1), ((await deployments.GetAsync(created.Id))!.State, (await deployments.EventsAsync(created.Id)).Count));

        var claimed = await deployments.TransitionAsync(fence, created, created with { State = DeploymentState.Savepointing }, "claimed", T0,
            new OwnershipChange("team/job", JobOwner.Legacy, 0, JobOwner.Migrating, null, created.Id));
        Assert.Equal(DeploymentState.Savepointing, claimed.State);
        Assert.Equal((JobOwner.Migrating, created.Id), ((await deployments.OwnershipAsync("team/job")).Owner, (await ownership.GetAsync("team/job")).DeploymentId));
    }
}
