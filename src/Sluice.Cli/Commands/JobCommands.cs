using System.CommandLine;
using Grpc.Core;
using Sluice.Cli.Client;
using Sluice.Spec;
using Sluice.Spec.V1;

namespace Sluice.Cli.Commands;

/// <summary>Client commands on jobs: apply, get, describe, history, diff, delete (all over gRPC to --server).</summary>
public static class JobCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Apply();
        yield return Get();
        yield return Describe();
        yield return History();
        yield return Diff();
        yield return Delete();
    }

    private static Command Apply()
    {
        var files = new Option<string[]>("--filename", "-f")
        {
            Description = "JobSpec YAML/JSON or SQL file, or a directory of them; repeatable",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var sqlDialect = new Option<string>("--sql-dialect")
        {
            Description = "What .sql files are written in: flink-sql or beam-sql",
            DefaultValueFactory = _ => "flink-sql",
        };
        sqlDialect.AcceptOnlyFromAmong("flink-sql", "beam-sql");
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate and show the outcome without storing anything" };
        var command = new Command("apply", "Create or update jobs from spec files (sent as text, so errors point at line:column)")
        {
            files, sqlDialect, dryRun, JobNames.NamespaceOption,
        };
        command.SetAction((parse, cancellation) => ClientCall.RunAsync(parse, async client =>
        {
            var sources = SpecFiles.Collect(parse.GetRequiredValue(files), parse.GetRequiredValue(sqlDialect) == "beam-sql"
                ? SourceKind.BeamSql : SourceKind.FlinkSql);
            var failed = 0;
            foreach (var source in sources)
            {
                var request = SpecFiles.ApplyRequest(source, JobNames.NamespaceOrDefault(parse));
                request.DryRun = parse.GetValue(dryRun);
                request.RequestId = Guid.NewGuid().ToString("N");
                try
                {
                    var answer = await client.ApplyJobAsync(request, ClientCall.Options(cancellation, request.RequestId));
                    var what = answer.Outcome switch
                    {
                        ApplyOutcome.Created => $"created revision {answer.Revision}",
                        ApplyOutcome.Updated => $"updated to revision {answer.Revision} (was {answer.PreviousRevision})",
                        _ => $"unchanged at revision {answer.Revision}",
                    };
                    Console.Out.WriteLine($"{answer.Job.Namespace}/{answer.Job.Name}: {what} {Formats.ShortHash(answer.SpecHash)}" +
                                          (request.DryRun ? " (dry run)" : ""));
                    foreach (var warning in answer.Warnings)
                    {
                        var at = warning.Line > 0 ? $"{source.FileName}:{warning.Line}:{warning.Column}: " : $"{source.FileName}: ";
                        Console.Error.WriteLine($"  warning: {at}{warning.Path}: {warning.Message}");
                    }
                }
                catch (RpcException error)
                {
                    Console.Error.Write($"{source.FileName}: ");
                    RpcErrorReport.Print(error);
                    failed++;
                }
            }
            return failed == 0 ? 0 : 2;
        }));
        return command;
    }

    private static Command Get()
    {
        var labels = new Option<string[]>("--selector", "-l")
        {
            Description = "Label selector, e.g. team=payments or tier!=gold; repeatable (all must match)",
        };
        var reads = new Option<string?>("--reads") { Description = "Only jobs reading this dataset URI (kafka://CLUSTER/TOPIC)" };
        var writes = new Option<string?>("--writes") { Description = "Only jobs writing this dataset URI" };
        var limit = new Option<int>("--limit") { Description = "Stop after this many jobs (0: all)", DefaultValueFactory = _ => 0 };
        var output = Formats.OutputOption();
        var jobs = new Command("jobs", "List jobs, filtered by namespace, labels or the datasets they read and write")
        {
            JobNames.NamespaceOption, labels, reads, writes, limit, output,
        };
        jobs.SetAction((parse, cancellation) => ClientCall.RunAsync(parse, async client =>
        {
            var format = parse.GetRequiredValue(output);
            var request = new ListJobsRequest
            {
                Namespace = parse.GetValue(JobNames.NamespaceOption) ?? "",
                LabelSelector = string.Join(',', parse.GetValue(labels) ?? []),
                ReadsDataset = parse.GetValue(reads) ?? "",
                WritesDataset = parse.GetValue(writes) ?? "",
                IncludeSpec = format != OutputFormat.Table,
                PageSize = 500,
            };
            var max = parse.GetValue(limit);
            var all = new ListJobsResponse();
            do
            {
                var page = await client.ListJobsAsync(request, ClientCall.Options(cancellation));
                all.Jobs.AddRange(page.Jobs);
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0 && (max == 0 || all.Jobs.Count < max));
            if (max > 0 && all.Jobs.Count > max)
            {
                var kept = all.Jobs.Take(max).ToList();
                all.Jobs.Clear();
                all.Jobs.AddRange(kept);
            }
            Output.Write(all, format, _ => Output.Table(
                ["namespace", "name", "revision", "state", "source", "hash", "updated"],
                all.Jobs.Select(job => new[]
                {
                    job.Namespace, job.Name, job.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Formats.Kebab(job.DesiredState), Formats.Kebab(job.SourceKind), Formats.ShortHash(job.SpecHash),
                    Formats.Time(job.UpdatedAt),
                }), "No jobs found."));
            return 0;
        }));
        return new Command("get", "List resources") { jobs };
    }

    private static Command Describe()
    {
        var name = JobNames.NameArgument();
        var output = Formats.OutputOption(OutputFormat.Yaml);
        var job = new Command("job", "Show a job: its current revision, state and full spec") { name, JobNames.NamespaceOption, output };
        job.SetAction((parse, cancellation) => ClientCall.RunAsync(parse, async client =>
        {
            var (ns, jobName) = JobNames.Resolve(parse, name);
            var answer = await client.GetJobAsync(new GetJobRequest { Namespace = ns, Name = jobName }, ClientCall.Options(cancellation));
            Output.Write(answer, parse.GetRequiredValue(output), _ =>
            {
                Output.Table(["field", "value"],
                [
                    ["job", $"{answer.Namespace}/{answer.Name}"],
                    ["revision", answer.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture)],
                    ["hash", answer.SpecHash],
                    ["state", Formats.Kebab(answer.DesiredState)],
                    ["source", Formats.Kebab(answer.SourceKind)],
                    ["created", $"{Formats.Time(answer.CreatedAt)} by {answer.CreatedBy}"],
                    ["updated", $"{Formats.Time(answer.UpdatedAt)} by {answer.UpdatedBy}"],
                ]);
                Console.Out.WriteLine("spec:");
                Console.Out.Write(string.Concat(SpecYaml.Write(answer.Spec).Split('\n').Where(line => line.Length > 0).Select(line => "  " + line + "\n")));
            });
            return 0;
        }));
        return new Command("describe", "Show one resource in detail") { job };
    }

    private static Command History()
    {
        var name = JobNames.NameArgument();
        var output = Formats.OutputOption();
        var command = new Command("history", "A job's revisions, newest first") { name, JobNames.NamespaceOption, output };
        command.SetAction((parse, cancellation) => ClientCall.RunAsync(parse, async client =>
        {
            var (ns, jobName) = JobNames.Resolve(parse, name);
            var format = parse.GetRequiredValue(output);
            var request = new ListJobRevisionsRequest { Namespace = ns, Name = jobName, PageSize = 500, IncludeSpec = format != OutputFormat.Table };
            var all = new ListJobRevisionsResponse();
            do
            {
                var page = await client.ListJobRevisionsAsync(request, ClientCall.Options(cancellation));
                all.Revisions.AddRange(page.Revisions);
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);
            Output.Write(all, format, _ => Output.Table(
                ["revision", "hash", "author", "created", "source"],
                all.Revisions.Select(revision => new[]
                {
                    revision.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture), Formats.ShortHash(revision.SpecHash),
                    revision.Author, Formats.Time(revision.CreatedAt), Formats.Kebab(revision.SourceKind),
                })));
            return 0;
        }));
        return command;
    }

    private static Command Diff()
    {
        var name = JobNames.NameArgument();
        var from = new Argument<long>("REV1") { Description = "The older revision" };
        var to = new Argument<long>("REV2") { Description = "The newer revision (0: the current one)", DefaultValueFactory = _ => 0 };
        var output = Formats.OutputOption();
        var command = new Command("diff", "Field-level difference between two revisions of a job") { name, from, to, JobNames.NamespaceOption, output };
        command.SetAction((parse, cancellation) => ClientCall.RunAsync(parse, async client =>
        {
            var (ns, jobName) = JobNames.Resolve(parse, name);
            var answer = await client.DiffJobRevisionsAsync(new DiffJobRevisionsRequest
            {
                Namespace = ns, Name = jobName, FromRevision = parse.GetValue(from), ToRevision = parse.GetValue(to),
            }, ClientCall.Options(cancellation));
            Output.Write(answer, parse.GetRequiredValue(output), _ =>
            {
                Console.Out.WriteLine($"--- revision {answer.FromRevision} {Formats.ShortHash(answer.FromHash)}");
                Console.Out.WriteLine($"+++ revision {answer.ToRevision} {Formats.ShortHash(answer.ToHash)}");
                foreach (var change in answer.Changes)
                {
                    Console.Out.WriteLine(change.Kind switch
                    {
                        FieldChange.Types.Kind.Added => $"+ {change.Path}: {change.NewValue}",
                        FieldChange.Types.Kind.Removed => $"- {change.Path}: {change.OldValue}",
                        _ => $"~ {change.Path}: {change.OldValue} -> {change.NewValue}",
                    });
                }
                if (answer.Changes.Count == 0)
                {
                    Console.Out.WriteLine("(no changes)");
                }
            });
            return 0;
        }));
        return command;
    }

    private static Command Delete()
    {
        var name = JobNames.NameArgument();
        var reason = new Option<string?>("--reason") { Description = "Why, recorded in the audit log" };
        var command = new Command("delete", "Delete a job (it leaves listings; its history and audit stay)") { name, JobNames.NamespaceOption, reason };
        command.SetAction((parse, cancellation) => ClientCall.RunAsync(parse, async client =>
        {
            var (ns, jobName) = JobNames.Resolve(parse, name);
            var request = new ChangeJobStateRequest { Namespace = ns, Name = jobName, Reason = parse.GetValue(reason) ?? "", RequestId = Guid.NewGuid().ToString("N") };
            var answer = await client.DeleteJobAsync(request, ClientCall.Options(cancellation, request.RequestId));
            Console.Out.WriteLine(answer.Changed ? $"{ns}/{jobName}: deleted" : $"{ns}/{jobName}: already deleted");
            if (answer.DeploymentIds.Count > 0)
            {
                Console.Out.WriteLine($"delete deployment(s) {string.Join(", ", answer.DeploymentIds)} stop it and release its resources " +
                                      $"(./sluice rollout status {ns}/{jobName})");
            }
            return 0;
        }));
        return command;
    }
}
