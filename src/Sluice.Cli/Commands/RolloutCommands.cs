using System.CommandLine;
using System.Diagnostics;
using Grpc.Core;
using Sluice.Cli.Client;
using Sluice.Spec.V1;
using Spectre.Console;

namespace Sluice.Cli.Commands;

/// <summary>
/// `sluice deploy NAME` and `sluice rollout status|history|suspend|resume|delete|rollback|cancel|scale`: the deployment
/// workflow over gRPC. With --watch, each step is shown live with its state and elapsed time; the exit code is
/// non-zero when a deployment fails or is cancelled.
/// </summary>
public static class RolloutCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Request("deploy", "Deploy the job's head revision (to --fabric, or every fabric of its placement)", DeploymentAction.Deploy);
        yield return new Command("rollout", "Deployments of a job: status, history, suspend, resume, delete, rollback, cancel")
        {
            Status(),
            History(),
            Request("suspend", "Savepoint (per upgrade policy) and stop the job's runs", DeploymentAction.Suspend),
            Request("resume", "Start the suspended revision again, restoring its state", DeploymentAction.Resume),
            Request("delete", "Stop the job's runs (savepoint first when stateful) and release its resources", DeploymentAction.Delete),
            Request("rollback", "Deploy the last revision that reached running", DeploymentAction.Rollback),
            Cancel(),
            Scale(),
        };
    }

    private static Command Request(string name, string description, DeploymentAction action)
    {
        var job = JobNames.NameArgument();
        var fabric = new Option<string?>("--fabric") { Description = "One fabric (default: all)" };
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow each deployment until it finishes; exit non-zero if one fails" };
        var autoRollback = new Option<bool>("--auto-rollback") { Description = "On failure, deploy the last revision that reached running" };
        var command = new Command(name, description) { job, JobNames.NamespaceOption, fabric, watch };
        if (action == DeploymentAction.Deploy) command.Options.Add(autoRollback);
        command.SetAction((parse, cancellation) => WithClientAsync(parse, async client =>
        {
            var (ns, jobName) = JobNames.Resolve(parse, job);
            var answer = await client.RequestDeploymentAsync(new RequestDeploymentRequest
            {
                Namespace = ns, Name = jobName, Action = action, Fabric = parse.GetValue(fabric) ?? "",
                AutoRollback = parse.GetValue(autoRollback),
            }, ClientCall.Options(cancellation));
            foreach (var d in answer.Deployments)
            {
                Console.Out.WriteLine($"deployment {d.Id}: {d.Kind} of {d.Job} revision {d.Revision} on {d.Fabric}: {d.State}");
            }
            if (!parse.GetValue(watch)) return 0;
            var failed = 0;
            foreach (var d in answer.Deployments)
            {
                if (!await WatchAsync(client, d, cancellation)) failed++;
            }
            return failed == 0 ? 0 : 1;
        }));
        return command;
    }

    private static Command Status()
    {
        var job = JobNames.NameArgument();
        var command = new Command("status", "The newest deployment on each fabric, with its steps") { job, JobNames.NamespaceOption };
        command.SetAction((parse, cancellation) => WithClientAsync(parse, async client =>
        {
            var (ns, name) = JobNames.Resolve(parse, job);
            var all = await client.ListDeploymentsAsync(new ListDeploymentsRequest { Namespace = ns, Name = name, Limit = 200 }, ClientCall.Options(cancellation));
            if (all.Deployments.Count == 0)
            {
                Console.Error.WriteLine($"{ns}/{name} has no deployments");
                return 1;
            }
            foreach (var latest in all.Deployments.GroupBy(d => d.Fabric).Select(g => g.First()))
            {
                Console.Out.WriteLine($"{latest.Fabric}: deployment {latest.Id} ({latest.Kind}, revision {latest.Revision}) is {latest.State}" +
                                      (latest.Error.Length > 0 ? $": {latest.Error}" : ""));
                var events = client.WatchDeployment(new WatchDeploymentRequest { Id = latest.Id }, ClientCall.Options(cancellation));
                // A finished deployment's watch ends after its last event; an unfinished one shows what happened so far.
                using var soFar = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                soFar.CancelAfter(latest.Finished ? TimeSpan.FromSeconds(30) : TimeSpan.FromMilliseconds(500));
                try
                {
                    await foreach (var e in events.ResponseStream.ReadAllAsync(soFar.Token))
                    {
                        Console.Out.WriteLine($"  {e.At.ToDateTimeOffset():HH:mm:ss.fff}  {e.State,-13} {e.Detail}");
                    }
                }
                catch (RpcException error) when (error.StatusCode == StatusCode.Cancelled && !cancellation.IsCancellationRequested)
                {
                }
            }
            return all.Deployments.GroupBy(d => d.Fabric).Any(g => g.First().State is "failed") ? 1 : 0;
        }));
        return command;
    }

    private static Command History()
    {
        var job = JobNames.NameArgument();
        var fabric = new Option<string?>("--fabric") { Description = "One fabric (default: all)" };
        var command = new Command("history", "Every deployment of the job, newest first") { job, JobNames.NamespaceOption, fabric };
        command.SetAction((parse, cancellation) => WithClientAsync(parse, async client =>
        {
            var (ns, name) = JobNames.Resolve(parse, job);
            var all = await client.ListDeploymentsAsync(new ListDeploymentsRequest
            {
                Namespace = ns, Name = name, Fabric = parse.GetValue(fabric) ?? "", Limit = 1000,
            }, ClientCall.Options(cancellation));
            var table = new Table().AddColumns("ID", "FABRIC", "KIND", "REVISION", "STATE", "REQUESTED", "BY", "DURATION", "ERROR");
            foreach (var d in all.Deployments)
            {
                var duration = d.FinishedAt is null ? "" : $"{(d.FinishedAt.ToDateTimeOffset() - d.CreatedAt.ToDateTimeOffset()).TotalSeconds:F1}s";
                table.AddRow(d.Id.ToString(), d.Fabric, d.Kind, d.Revision.ToString(), d.State,
                    d.CreatedAt.ToDateTimeOffset().ToString("u"), Markup.Escape(d.RequestedBy), duration, Markup.Escape(d.Error));
            }
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    /// <summary>`rollout scale NAME --parallelism N`: a new revision (metadata, audited), rolled out by Scale deployments.</summary>
    private static Command Scale()
    {
        var job = JobNames.NameArgument();
        var parallelism = new Option<int>("--parallelism", "-p") { Description = "The new parallelism", Required = true };
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow each deployment until it finishes; exit non-zero if one fails" };
        var reason = new Option<string?>("--reason") { Description = "Why, recorded in the audit log" };
        var command = new Command("scale", "Record a revision with another parallelism and roll it out on every fabric the job was deployed to")
        {
            job, JobNames.NamespaceOption, parallelism, watch, reason,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            using var channel = ServerConnection.Open(parse);
            try
            {
                var (ns, name) = JobNames.Resolve(parse, job);
                var request = new ScaleJobRequest
                {
                    Namespace = ns, Name = name, Parallelism = parse.GetRequiredValue(parallelism), Reason = parse.GetValue(reason) ?? "",
                    RequestId = Guid.NewGuid().ToString("N"),
                };
                var answer = await new MetadataService.MetadataServiceClient(channel).ScaleJobAsync(request, ClientCall.Options(cancellation, request.RequestId));
                if (!answer.Changed)
                {
                    Console.Out.WriteLine($"{ns}/{name}: revision {answer.Revision} already has parallelism {request.Parallelism}; nothing to do");
                    return 0;
                }
                Console.Out.WriteLine($"{ns}/{name}: revision {answer.Revision} (from {answer.PreviousRevision}) has parallelism {request.Parallelism}");
                if (answer.DeploymentIds.Count == 0)
                {
                    Console.Out.WriteLine($"{ns}/{name} was never deployed: ./sluice deploy {ns}/{name} rolls the new revision out");
                    return 0;
                }
                var deployments = new DeploymentService.DeploymentServiceClient(channel);
                var started = new List<Spec.V1.Deployment>();
                foreach (var id in answer.DeploymentIds)
                {
                    var d = await deployments.GetDeploymentAsync(new GetDeploymentRequest { Id = id }, ClientCall.Options(cancellation));
                    Console.Out.WriteLine($"deployment {d.Id}: {d.Kind} of {d.Job} revision {d.Revision} on {d.Fabric}: {d.State}");
                    started.Add(d);
                }
                if (!parse.GetValue(watch)) return 0;
                var failed = 0;
                foreach (var d in started)
                {
                    if (!await WatchAsync(deployments, d, cancellation)) failed++;
                }
                return failed == 0 ? 0 : 1;
            }
            catch (RpcException error)
            {
                return RpcErrorReport.Print(error);
            }
        });
        return command;
    }

    private static Command Cancel()
    {
        var id = new Argument<long>("ID") { Description = "Deployment id (see rollout status/history)" };
        var command = new Command("cancel", "Stop a deployment in progress or queued at its next step") { id };
        command.SetAction((parse, cancellation) => WithClientAsync(parse, async client =>
        {
            var d = await client.CancelDeploymentAsync(new CancelDeploymentRequest { Id = parse.GetValue(id) }, ClientCall.Options(cancellation));
            Console.Out.WriteLine($"deployment {d.Id}: cancel requested ({d.State})");
            return 0;
        }));
        return command;
    }

    /// <summary>Shows the deployment's steps live (one row per step: state, elapsed time, detail); true when it succeeded.</summary>
    internal static async Task<bool> WatchAsync(DeploymentService.DeploymentServiceClient client, Spec.V1.Deployment deployment, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var call = client.WatchDeployment(new WatchDeploymentRequest { Id = deployment.Id }, ClientCall.Options(ct));
        var last = "";
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            await foreach (var e in call.ResponseStream.ReadAllAsync(ct))
            {
                Console.Out.WriteLine($"  [{clock.Elapsed.TotalSeconds,6:F2}s] {e.State,-13} {e.Detail}");
                last = e.State;
            }
            return last == "succeeded";
        }
        var table = new Table().AddColumns("STEP", "STATE", "ELAPSED", "DETAIL").Title($"deployment {deployment.Id}: {deployment.Job} on {deployment.Fabric}");
        await AnsiConsole.Live(table).StartAsync(async live =>
        {
            DateTimeOffset? stepStart = null;
            await foreach (var e in call.ResponseStream.ReadAllAsync(ct))
            {
                var at = e.At.ToDateTimeOffset();
                var elapsed = stepStart is { } s ? $"{(at - s).TotalMilliseconds:F0} ms" : "";
                stepStart = at;
                var color = e.State switch { "succeeded" => "green", "failed" or "cancelled" => "red", _ => "yellow" };
                table.AddRow(Markup.Escape(e.FromState.Length > 0 ? e.FromState : "requested"), $"[{color}]{e.State}[/]", elapsed, Markup.Escape(e.Detail));
                last = e.State;
                live.Refresh();
            }
        });
        return last == "succeeded";
    }

    private static async Task<int> WithClientAsync(ParseResult parse, Func<DeploymentService.DeploymentServiceClient, Task<int>> body)
    {
        using var channel = ServerConnection.Open(parse);
        try
        {
            return await body(new DeploymentService.DeploymentServiceClient(channel));
        }
        catch (RpcException error)
        {
            return RpcErrorReport.Print(error);
        }
    }
}
