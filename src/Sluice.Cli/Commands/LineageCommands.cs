using System.CommandLine;
using System.Globalization;
using Sluice.Cli.Client;
using Sluice.Spec.V1;

namespace Sluice.Cli.Commands;

/// <summary>`sluice lineage dataset URI` and `sluice lineage job NAME [--depth N]`, answered from the lineage tables.</summary>
public static class LineageCommands
{
    public static Command Create() => new("lineage", "Who reads and writes a dataset; a job's upstream and downstream jobs")
    {
        Dataset(),
        Job(),
    };

    private static Command Dataset()
    {
        var uri = new Argument<string>("URI") { Description = "Dataset URI, e.g. kafka://CLUSTER/TOPIC" };
        var output = Formats.OutputOption();
        var command = new Command("dataset", "The jobs reading and writing a dataset") { uri, output };
        command.SetAction((parse, cancellation) => ClientCall.RunAsync(parse, async client =>
        {
            var answer = await client.GetDatasetLineageAsync(new GetDatasetLineageRequest { Uri = parse.GetRequiredValue(uri) },
                ClientCall.Options(cancellation));
            Output.Write(answer, parse.GetRequiredValue(output), _ =>
            {
                Console.Out.WriteLine(answer.Dataset.Uri);
                Output.Table(["direction", "job", "revision"],
                    answer.Writers.Select(job => Row("writes", job)).Concat(answer.Readers.Select(job => Row("reads", job))),
                    "No job reads or writes it.");
            });
            return 0;
        }));
        return command;
    }

    private static Command Job()
    {
        var name = JobNames.NameArgument();
        var depth = new Option<int>("--depth") { Description = "Hops through shared datasets (1-32)", DefaultValueFactory = _ => 1 };
        var output = Formats.OutputOption();
        var command = new Command("job", "A job's datasets and the jobs upstream and downstream of it") { name, JobNames.NamespaceOption, depth, output };
        command.SetAction((parse, cancellation) => ClientCall.RunAsync(parse, async client =>
        {
            var (ns, jobName) = JobNames.Resolve(parse, name);
            var answer = await client.GetJobLineageAsync(new GetJobLineageRequest { Namespace = ns, Name = jobName, Depth = parse.GetValue(depth) },
                ClientCall.Options(cancellation));
            Output.Write(answer, parse.GetRequiredValue(output), _ =>
            {
                Console.Out.WriteLine($"{answer.Job.Namespace}/{answer.Job.Name} (revision {answer.Job.Revision})");
                Output.Table(["direction", "dataset"],
                    answer.Reads.Select(uri => new[] { "reads", uri }).Concat(answer.Writes.Select(uri => new[] { "writes", uri })));
                Output.Table(["relation", "depth", "job", "via"],
                    answer.Upstream.Select(node => Node("upstream", node)).Concat(answer.Downstream.Select(node => Node("downstream", node))),
                    "No upstream or downstream jobs.");
            });
            return 0;
        }));
        return command;
    }

    private static string[] Row(string direction, JobRef job) =>
        [direction, $"{job.Namespace}/{job.Name}", job.Revision.ToString(CultureInfo.InvariantCulture)];

    private static string[] Node(string relation, LineageNode node) =>
        [relation, node.Depth.ToString(CultureInfo.InvariantCulture), $"{node.Job.Namespace}/{node.Job.Name}", string.Join(", ", node.ViaDatasets)];
}
