using System.CommandLine;
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

namespace Sluice.Cli.Commands;

/// <summary>`sluice migrate`: legacy Samza/Flink config → JobSpec, with the mapping report and equivalence proof.</summary>
public static class MigrateCommands
{
    public static Command Create()
    {
        var name = new Argument<string?>("name") { Arity = ArgumentArity.ZeroOrOne, Description = "a job to move onto Sluice (the guarded cut-over)" };
        var back = new Option<bool>("--back") { Description = "move the job back to its legacy control plane (eject), writing its legacy config" };
        var recover = new Option<bool>("--recover") { Description = "roll back a cut-over whose process died before the flip" };
        var cutover = new CutoverOptionSet();
        var migrate = new Command("migrate", "Move legacy Samza/Flink jobs onto Sluice: import and prove (plan, import), then cut over (migrate NAME).")
        {
            name, back, recover, cutover.Legacy, cutover.Local, cutover.Ownership, Plan(), Import(), LegacyStart(),
        };
        migrate.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (parse.GetValue(name) is not { } job)
            {
                error.WriteLine("migrate: name a job to cut over, or use `migrate plan DIR` / `migrate import FILE`");
                return 1;
            }
            try
            {
                var (legacy, driver, ownership) = cutover.Open(parse);
                var guarded = new GuardedCutover(legacy, driver, ownership, CutoverOptionSet.Options,
                    step => parse.InvocationConfiguration.Output.WriteLine($"  {step}"));
                CutoverResult result;
                if (parse.GetValue(recover))
                {
                    if (await guarded.RecoverAsync(job, cancellationToken) is not { } recovered)
                    {
                        parse.InvocationConfiguration.Output.WriteLine($"{job}: no cut-over in progress");
                        return 0;
                    }
                    result = recovered;
                }
                else if (parse.GetValue(back))
                {
                    var spec = legacy.Import(job).Import.Spec;
                    var run = driver.ActiveRuns(CutoverOptionSet.Fabric).FirstOrDefault(candidate =>
                        candidate.Key.Job == new JobRef(spec.Namespace, spec.Name) && candidate.Key.Revision == GuardedCutover.MigratedRevision);
                    if (run is null)
                    {
                        error.WriteLine($"migrate --back: Sluice runs no migrated copy of {spec.Namespace}/{spec.Name}");
                        return 1;
                    }
                    result = await guarded.EjectAsync(job, new RuntimeJobHandle(driver.Name, run.Key, run.RunId), cancellationToken);
                }
                else
                {
                    result = await guarded.MigrateAsync(job, cancellationToken);
                }
                parse.InvocationConfiguration.Output.WriteLine(result.Succeeded
                    ? $"{job}: now owned by {result.Owner.ToString().ToLowerInvariant()}, running {result.Running?.RuntimeId} restored from {result.Savepoint ?? "its last checkpoint"}"
                    : $"{job}: {result.Error}");
                return result.Succeeded ? 0 : 1;
            }
            catch (Exception e) when (e is IOException or LegacyConfigException or InvalidOperationException or NotSupportedException or OwnershipConflictException or RuntimeDriverException)
            {
                error.WriteLine($"migrate: {e.Message}");
                return 1;
            }
        });
        return migrate;
    }

    /// <summary>`migrate legacy-start NAME`: starts a job under the folder-based legacy control plane (to try a cut-over locally).</summary>
    private static Command LegacyStart()
    {
        var name = new Argument<string>("name") { Description = "the job: <name>.properties or <name>.yaml in the legacy folder" };
        var cutover = new CutoverOptionSet();
        var command = new Command("legacy-start", "Start a job under the folder-based legacy control plane, on the local runtime.")
        {
            name, cutover.Legacy, cutover.Local, cutover.Ownership,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var (legacy, driver, _) = cutover.Open(parse);
                var handle = await legacy.StartAsync(parse.GetValue(name)!, RestorePlan.LastState, cancellationToken);
                await driver.WaitUntilRunningAsync(handle, CutoverOptionSet.Options.StartTimeout, CutoverOptionSet.Options.PollInterval, cancellationToken);
                parse.InvocationConfiguration.Output.WriteLine($"{parse.GetValue(name)}: running under the legacy control plane as {handle.RuntimeId}");
                return 0;
            }
            catch (Exception e) when (e is IOException or LegacyConfigException or InvalidOperationException or OwnershipConflictException or RuntimeDriverException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"migrate legacy-start: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>Where a local cut-over keeps things: the legacy folder, the Local driver's folder, the ownership database.</summary>
    private sealed class CutoverOptionSet
    {
        public const string Fabric = "local";

        public static readonly CutoverOptions Options = new(Fabric, TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(200));

        public Option<string> Legacy { get; } = new("--legacy")
        {
            Description = "the legacy control plane's folder of job configs (annotations in <folder>/annotations/<name>.yaml)",
            DefaultValueFactory = _ => "legacy",
        };

        public Option<string> Local { get; } = new("--local")
        {
            Description = "the Local runtime's folder (the embedded default)",
            DefaultValueFactory = _ => "./.sluice/local",
        };

        public Option<string> Ownership { get; } = new("--ownership")
        {
            Description = "the SQLite file holding the jobs' ownership records",
            DefaultValueFactory = _ => "./.sluice/ownership.db",
        };

        public (FolderLegacyControlPlane Legacy, LocalRuntimeDriver Driver, SqliteOwnershipStore Ownership) Open(ParseResult parse)
        {
            var ownershipPath = Path.GetFullPath(parse.GetValue(Ownership)!);
            Directory.CreateDirectory(Path.GetDirectoryName(ownershipPath)!);
            var driver = new LocalRuntimeDriver(new LocalRuntimeOptions { Folder = parse.GetValue(Local) });
            var ownership = new SqliteOwnershipStore(ownershipPath);
            var legacyFolder = parse.GetValue(Legacy)!;
            if (!Directory.Exists(legacyFolder))
            {
                throw new DirectoryNotFoundException($"{legacyFolder}: no such legacy folder (--legacy)");
            }
            var legacy = new FolderLegacyControlPlane(legacyFolder, new OwnershipGuardedDriver(driver, ownership, JobOwner.Legacy), Fabric, ReferenceData.Load());
            return (legacy, driver, ownership);
        }
    }

    private static Command Plan()
    {
        var directory = new Argument<string>("dir") { Description = "a folder of legacy configs (.properties for Samza, .yaml/.yml for Flink)" };
        var apply = new Option<bool>("--apply") { Description = "write the JobSpecs of the proven jobs to --out" };
        var annotations = new Option<string?>("--annotations") { Description = "a folder of annotations files, <config name without extension>.yaml each" };
        var format = new Option<string>("--output", "-o") { Description = "table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var json = new Option<string>("--json") { Description = "where the plan is also written as JSON", DefaultValueFactory = _ => "migration-plan.json" };
        var output = new Option<string>("--out") { Description = "where --apply writes JobSpecs", DefaultValueFactory = _ => "migrated" };
        var namespaceOption = NamespaceOption();
        var command = new Command("plan", "Import every legacy config of a folder: one row per job (runtime, stateful, proven/differences/missing information, risk), proven jobs first.")
        {
            directory, apply, annotations, format, json, output, namespaceOption,
        };
        command.SetAction(parse =>
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
                var proven = rows.Where(row => row.Status == "proven").ToList();
                var folder = parse.GetValue(output)!;
                // The metadata server is not part of this build: proven JobSpecs are written to a folder for `sluice apply`.
                Directory.CreateDirectory(folder);
                foreach (var row in proven)
                {
                    WriteAtomically(Path.Combine(folder, $"{row.Job}.yaml"), SpecYaml.Write(row.Result!.Import.Spec));
                }
                error.WriteLine($"applied {proven.Count} proven job{(proven.Count == 1 ? "" : "s")}: JobSpecs written to {folder}/");
            }
            return 0;
        });
        return command;
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
