using System.Diagnostics;
using Sluice.Deployment.Workflow;
using Sluice.Store.Deployments;

namespace Sluice.Deployment.Tests.Workflow;

/// <summary>Real <see cref="DeploymentWorker"/>s in process: shard rebalancing as workers join and leave, and the work getting done.</summary>
public sealed class DeploymentWorkerTests
{
    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task Workers_split_the_shards_and_a_leaving_worker_hands_its_shards_to_the_others(string dialect)
    {
        await using var h = await WorkflowHarness.StartAsync(dialect);
        var options = new WorkerOptions { LeaseTtl = TimeSpan.FromSeconds(5), RenewInterval = TimeSpan.FromMilliseconds(100), PollInterval = TimeSpan.FromMilliseconds(50) };
        using var a = new DeploymentWorker(h.Engine, options with { WorkerId = "a" });
        using var b = new DeploymentWorker(h.Engine, options with { WorkerId = "b" });
        await a.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => a.Leases.Count == h.Store.ShardCount);
        await b.StartAsync(CancellationToken.None);
        // a gives back what exceeds its fair share; b picks it up.
        await WaitUntilAsync(() => a.Leases.Count == h.Store.ShardCount / 2 && b.Leases.Count == h.Store.ShardCount / 2);
        Assert.Empty(a.Leases.Select(l => l.Shard).Intersect(b.Leases.Select(l => l.Shard)));

        var jobs = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var job = h.Apply("page-view-filter", spec => spec.Name = $"filter-{i}");
            jobs.Add(job);
            await h.Commands.DeployAsync(job, WorkflowHarness.Fabric, "tester");
        }
        await WaitUntilAsync(() => h.Store.CountAsync().Result.Unfinished == 0);

        await a.StopAsync(CancellationToken.None);
        await WaitUntilAsync(() => b.Leases.Count == h.Store.ShardCount);
        foreach (var job in jobs) await h.RequestAsync(job, DeploymentKind.Suspend);
        await WaitUntilAsync(() => h.Store.CountAsync().Result.Unfinished == 0);
        await b.StopAsync(CancellationToken.None);

        foreach (var job in jobs)
        {
            Assert.All(await h.Store.ListAsync(job, null, 10), d => Assert.Equal(DeploymentState.Succeeded, d.State));
        }
        Assert.Empty(h.Driver.ActiveRuns(WorkflowHarness.Fabric));
        Assert.Empty(a.Faults);
        Assert.Empty(b.Faults);
        Assert.All(await h.Store.LeasesAsync(), l => Assert.Equal("", l.Owner));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "condition not reached within 30 s");
            await Task.Delay(20);
        }
    }
}
