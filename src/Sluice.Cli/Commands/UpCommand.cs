using System.CommandLine;
using Grpc.Net.Client;
using Sluice.Cli.Client;
using Sluice.Server;
using Sluice.Spec;
using Sluice.Spec.V1;

namespace Sluice.Cli.Commands;

/// <summary>
/// `sluice up`: the whole platform in one command. Starts the embedded server (SQLite, the local fabric, the
/// deployment worker) in this process, applies the example jobs, deploys each to every fabric of its placement with
/// live progress, shows what runs, then keeps serving until Ctrl+C (or exits with --exit).
/// </summary>
public static class UpCommand
{
    private const string LocalFabric = "local";

    public static Command Create()
    {
        var database = new Option<string>("--db")
        {
            Description = "Database URL (default: the embedded SQLite file ./.sluice/sluice.db)",
            DefaultValueFactory = _ => SluiceServerOptions.DefaultDatabase,
        };
        var examples = new Option<string>("--examples") { Description = "Folder of JobSpecs to apply and deploy", DefaultValueFactory = _ => "examples" };
        var platform = new Option<string>("--platform") { Description = "Platform config", DefaultValueFactory = _ => "examples/platform.yaml" };
        var listen = new Option<Uri>("--listen")
        {
            Description = "API endpoint to serve on",
            DefaultValueFactory = _ => SluiceServerOptions.DefaultListen,
            CustomParser = result => Formats.ParseUrl(result)!,
        };
        var exit = new Option<bool>("--exit") { Description = "Stop after the examples are deployed instead of serving on" };
        var command = new Command("up", "Start the embedded platform, apply and deploy the examples, and show them running")
        {
            database, examples, platform, listen, exit, JobNames.NamespaceOption,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var platformFile = parse.GetRequiredValue(platform);
            var loaded = SpecLoader.LoadPlatformFile(platformFile);
            if (loaded.HasErrors)
            {
                foreach (var problem in loaded.Errors) Console.Error.WriteLine(problem.Format(platformFile));
                return 2;
            }
            var serverOptions = new SluiceServerOptions
            {
                Database = parse.GetRequiredValue(database),
                Listen = parse.GetRequiredValue(listen),
                Platform = loaded.Value,
                LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
            };
            await using var server = await SluiceServer.StartAsync(serverOptions, cancellation);
            Console.Out.WriteLine($"sluice: embedded platform up: database {server.DatabaseDescription}, API {server.ApiAddress}, local fabric in {serverOptions.LocalFolder}");
            using var channel = GrpcChannel.ForAddress(server.ApiAddress);
            var metadata = new MetadataService.MetadataServiceClient(channel);
            var deployments = new DeploymentService.DeploymentServiceClient(channel);

            var platformPath = Path.GetFullPath(platformFile);
            var sources = SpecFiles.Collect([parse.GetRequiredValue(examples)], SourceKind.FlinkSql)
                .Where(source => Path.GetFullPath(source.FileName) != platformPath).ToList();
            var jobs = new List<(string Namespace, string Name, string Fabric)>();
            foreach (var source in sources)
            {
                var applied = await metadata.ApplyJobAsync(SpecFiles.ApplyRequest(source, JobNames.NamespaceOrDefault(parse)), ClientCall.Options(cancellation));
                Console.Out.WriteLine($"applied {applied.Job.Namespace}/{applied.Job.Name} revision {applied.Revision} ({applied.Outcome.ToString().ToLowerInvariant()})");
                // A SQL script names no placement: on the embedded platform it runs on the local fabric.
                jobs.Add((applied.Job.Namespace, applied.Job.Name, SpecFiles.IsSql(source) ? LocalFabric : ""));
            }
            var failed = 0;
            foreach (var (ns, name, fabric) in jobs)
            {
                var requested = await deployments.RequestDeploymentAsync(new RequestDeploymentRequest
                {
                    Namespace = ns, Name = name, Action = DeploymentAction.Deploy, Fabric = fabric,
                }, ClientCall.Options(cancellation));
                foreach (var deployment in requested.Deployments)
                {
                    Console.Out.WriteLine($"deploying {deployment.Job} revision {deployment.Revision} to {deployment.Fabric} (deployment {deployment.Id})");
                    if (!await RolloutCommands.WatchAsync(deployments, deployment, cancellation)) failed++;
                }
            }
            Console.Out.WriteLine();
            Console.Out.WriteLine("what runs now:");
            foreach (var (ns, name, _) in jobs)
            {
                var history = await deployments.ListDeploymentsAsync(new ListDeploymentsRequest { Namespace = ns, Name = name, Limit = 20 },
                    ClientCall.Options(cancellation));
                foreach (var latest in history.Deployments.GroupBy(d => d.Fabric).Select(g => g.First()))
                {
                    Console.Out.WriteLine($"  {latest.Job,-40} {latest.Fabric,-12} revision {latest.Revision}  {latest.State}  {latest.RuntimeId}");
                }
            }
            PrintLocalArtifacts(serverOptions.LocalFolder);
            await PrintSharedDatasetsAsync(metadata, cancellation);
            if (parse.GetValue(exit)) return failed == 0 ? 0 : 1;
            Console.Out.WriteLine($"serving on {server.ApiAddress} (try: ./sluice rollout history growth/page-view-filter); Ctrl+C stops");
            await server.WaitForShutdownAsync(cancellation);
            return failed == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>The dashboards and alert rules the local resource providers wrote: what a real fabric would have received.</summary>
    private static void PrintLocalArtifacts(string localFolder)
    {
        Console.Out.WriteLine();
        Console.Out.WriteLine($"resources provisioned on the local fabrics, under {localFolder}/<fabric>/:");
        var root = Path.GetFullPath(localFolder);
        foreach (var (folder, pattern, what) in new[]
                 {
                     ("dashboards", "*.json", "Grafana dashboard"), ("alerts", "*.rules.yaml", "Prometheus alerting rules"),
                 })
        {
            var files = Directory.Exists(root)
                ? Directory.GetDirectories(root).SelectMany(fabric => Directory.Exists(Path.Combine(fabric, folder))
                    ? Directory.GetFiles(Path.Combine(fabric, folder), pattern, SearchOption.AllDirectories)
                    : []).Order(StringComparer.Ordinal).ToList()
                : [];
            foreach (var file in files)
            {
                Console.Out.WriteLine($"  {what,-26} {Path.Combine(localFolder, Path.GetRelativePath(root, file))}");
            }
            if (files.Count == 0) Console.Out.WriteLine($"  no {what} (no job asked for one)");
        }
        Console.Out.WriteLine($"  (state stores under <fabric>/state/, checkpoint directories under <fabric>/checkpoints/, records under <fabric>/resources/)");
    }

    /// <summary>Lineage from the metadata store: the datasets one job writes and another reads.</summary>
    private static async Task PrintSharedDatasetsAsync(MetadataService.MetadataServiceClient metadata, CancellationToken cancellation)
    {
        Console.Out.WriteLine();
        Console.Out.WriteLine("lineage: datasets that join jobs (./sluice lineage dataset URI for any dataset)");
        var datasets = await metadata.ListDatasetsAsync(new ListDatasetsRequest { PageSize = 500 }, ClientCall.Options(cancellation));
        foreach (var dataset in datasets.Datasets)
        {
            var lineage = await metadata.GetDatasetLineageAsync(new GetDatasetLineageRequest { Uri = dataset.Uri }, ClientCall.Options(cancellation));
            if (lineage.Writers.Count > 0 && lineage.Readers.Count > 0)
            {
                Console.Out.WriteLine($"  {dataset.Uri}: written by {Jobs(lineage.Writers)}; read by {Jobs(lineage.Readers)}");
            }
        }

        static string Jobs(IEnumerable<JobRef> jobs) => string.Join(", ", jobs.Select(job => $"{job.Namespace}/{job.Name}"));
    }
}
