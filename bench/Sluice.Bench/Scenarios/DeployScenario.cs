using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Sluice.Bench.Measurement;
using Sluice.Deployment.Providers.Local;
using Sluice.Deployment.Workflow;
using Sluice.Metadata;
using Sluice.Runtimes.Drivers.Local;
using Sluice.Runtimes.Faults;
using Sluice.Spec.V1;
using Sluice.Store;
using Sluice.Store.Deployments;
using Spectre.Console;

namespace Sluice.Bench.Scenarios;

/// <summary>
/// `sluice-bench deploy`: N deployments end to end (request → admitted → topic provisioned → rendered by the compilers
/// → submitted to the Local driver → observed running) with 1, 2 and 4 in-process workers, each in a fresh database;
/// then again with a simulated latency per provider and driver call. Prints deployments/s, the engine's own overhead
/// per deployment (step time not spent inside providers/drivers) and the database's raw transaction rate measured in
/// the same run.
/// </summary>
public static class DeployScenario
{
    private const string Fabric = "bench-1";

    public static Command Create()
    {
        var database = new Option<string>("--db")
        {
            Description = "postgres://USER[:PASS]@HOST:PORT/DB (or mysql://…, sqlite); each run works in a fresh database of its own on that server",
            DefaultValueFactory = _ => "sqlite",
        };
        var deployments = new Option<int>("--deployments") { Description = "Deployments per run", DefaultValueFactory = _ => 10_000 };
        var workers = new Option<int[]>("--workers")
        {
            Description = "Worker counts to run with", DefaultValueFactory = _ => [1, 2, 4], AllowMultipleArgumentsPerToken = true,
        };
        var latencies = new Option<int[]>("--latency-ms")
        {
            Description = "Simulated latency per provider/driver call, one run set per value", DefaultValueFactory = _ => [0, 50],
            AllowMultipleArgumentsPerToken = true,
        };
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "The most deployments the workers drive at once, all together (split evenly between them); each worker's " +
                          "adaptive limit stays below its share", DefaultValueFactory = _ => 1024,
        };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients requesting deployments", DefaultValueFactory = _ => 64 };
        var inFlight = new Option<int>("--in-flight")
        {
            Description = "Deployments requested but not finished that the clients keep up (they wait while this many are in flight)",
            DefaultValueFactory = _ => 1000,
        };
        var warmUp = new Option<int>("--warm-up")
        {
            Description = "Deployments run (and not measured) first, so the measured runs see compiled code as a long-running server does",
            DefaultValueFactory = _ => 3000,
        };
        var rawClients = new Option<int>("--raw-clients") { Description = "Clients of the raw transaction measurement", DefaultValueFactory = _ => 64 };
        var output = new Option<string?>("--out") { Description = "JSON results file (default bench/results/deploy-<dialect>.json)" };
        var command = new Command("deploy", "Deployment workflow throughput and engine overhead beside the database's raw transaction rate")
        {
            database, deployments, workers, latencies, concurrency, clients, inFlight, warmUp, rawClients, output,
        };
        command.SetAction(async (parse, _) =>
        {
            var settings = new Settings(parse.GetRequiredValue(database), parse.GetValue(deployments), parse.GetRequiredValue(workers),
                parse.GetRequiredValue(latencies), parse.GetValue(concurrency), parse.GetValue(clients), parse.GetValue(inFlight),
                parse.GetValue(warmUp), parse.GetValue(rawClients));
            if (settings.WarmUp > 0)
            {
                // The first run of a fresh process pays for the JIT (tiered compilation took a third of the bench's CPU in
                // the first 30 s): run it once, unmeasured.
                await RunAsync(settings with { Deployments = settings.WarmUp }, settings.Workers[0], TimeSpan.Zero, measureRaw: false);
            }
            var runs = new List<RunResult>();
            foreach (var latency in settings.LatenciesMs)
            {
                foreach (var count in settings.Workers)
                {
                    runs.Add(await RunAsync(settings, count, TimeSpan.FromMilliseconds(latency), measureRaw: true));
                }
            }
            Print(runs);
            var dialect = runs[0].Dialect;
            var path = parse.GetValue(output) ?? Path.Combine("bench", "results", $"deploy-{dialect}.json");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new { RunAt = DateTime.UtcNow, Machine = Environment.MachineName,
                Cores = Environment.ProcessorCount, Runs = runs }, new JsonSerializerOptions { WriteIndented = true }) + "\n");
            AnsiConsole.MarkupLine($"[grey]results written to {Markup.Escape(path)}[/]");
            return runs.All(r => r.Failed == 0) ? 0 : 1;
        });
        return command;
    }

    private sealed record Settings(string Database, int Deployments, int[] Workers, int[] LatenciesMs, int Concurrency, int Clients, int InFlight,
        int WarmUp, int RawClients);

    public sealed record RunResult(
        string Dialect, int Workers, int LatencyMs, int Deployments, int Succeeded, int Failed, double Seconds, double DeploymentsPerSecond,
        long PeakInFlight, double MeanInFlight, double MeanDriven, double OverheadP50Ms, double OverheadP95Ms, double OverheadP99Ms, double ExternalP50Ms,
        double PickupWaitP50Ms, double PickupWaitP95Ms, double EndToEndP50Ms, double EndToEndP95Ms, long Steps,
        double CommitMsPerDeployment, double BenchCpuMsPerDeployment, double? DatabaseCpuMsPerDeployment, double TransitionsPerGroupCommit, long? DatabaseTransactions, double? DatabaseTransactionsPerSecond, LoadResult? RawTransactions);

    private static async Task<RunResult> RunAsync(Settings settings, int workerCount, TimeSpan latency, bool measureRaw)
    {
        await using var database = await BenchDatabase.CreateAsync(settings.Database);
        var dialect = database.Dialect.ToString().ToLowerInvariant();
        Step($"{dialect}: {settings.Deployments:N0} deployments, {workerCount} worker(s), {latency.TotalMilliseconds:0} ms per provider/driver call" +
             (measureRaw ? "" : " (warm-up, not measured)"));
        await using var store = StoreFactory.Open(database.StoreUrl);
        await store.MigrateAsync();
        var specs = Enumerable.Range(0, settings.Deployments).Select(i => BenchSpecs.Job($"deploy-{i:D5}", i)).ToList();
        foreach (var chunk in specs.Chunk(2000))
        {
            await new MetadataCommands(store).SeedJobsAsync(chunk, new CallerContext("bench", "sluice-bench"));
        }

        await using var deployments = DeploymentStore.For(store);
        var source = new StoreJobSpecSource(store);
        var metrics = new EngineMetrics();
        var driver = new LocalRuntimeDriver(new LocalRuntimeOptions { Faults = new FaultPlan { Latency = latency } });
        var engine = new DeploymentEngine(deployments, source, new CompilerRenderer(Platform()),
            LocalProviders.InMemory(new FaultPlan { Latency = latency }),
            new SingleDriverSelector(driver), new WorkflowOptions { ObserveInterval = TimeSpan.FromMilliseconds(20) }, metrics);
        var options = new WorkerOptions
        {
            RenewInterval = TimeSpan.FromMilliseconds(500), PollInterval = TimeSpan.FromMilliseconds(50), BatchSize = 512,
            MaxConcurrency = Math.Max(1, settings.Concurrency / workerCount),
        };
        var workers = Enumerable.Range(0, workerCount).Select(i => new DeploymentWorker(engine, options with { WorkerId = $"bench-{i}" })).ToList();
        foreach (var worker in workers) await worker.StartAsync(CancellationToken.None);
        var settle = Stopwatch.StartNew();
        while (workers.Sum(w => w.Leases.Count) < deployments.ShardCount || workers.Any(w => w.Leases.Count > (deployments.ShardCount + workerCount - 1) / workerCount))
        {
            if (settle.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("workers did not split the shards within 30 s");
            await Task.Delay(50);
        }

        var commands = new DeploymentCommands(deployments, source);
        var created = 0L;
        var peak = 0L;
        var samples = new List<long>();
        var driven = new List<int>();
        var committedBefore = await database.CommittedTransactionsAsync();
        CpuMeter.DatabaseRoot = await database.LocalServerProcessAsync();
        var cpu = CpuMeter.Start();
        var clock = Stopwatch.StartNew();
        var queue = new ConcurrentQueue<JobSpec>(specs);
        var requesters = Enumerable.Range(0, settings.Clients).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var spec))
            {
                // A closed loop: keep the in-flight count at the target, so the figures are taken at that load.
                while (Interlocked.Read(ref created) - metrics.Finished >= settings.InFlight) await Task.Delay(2);
                Interlocked.Increment(ref created);
                await commands.DeployAsync($"{spec.Namespace}/{spec.Name}", Fabric, "bench");
            }
        })).ToList();
        var requested = Task.WhenAll(requesters);
        while (metrics.Finished < settings.Deployments)
        {
            if (requested.IsFaulted) await requested;
            var now = Interlocked.Read(ref created) - metrics.Finished;
            peak = Math.Max(peak, now);
            // The steady state: after the clients filled the target, before the last requests drain it.
            if (!queue.IsEmpty && metrics.Finished > 0)
            {
                samples.Add(now);
                driven.Add(workers.Sum(w => w.Concurrency));
            }
            if (workers.SelectMany(w => w.Faults).FirstOrDefault() is { } fault) throw new InvalidOperationException("worker fault", fault);
            await Task.Delay(20);
        }
        var elapsed = clock.Elapsed;
        var (benchCpuMs, databaseCpuMs) = cpu.PerOperation(settings.Deployments);
        await requested;
        foreach (var worker in workers)
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }
        // Idle server processes report their counts within 10 s; the stopped workers add no more.
        await Task.Delay(TimeSpan.FromSeconds(11));
        var committed = await database.CommittedTransactionsAsync() - committedBefore;

        var states = await deployments.CountByStateAsync();
        var succeeded = (int)states.GetValueOrDefault(DeploymentState.Succeeded);
        var failed = (int)states.Where(s => s.Key != DeploymentState.Succeeded).Sum(s => s.Value);
        if (failed > 0)
        {
            var sample = specs.Select(spec => deployments.ListAsync($"{spec.Namespace}/{spec.Name}", Fabric, 1).Result.FirstOrDefault())
                .First(d => d is not null && d.State != DeploymentState.Succeeded)!;
            Step($"  {failed} deployments did not succeed; e.g. deployment {sample.Id} is {sample.State.ToKebab()}: {sample.Error}");
        }
        var groups = deployments.GroupCommits;
        var times = metrics.Samples;
        double[] Sorted(Func<DeploymentTimes, TimeSpan> part) => times.Select(t => part(t).TotalMilliseconds).Order().ToArray();
        var overheads = Sorted(t => t.Overhead);
        var pickups = Sorted(t => t.PickupWait);
        var endToEnd = Sorted(t => t.EndToEnd);
        var mean = samples.Count > 0 ? samples.Average() : peak;
        Step($"  {settings.Deployments / elapsed.TotalSeconds:N0} deployments/s, overhead p95 {Percentile(overheads, 0.95):0.0} ms, " +
             $"pick-up wait p95 {Percentile(pickups, 0.95):0.0} ms, {mean:N0} in flight (peak {peak:N0})" + (measureRaw ? "; measuring the raw transaction rate" : ""));
        // The run's connection pools go first, so the raw clients get all the connections they ask for.
        await deployments.DisposeAsync();
        await store.DisposeAsync();
        var raw = measureRaw ? await RawInsertLimit.MeasureAsync(database.Dialect, database.OpenAsync, settings.RawClients, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)) : null;
        return new RunResult(dialect, workerCount, (int)latency.TotalMilliseconds, settings.Deployments, succeeded,
            failed, elapsed.TotalSeconds, settings.Deployments / elapsed.TotalSeconds, peak, mean, driven.Count > 0 ? driven.Average() : double.NaN,
            Percentile(overheads, 0.50),
            Percentile(overheads, 0.95), Percentile(overheads, 0.99), Percentile(Sorted(t => t.External), 0.50), Percentile(pickups, 0.50),
            Percentile(pickups, 0.95), Percentile(endToEnd, 0.50), Percentile(endToEnd, 0.95), metrics.Steps, metrics.CommitTime.TotalMilliseconds / settings.Deployments,
            benchCpuMs ?? double.NaN, databaseCpuMs, (double)groups.Transitions / Math.Max(1, groups.Groups), committed,
            committed / elapsed.TotalSeconds, raw);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static PlatformConfig Platform() => new()
    {
        DefaultRuntime = Runtime.Flink,
        DefaultResources = new Resources { Coordinator = new ComputeSize { Cpu = 0.5, Memory = "1Gi" } },
        KafkaClusters = { new KafkaCluster { Name = BenchSpecs.Cluster, BootstrapServers = "bench-kafka:9092" } },
        Fabrics =
        {
            new Fabric
            {
                Name = Fabric,
                Local = true,
                Flink = new FlinkFabric
                {
                    Namespace = "flink-jobs", Image = "flink:2.1", FlinkVersion = "v2_1", ServiceAccount = "flink",
                    CheckpointBaseDir = "file:///tmp/sluice-bench/checkpoints", SavepointBaseDir = "file:///tmp/sluice-bench/savepoints",
                    HighAvailabilityDir = "file:///tmp/sluice-bench/ha",
                },
            },
        },
    };

    private static void Print(IReadOnlyList<RunResult> runs)
    {
        var table = new Table().AddColumns("db", "workers", "latency", "deploys", "ok", "failed", "seconds", "deploys/s", "in flight (peak)", "driven",
            "overhead p50", "p95", "p99", "of it: commit", "external p50", "pick-up wait p50", "p95", "end to end p50", "p95", "bench cpu/deploy", "db cpu/deploy", "steps/deploy", "per group commit", "db tx/deploy", "db tx/s", "raw tx/s (same run)", "db tx/raw", "deploys/raw");
        foreach (var r in runs)
        {
            table.AddRow(r.Dialect, r.Workers.ToString(), $"{r.LatencyMs} ms", r.Deployments.ToString("N0"), r.Succeeded.ToString("N0"),
                r.Failed.ToString(), r.Seconds.ToString("0.0"), r.DeploymentsPerSecond.ToString("N0"), $"{r.MeanInFlight:N0} ({r.PeakInFlight:N0})",
                r.MeanDriven.ToString("N0"),
                $"{r.OverheadP50Ms:0.0} ms", $"{r.OverheadP95Ms:0.0} ms", $"{r.OverheadP99Ms:0.0} ms", $"{r.CommitMsPerDeployment:0.0} ms",
                $"{r.ExternalP50Ms:0.0} ms", $"{r.PickupWaitP50Ms:0} ms", $"{r.PickupWaitP95Ms:0} ms", $"{r.EndToEndP50Ms:0} ms", $"{r.EndToEndP95Ms:0} ms", $"{r.BenchCpuMsPerDeployment:0.00} ms", r.DatabaseCpuMsPerDeployment is { } dbCpu ? $"{dbCpu:0.00} ms" : "n/a", $"{(double)r.Steps / r.Deployments:0.0}", $"{r.TransitionsPerGroupCommit:0.0}",
                r.DatabaseTransactions is { } tx ? $"{(double)tx / r.Deployments:0.0}" : "n/a", r.DatabaseTransactionsPerSecond?.ToString("N0") ?? "n/a",
                r.RawTransactions!.PerSecond.ToString("N0"), r.DatabaseTransactionsPerSecond is { } rate ? $"{rate / r.RawTransactions.PerSecond:P0}" : "n/a",
                $"{r.DeploymentsPerSecond / r.RawTransactions.PerSecond:P0}");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]overhead = a deployment's step time minus time inside providers/drivers (external); pick-up wait = " +
                               "request to first step, queued in the database until a worker slot is free; in flight = requested, not finished; " +
                               "driven = the workers' adaptive concurrency limits, summed " +
                               "(mean over the steady state); db tx = transactions the server committed during the run (PostgreSQL's own " +
                               "count, reads included), so db tx/deploy counts round trips that commit[/]");
    }

    private static void Step(string message) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]");
}
