using System.Diagnostics;
using Sluice.Deployment.Workflow;
using Sluice.Metadata;
using Sluice.Runtimes.Drivers.Local;
using Sluice.Spec.V1;
using Sluice.Store;
using Sluice.Store.Deployments;

namespace Sluice.Deployment.Tests.Workflow;

/// <summary>
/// Two real worker processes (<c>sluice server --role worker</c>) against each database; one is killed with SIGKILL in the
/// middle of the deployments. Every deployment must still finish, each exactly once: the Local driver's journal shows
/// one submission per (job, revision, fabric), and never two runs of one job active at the same time.
/// </summary>
public sealed class WorkerCrashTests
{
    private const int Jobs = 40;
    private const string Fabric = "us-east-1a";

    [Theory]
    [MemberData(nameof(TestDatabase.Dialects), MemberType = typeof(TestDatabase))]
    public async Task Killing_a_worker_mid_run_loses_no_deployment_and_duplicates_no_submission(string dialect)
    {
        var url = await TestDatabase.CreateAsync(dialect);
        var folder = Directory.CreateTempSubdirectory("sluice-crash-").FullName;
        await using var store = StoreFactory.Open(url);
        await store.MigrateAsync();
        var metadata = new MetadataCommands(store);
        var caller = new CallerContext("crash-test", "test");
        var specs = new StoreJobSpecSource(store);
        await using var deployments = DeploymentStore.For(store);
        var commands = new DeploymentCommands(deployments, specs);

        var jobs = Enumerable.Range(0, Jobs).Select(i => Spec(i, parallelism: 2)).ToList();
        await metadata.SeedJobsAsync(jobs, caller);
        var workers = new[] { StartWorker(url, folder), StartWorker(url, folder) };
        try
        {
            // Wave 1 creates every job; wave 2 updates each (revision 2), queued behind its create: savepoint, stop, submit.
            foreach (var spec in jobs) await commands.DeployAsync(Key(spec), Fabric, "crash-test");
            foreach (var spec in jobs)
            {
                await metadata.ApplyJobAsync(new ApplyJobRequest { Spec = Spec(jobs.IndexOf(spec), parallelism: 4) }, caller);
                await commands.DeployAsync(Key(spec), Fabric, "crash-test");
            }

            await WaitUntilAsync(async () => (await deployments.CountAsync()).Unfinished <= 2 * Jobs * 3 / 4, TimeSpan.FromSeconds(60), workers);
            var (unfinishedAtKill, _) = await deployments.CountAsync();
            workers[0].Kill(entireProcessTree: true); // SIGKILL: no lease release, no goodbye
            await workers[0].WaitForExitAsync();
            Assert.True(unfinishedAtKill > 0, "the kill must land while deployments are in progress");

            await WaitUntilAsync(async () => (await deployments.CountAsync()).Unfinished == 0, TimeSpan.FromSeconds(120), [workers[1]]);
            // The survivor takes every shard once the dead worker's heartbeat expires (shards without work included).
            await WaitUntilAsync(async () => (await deployments.LeasesAsync()).Select(l => l.Owner).Distinct().Count() == 1
                                             && (await deployments.LeasesAsync())[0].Owner != "", TimeSpan.FromSeconds(30), [workers[1]]);
        }
        finally
        {
            foreach (var worker in workers.Where(w => !w.HasExited)) worker.Kill(entireProcessTree: true);
        }

        foreach (var spec in jobs)
        {
            var history = await deployments.ListAsync(Key(spec), Fabric, 10);
            Assert.Equal([DeploymentState.Succeeded, DeploymentState.Succeeded], history.Select(d => d.State));
        }
        var runs = new LocalRuntimeDriver(new LocalRuntimeOptions { Folder = folder }).Runs(Fabric);
        Assert.Equal(2 * Jobs, runs.Count);
        Assert.All(runs.GroupBy(r => (r.Key.Job, r.Key.Revision)), submissions => Assert.Single(submissions));
        foreach (var job in runs.GroupBy(r => r.Key.Job))
        {
            var ordered = job.OrderBy(r => r.SubmittedAt).ToList();
            Assert.Equal([1L, 2L], ordered.Select(r => r.Key.Revision));
            Assert.True(ordered[0].StoppedAt is { } stopped && stopped <= ordered[1].SubmittedAt,
                $"{job.Key}: revision 1 still ran when revision 2 was submitted");
            Assert.Equal(Sluice.Runtimes.Drivers.RestoreMode.Savepoint, ordered[1].RestoreMode);
        }
        // Some deployment was begun under one lease and finished under the survivor's newer one.
        var handedOver = 0;
        foreach (var spec in jobs)
        {
            foreach (var deployment in await deployments.ListAsync(Key(spec), Fabric, 10))
            {
                var epochs = (await deployments.EventsAsync(deployment.Id)).Where(e => e.FenceEpoch > 0).Select(e => e.FenceEpoch).Distinct().Count();
                if (epochs > 1) handedOver++;
            }
        }
        Assert.True(handedOver > 0, "no deployment changed hands: the kill did not interrupt any");
    }

    private static JobSpec Spec(int index, int parallelism)
    {
        var spec = Harness.Stateful.Clone();
        spec.Name = $"crash-{index:D3}";
        spec.Resources.Parallelism = parallelism;
        spec.Placement.Fabrics.Clear();
        spec.Placement.Fabrics.Add(Fabric);
        return spec;
    }

    private static string Key(JobSpec spec) => $"{spec.Namespace}/{spec.Name}";

    private static Process StartWorker(string url, string folder)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "sluice.dll"), "server", "--role", "worker", "--db", url,
                     "--listen", "http://127.0.0.1:0", "--platform", Path.Combine(WorkflowHarness.RepositoryRoot, "examples", "platform.yaml"),
                     "--local-folder", folder, "--shared-local-folder", "--lease-ttl", "2",
                 })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, IReadOnlyList<Process> mustLive)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < timeout, $"condition not reached within {timeout}");
            Assert.All(mustLive, p => Assert.False(p.HasExited, $"worker process {p.Id} exited with {(p.HasExited ? p.ExitCode : 0)}"));
            await Task.Delay(50);
        }
    }

    private static class Harness
    {
        public static JobSpec Stateful { get; } = LoadStateful();

        private static JobSpec LoadStateful()
        {
            var path = Path.Combine(WorkflowHarness.RepositoryRoot, "examples", "checkout-revenue-per-minute.yaml");
            var loaded = Sluice.Spec.SpecLoader.LoadJobSpecFile(path, WorkflowHarness.Platform);
            Assert.False(loaded.HasErrors);
            return loaded.Value!;
        }
    }
}
