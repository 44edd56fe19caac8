using System.Text.Json.Nodes;

namespace Sluice.Server.Tests;

/// <summary>The `sluice` client commands, run as a separate process against a real server, as a user runs them.</summary>
public sealed class CliTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("sluice-cli-test-");

    public void Dispose() => work.Delete(recursive: true);

    [Fact]
    public async Task Apply_a_directory_then_get_jobs_by_the_topic_they_read()
    {
        var specs = work.CreateSubdirectory("specs");
        await File.WriteAllTextAsync(Path.Combine(specs.FullName, "producer.yaml"),
            Specs.Job("cli-producer", ns: "ingest", reads: "cli-raw", writes: "cli-clean"));
        await File.WriteAllTextAsync(Path.Combine(specs.FullName, "consumer.yaml"),
            Specs.Job("cli-consumer", reads: "cli-clean", writes: "cli-stats"));

        var applied = await Sluice("apply", "-f", specs.FullName);
        var table = await Sluice("get", "jobs", "--reads", "kafka://tracking/cli-clean");
        var json = await Sluice("get", "jobs", "--reads", "kafka://tracking/cli-clean", "-o", "json");

        Assert.Equal(0, applied.ExitCode);
        Assert.Contains("growth/cli-consumer: created revision 1", applied.Stdout);
        Assert.Contains("ingest/cli-producer: created revision 1", applied.Stdout);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("cli-consumer", table.Stdout);
        Assert.DoesNotContain("cli-producer", table.Stdout);
        var jobs = JsonNode.Parse(json.Stdout)!["jobs"]!.AsArray();
        Assert.Equal(["cli-consumer"], jobs.Select(job => (string?)job!["name"]));
        Assert.Equal("cli-clean", (string?)jobs[0]!["spec"]!["sources"]![0]!["name"]);
    }

    [Fact]
    public async Task Apply_of_an_invalid_file_names_file_line_and_column_and_fails()
    {
        var file = Path.Combine(work.FullName, "bad.yaml");
        await File.WriteAllTextAsync(file, Specs.Job("cli-bad").Replace("runtime: flink", "runtime: flonk"));

        var result = await Sluice("apply", "-f", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("runtime: ", result.Stderr);
        Assert.Contains("bad.yaml:6:10: ", result.Stderr);
    }

    [Fact]
    public async Task Describe_history_diff_lineage_audit_and_delete_of_one_job()
    {
        var file = Path.Combine(work.FullName, "job.yaml");
        await File.WriteAllTextAsync(file, Specs.Job("cli-life", reads: "cli-life-in", writes: "cli-life-out"));
        Assert.Equal(0, (await Sluice("apply", "-f", file)).ExitCode);
        await File.WriteAllTextAsync(file, Specs.Job("cli-life", reads: "cli-life-in", writes: "cli-life-out", parallelism: 12));
        Assert.Contains("updated to revision 2", (await Sluice("apply", "-f", file)).Stdout);

        var describe = await Sluice("describe", "job", "growth/cli-life", "-o", "table");
        var history = await Sluice("history", "cli-life", "-n", "growth");
        var diff = await Sluice("diff", "growth/cli-life", "1", "2");
        var readers = await Sluice("lineage", "dataset", "kafka://tracking/cli-life-in");
        var jobLineage = await Sluice("lineage", "job", "growth/cli-life", "--depth", "2");
        var audit = await Sluice("audit", "--job", "growth/cli-life");
        var deleted = await Sluice("delete", "growth/cli-life");
        var gone = await Sluice("describe", "job", "growth/cli-life");

        Assert.Contains("parallelism: 12", describe.Stdout);
        Assert.Equal(2, history.Stdout.Split('\n').Count(line => line.Contains("sha256:")));
        Assert.Contains("resources.parallelism: 4 -> 12", diff.Stdout);
        Assert.Contains("growth/cli-life", readers.Stdout);
        Assert.Contains("kafka://tracking/cli-life-out", jobLineage.Stdout);
        Assert.Contains("job-update", audit.Stdout);
        Assert.Contains("job-create", audit.Stdout);
        Assert.Contains("growth/cli-life: deleted", deleted.Stdout);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("not found", gone.Stderr);
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> Sluice(params string[] args) =>
        CliProcess.RunAsync([.. args, "--server", fixture.Server.Server.ApiAddress.ToString()], work.FullName, actor: "cli-test");
}
