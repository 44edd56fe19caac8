using System.CommandLine;
using Grpc.Core;
using Sluice.Cli.Client;
using Sluice.Deployment.Workflow;
using Sluice.Migration;
using Sluice.Migration.Annotations;
using Sluice.Migration.CrossRuntime;
using Sluice.Migration.Cutover;
using Sluice.Migration.Legacy;
using Sluice.Migration.Plan;
using Sluice.Migration.Report;
using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Drivers.Local;
using Sluice.Runtimes.Flink;
using Sluice.Spec;
using Sluice.Spec.V1;
using Sluice.Store;
using Sluice.Store.Deployments;
using Sluice.Store.Ownership;

namespace Sluice.Cli.Commands;

/// <summary>`sluice migrate`: legacy Samza/Flink config → JobSpec, with the mapping report and equivalence proof.</summary>
public static class MigrateCommands
{
    public static Command Create()
    {
        var name = new Argument<string?>("name") { Arity = ArgumentArity.ZeroOrOne, Description = "a job to move onto Sluice (the guarded cut-over), as its legacy control plane names it" };
        var back = new Option<bool>("--back") { Description = "move the job back to its legacy control plane (eject), writing its legacy config" };
        var fabric = new Option<string?>("--fabric") { Description = "the fabric to run it on (default: the one its legacy config implies) or to move it from" };
        var watch = new Option<bool>("--watch", "-w") { Description = "follow the cut-over step by step; exit non-zero unless it succeeds" };
        var migrate = new Command("migrate",
            "Move legacy Samza/Flink jobs onto Sluice: import and prove (plan, import), then cut over through the server (migrate NAME).")
        {
            name, back, fabric, watch, Plan(), Import(), LegacyStart(),
        };
        migrate.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(name) is not { } job)
            {
                parse.InvocationConfiguration.Error.WriteLine("migrate: name a job to cut over, or use `migrate plan DIR` / `migrate import FILE`");
                return 1;
            }
            using var channel = ServerConnection.Open(parse);
            var client = new DeploymentService.DeploymentServiceClient(channel);
            try
            {
                var deployment = await client.RequestCutoverAsync(new RequestCutoverRequest
                {
                    LegacyName = job, Back = parse.GetValue(back), Fabric = parse.GetValue(fabric) ?? "",
                }, ClientCall.Options(cancellationToken));
                parse.InvocationConfiguration.Output.WriteLine(
                    $"deployment {deployment.Id}: {deployment.Kind} of {deployment.Job} revision {deployment.Revision} on {deployment.Fabric}: {deployment.State}");
                return !parse.GetValue(watch) || await RolloutCommands.WatchAsync(client, deployment, cancellationToken) ? 0 : 1;
            }
            catch (RpcException error)
            {
                return RpcErrorReport.Print(error);
            }
        });
        return migrate;
    }

    /// <summary>
    /// `migrate legacy-start NAME`: starts a job under the folder-based legacy control plane on the local runtime, to
    /// try a cut-over locally. It records the job as the legacy side's in the server's database (unless Sluice owns it).
    /// </summary>
    private static Command LegacyStart()
    {
        var name = new Argument<string>("name") { Description = "the job: <name>.properties or <name>.yaml in the legacy folder" };
        var legacyFolder = new Option<string>("--legacy")
        {
            Description = "the legacy control plane's folder of job configs (annotations in <folder>/annotations/<name>.yaml)",
            DefaultValueFactory = _ => "legacy",
        };
        var local = new Option<string>("--local-folder")
        {
            Description = "the local runtime's folder (the server's --local-folder; run the server with --shared-local-folder)",
            DefaultValueFactory = _ => "./.sluice/local",
        };
        var database = new Option<string>("--db") { Description = "the server's database", DefaultValueFactory = _ => "sqlite://./.sluice/sluice.db" };
        var command = new Command("legacy-start", "Start a job under the folder-based legacy control plane, on the local runtime.")
        {
            name, legacyFolder, local, database,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var folder = parse.GetValue(legacyFolder)!;
                if (!Directory.Exists(folder))
                {
                    throw new DirectoryNotFoundException($"{folder}: no such legacy folder (--legacy)");
                }
                await using var store = StoreFactory.Open(parse.GetValue(database)!);
                await store.MigrateAsync(cancellationToken);
                await using var ownership = OwnershipStore.For(store);
                await using var deployments = DeploymentStore.For(store);
                var driver = new SharedFolderLocalDriver(new LocalRuntimeOptions { Folder = parse.GetValue(local) });
                var legacy = new FolderLegacyControlPlane(folder, new LegacyOwnershipGuard(driver, ownership), ReferenceData.Load());
                var job = parse.GetValue(name)!;
                var spec = legacy.Import(job).Import.Spec;
                await deployments.RegisterLegacyAsync($"{spec.Namespace}/{spec.Name}", job, DateTimeOffset.UtcNow, cancellationToken);
                var handle = await legacy.StartAsync(job, RestorePlan.LastState, cancellationToken);
                await driver.WaitUntilRunningAsync(handle, TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(200), cancellationToken);
                parse.InvocationConfiguration.Output.WriteLine($"{job}: running under the legacy control plane as {handle.RuntimeId}");
                return 0;
            }
            catch (Exception e) when (e is IOException or LegacyConfigException or InvalidOperationException or InvalidDataException
                                          or OwnershipConflictException or RuntimeDriverException or ArgumentException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"migrate legacy-start: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command Plan()
    {
        var directory = new Argument<string>("dir") { Description = "a folder of legacy configs (.properties for Samza, .yaml/.yml for Flink)" };
        var apply = new Option<bool>("--apply") { Description = "apply the JobSpecs of the proven jobs through the server (source kind migrated; they start legacy-owned)" };
        var annotations = new Option<string?>("--annotations") { Description = "a folder of annotations files, <config name without extension>.yaml each" };
        var format = new Option<string>("--output", "-o") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var json = new Option<string>("--json") { Description = "where the plan is also written as JSON", DefaultValueFactory = _ => "migration-plan.json" };
        var namespaceOption = NamespaceOption();
        var command = new Command("plan", "Import every legacy config of a folder: one row per job (runtime, stateful, proven/differences/missing information, risk), proven jobs first.")
        {
            directory, apply, annotations, format, json, namespaceOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var writer = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            IReadOnlyList<PlanRow> rows;
            try
            {
                rows = MigrationPlan.Build(parse.GetValue(directory)!, parse.GetValue(annotations), ReferenceData.Load(), parse.GetValue(namespaceOption)!);
            }
            catch (Exception e) when (e is IOException or LegacyConfigException)
            {
                error.WriteLine($"migrate plan: {e.Message}");
                return 1;
            }
            var jsonText = MigrationPlan.ToJson(rows);
            writer.Write(parse.GetValue(format) == "json" ? jsonText + Environment.NewLine : MigrationPlan.ToTable(rows));
            var jsonPath = parse.GetValue(json)!;
            WriteAtomically(jsonPath, jsonText);
            error.WriteLine($"plan written to {jsonPath}");
            if (parse.GetValue(apply))
            {
                return await ApplyProvenAsync(parse, rows.Where(row => row.Status == "proven").ToList(), cancellationToken);
            }
            return 0;
        });
        return command;
    }

    /// <summary>`plan --apply`: each proven JobSpec is applied through the server, with its legacy file as the migrated source.</summary>
    private static async Task<int> ApplyProvenAsync(ParseResult parse, IReadOnlyList<PlanRow> proven, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        using var channel = ServerConnection.Open(parse);
        var client = new MetadataService.MetadataServiceClient(channel);
        var failed = 0;
        foreach (var row in proven)
        {
            var result = row.Result!;
            try
            {
                var applied = await client.ApplyJobAsync(new ApplyJobRequest
                {
                    Spec = result.Import.Spec,
                    OriginalSource = new SpecSource
                    {
                        Kind = SourceKind.Migrated, Text = await File.ReadAllTextAsync(result.Source, cancellationToken), FileName = Path.GetFileName(result.Source),
                    },
                }, ClientCall.Options(cancellationToken));
                error.WriteLine($"applied {applied.Job.Namespace}/{applied.Job.Name}: revision {applied.Revision} ({applied.Outcome.ToString().ToLowerInvariant()})");
            }
            catch (RpcException refused)
            {
                failed++;
                error.Write($"{row.Job}: ");
                RpcErrorReport.Print(refused);
            }
        }
        error.WriteLine($"applied {proven.Count - failed} of {proven.Count} proven job{(proven.Count == 1 ? "" : "s")}");
        return failed == 0 ? 0 : 1;
    }

    private static Command Import()
    {
        var file = new Argument<string>("file") { Description = "a legacy config: Samza .properties, FlinkDeployment or Flink configuration .yaml" };
        var annotations = new Option<string?>("--annotations") { Description = "the annotations file that supplies what the config cannot say" };
        var to = new Option<string?>("--to") { Description = "render for another runtime: flink (a Samza job moved by a spec change)" };
        to.AcceptOnlyFromAmong("flink");
        var rendered = new Option<bool>("--rendered") { Description = "also print the framework config Sluice renders" };
        var namespaceOption = NamespaceOption();
        var command = new Command("import", "Import one legacy config: print the JobSpec YAML and the mapping report; exit 0 only when proven.")
        {
            file, annotations, to, rendered, namespaceOption,
        };
        command.SetAction(parse =>
        {
            var writer = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            MigrationResult result;
            try
            {
                var annotationsPath = parse.GetValue(annotations);
                var loaded = annotationsPath is null ? MigrationAnnotations.None : AnnotationsLoader.LoadFile(annotationsPath);
                result = Migrator.ImportFile(parse.GetValue(file)!, loaded, ReferenceData.Load(), parse.GetValue(namespaceOption)!);
            }
            catch (Exception e) when (e is IOException or LegacyConfigException or InvalidDataException)
            {
                error.WriteLine($"migrate import: {e.Message}");
                return 1;
            }
            if (parse.GetValue(to) == "flink")
            {
                return CrossRuntime(result, writer, error);
            }
            writer.WriteLine("# JobSpec");
            writer.Write(SpecYaml.Write(result.Import.Spec));
            writer.WriteLine("---");
            writer.WriteLine("# mapping report");
            writer.Write(ReportWriter.ToYaml(result.Report));
            if (parse.GetValue(rendered) && result.Rendered is not null)
            {
                writer.WriteLine("---");
                writer.WriteLine($"# rendered by Sluice ({result.Report.Runtime})");
                writer.Write(result.Rendered);
            }
            return result.Report.Status == MigrationStatus.Proven ? 0 : 1;
        });
        return command;
    }

    private static int CrossRuntime(MigrationResult result, TextWriter writer, TextWriter error)
    {
        if (result.Report.Runtime != "samza")
        {
            error.WriteLine("migrate import --to flink: the config is already a Flink job");
            return 1;
        }
        var moved = SamzaToFlink.Render(result.Import);
        writer.WriteLine("# JobSpec (runtime: flink)");
        writer.Write(SpecYaml.Write(moved.Spec));
        writer.WriteLine("---");
        writer.WriteLine("# what changes meaning");
        foreach (var change in moved.Changes)
        {
            writer.WriteLine($"- samza: {change.Samza}");
            writer.WriteLine($"  flink: {change.Flink}");
            writer.WriteLine($"  note: {change.Note}");
        }
        if (moved.Compilation is null)
        {
            foreach (var problem in moved.Problems)
            {
                error.WriteLine($"migrate import --to flink: cannot render: {problem}");
            }
            return 1;
        }
        writer.WriteLine("---");
        writer.Write(FlinkManifestWriter.ToYaml(moved.Compilation.Manifest));
        return 0;
    }

    private static Option<string> NamespaceOption() => new("--namespace")
    {
        Description = "the namespace of imported jobs whose annotations name none",
        DefaultValueFactory = _ => Migrator.DefaultNamespace,
    };

    /// <summary>Writes through a temporary file and a rename, so a failure never leaves half a file.</summary>
    private static void WriteAtomically(string path, string text)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, full, overwrite: true);
    }
}
