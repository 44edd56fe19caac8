using System.CommandLine;
using System.Diagnostics;
using Sluice.Deployment.Providers;
using Sluice.Deployment.Providers.Local;
using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Drivers.Local;
using Sluice.Spec.V1;
using JobRef = Sluice.Runtimes.Drivers.JobRef;

namespace Sluice.Bench;

/// <summary>
/// The deployment edges alone: for N jobs, plan and provision every local resource, submit to the Local driver and
/// observe it running, with zero latency. Printed beside the raw limit of the same medium measured in the same run
/// (dictionary inserts in memory; atomic small-file writes with a folder).
/// </summary>
public static class EdgesScenario
{
    public static Command Command()
    {
        var jobs = new Option<int>("--jobs") { Description = "How many deployments", DefaultValueFactory = _ => 10_000 };
        var folder = new Option<string?>("--folder") { Description = "Write artifacts and records under this folder (default: in memory)" };
        var command = new Command("edges", "Local providers and the Local driver, zero latency") { jobs, folder };
        command.SetAction(async (result, cancellationToken) =>
        {
            var n = result.GetValue(jobs);
            var root = result.GetValue(folder);
            var edges = await MeasureEdgesAsync(n, root, cancellationToken);
            var raw = MeasureRaw(n * 6, root);
            Console.WriteLine($"edges: {n} deployments ({n * 6} resources + submissions) in {edges.TotalSeconds:F2}s = {n / edges.TotalSeconds:F0} deployments/s");
            Console.WriteLine($"raw limit ({(root is null ? "dictionary inserts" : "atomic small-file writes")}): {n * 6} in {raw.TotalSeconds:F2}s = {n * 6 / raw.TotalSeconds:F0} ops/s");
            return 0;
        });
        return command;
    }

    private static async Task<TimeSpan> MeasureEdgesAsync(int jobs, string? folder, CancellationToken cancellationToken)
    {
        var providers = LocalProviders.All(new LocalProviderOptions { Folder = folder });
        var driver = new LocalRuntimeDriver(new LocalRuntimeOptions { Folder = folder });
        var artifact = FlinkDeploymentArtifact.Parse("""
            apiVersion: flink.apache.org/v1beta1
            kind: FlinkDeployment
            metadata: { name: bench }
            spec: { job: { jarURI: "local:///opt/job.jar", parallelism: 2, upgradeMode: savepoint } }
            """);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < jobs; i++)
        {
            var spec = Spec(i);
            var owner = new ResourceOwner(new JobRef(spec.Namespace, spec.Name), 1, "bench");
            foreach (var provider in providers)
            {
                foreach (var request in provider.Plan(spec, owner))
                {
                    await provider.ProvisionAsync(request, cancellationToken);
                }
            }
            var handle = await driver.SubmitAsync(new SubmitRequest(new SubmissionKey(owner.Job, 1, "bench"), artifact), cancellationToken);
            if ((await driver.ObserveAsync(handle, cancellationToken)).State != RuntimeJobState.Running)
            {
                throw new InvalidOperationException($"{owner.Job} did not run");
            }
        }
        return clock.Elapsed;
    }

    private static TimeSpan MeasureRaw(int operations, string? folder)
    {
        var clock = Stopwatch.StartNew();
        if (folder is null)
        {
            var map = new Dictionary<string, string>();
            for (var i = 0; i < operations; i++)
            {
                map[$"raw/{i}"] = new string('x', 256);
            }
            return clock.Elapsed;
        }
        var dir = Directory.CreateDirectory(Path.Combine(folder, "raw-limit")).FullName;
        for (var i = 0; i < operations; i++)
        {
            var path = Path.Combine(dir, $"{i}.json");
            File.WriteAllText(path + ".tmp", new string('x', 256));
            File.Move(path + ".tmp", path, overwrite: true);
        }
        var elapsed = clock.Elapsed;
        Directory.Delete(dir, recursive: true);
        return elapsed;
    }

    private static JobSpec Spec(int i)
    {
        var spec = new JobSpec
        {
            Name = $"job-{i}",
            Namespace = $"team-{i % 50}",
            Runtime = Runtime.Flink,
            State = new State { Stateful = true },
            Observability = new Observability { Dashboard = true },
        };
        spec.Sources.Add(new Dataset { System = "kafka", Cluster = "main", Name = $"in-{i}" });
        spec.Sinks.Add(new Dataset { System = "kafka", Cluster = "main", Name = $"out-{i}" });
        spec.State.Stores.Add(new StateStore { Name = "agg", Kind = StoreKind.Rocksdb, Changelog = true });
        spec.Observability.Alerts.Add(new AlertRule { Kind = AlertKind.ConsumerLag, Threshold = 1000, Severity = Severity.Warning });
        return spec;
    }
}
