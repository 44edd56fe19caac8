using System.CommandLine;
using System.Globalization;
using Sluice.Cli.Client;
using Sluice.Spec.V1;

namespace Sluice.Cli.Commands;

/// <summary>`sluice audit [--job NAME]`: who changed what, when, newest first.</summary>
public static class AuditCommands
{
    public static Command Create()
    {
        var job = new Option<string?>("--job") { Description = "Only this job (NAME or NAMESPACE/NAME)" };
        var actor = new Option<string?>("--actor") { Description = "Only changes by this actor" };
        var limit = new Option<int>("--limit") { Description = "At most this many events", DefaultValueFactory = _ => 100 };
        var output = Formats.OutputOption();
        var command = new Command("audit", "The audit log: every change with who, when and the before/after hash")
        {
            job, JobNames.NamespaceOption, actor, limit, output,
        };
        command.SetAction((parse, cancellation) => ClientCall.RunAsync(parse, async client =>
        {
            var request = new ListAuditEventsRequest
            {
                Namespace = parse.GetValue(JobNames.NamespaceOption) ?? "",
                Actor = parse.GetValue(actor) ?? "",
                PageSize = Math.Clamp(parse.GetValue(limit), 1, 1000),
            };
            if (parse.GetValue(job) is { } jobName)
            {
                var slash = jobName.IndexOf('/');
                (request.Namespace, request.Name) = slash > 0
                    ? (jobName[..slash], jobName[(slash + 1)..])
                    : (request.Namespace.Length > 0 ? request.Namespace : Environment.GetEnvironmentVariable("SLUICE_NAMESPACE") ?? "default", jobName);
            }
            var answer = await client.ListAuditEventsAsync(request, ClientCall.Options(cancellation));
            Output.Write(answer, parse.GetRequiredValue(output), _ => Output.Table(
                ["time", "actor", "action", "target", "revision", "before", "after"],
                answer.Events.Select(e => new[]
                {
                    Formats.Time(e.Time), e.Actor, Formats.Kebab(e.Action), e.Target,
                    e.AfterRevision > 0 ? e.AfterRevision.ToString(CultureInfo.InvariantCulture) : "",
                    Formats.ShortHash(e.BeforeHash), Formats.ShortHash(e.AfterHash),
                })));
            return 0;
        }));
        return command;
    }
}
