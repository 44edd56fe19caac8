using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Bench.Measurement;
using Sluice.Metadata;
using Sluice.Server;
using Sluice.Store;
using Sluice.Spec.V1;
using Spectre.Console;

namespace Sluice.Bench.Scenarios;

/// <summary>
/// `sluice-bench metadata`: N concurrent clients over real gRPC against an in-process server on loopback, after
/// seeding the catalog; beside it, in the same run, the database's raw single-row insert-transaction rate through
/// the driver (and `pgbench -N` on PostgreSQL). With <c>--write-sweep</c>, apply and the raw limit again at more client
/// counts, since how a batched writer compares with single-row transactions depends on how many clients it can batch.
/// </summary>
public static class MetadataScenario
{
    public static Command Create()
    {
        var database = new Option<string>("--db")
        {
            Description = "postgres://USER[:PASS]@HOST:PORT/DB, mysql://USER[:PASS]@HOST:PORT/DB or sqlite; the bench works in a fresh database of its own on that server",
            DefaultValueFactory = _ => "sqlite",
        };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients", DefaultValueFactory = _ => 32 };
        var jobs = new Option<int>("--jobs") { Description = "Catalog size seeded before measuring", DefaultValueFactory = _ => 100_000 };
        var duration = new Option<TimeSpan>("--duration")
        {
            Description = "How long each measurement runs (e.g. 20s)",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(20),
            CustomParser = result => ParseDuration(result.Tokens.Single().Value),
        };
        var only = new Option<string[]>("--operations")
        {
            Description = "Which measurements to run: apply get lineage list reads (default all)",
            DefaultValueFactory = _ => AllOperations,
            AllowMultipleArgumentsPerToken = true,
        };
        only.AcceptOnlyFromAmong(AllOperations);
        var warmUp = new Option<TimeSpan>("--warm-up")
        {
            Description = "How long each operation runs, unmeasured, before its measurement (a fresh process spends its first seconds compiling and recompiling hot paths)",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(15),
            CustomParser = result => ParseDuration(result.Tokens.Single().Value),
        };
        var writeSweep = new Option<int[]>("--write-sweep")
        {
            Description = "After the main run, measure apply and the raw insert limit (and pgbench) again at each of these client counts",
            DefaultValueFactory = _ => [],
            AllowMultipleArgumentsPerToken = true,
        };
        clients.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError("--clients must be at least 1");
        });
        writeSweep.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int[]>().Any(count => count < 1)) result.AddError("--write-sweep: every client count must be at least 1");
        });
        var output = new Option<string?>("--out") { Description = "JSON results file (default bench/results/metadata-<dialect>.json)" };
        var command = new Command("metadata", "Metadata API throughput and latency (apply, get, lineage, list) beside the database's raw insert limit")
        {
            database, clients, jobs, duration, warmUp, only, writeSweep, output,
        };
        command.SetAction(async (parse, _) =>
        {
            var settings = new Settings(parse.GetRequiredValue(database), parse.GetValue(clients), parse.GetValue(jobs), parse.GetValue(duration),
                parse.GetValue(warmUp), parse.GetRequiredValue(only).ToHashSet(StringComparer.Ordinal), parse.GetRequiredValue(writeSweep));
            var report = await RunAsync(settings);
            Print(report);
            var path = parse.GetValue(output) ?? Path.Combine("bench", "results", $"metadata-{report.Dialect}.json");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }) + "\n");
            AnsiConsole.MarkupLine($"[grey]results written to {Markup.Escape(path)}[/]");
            return 0;
        });
        return command;
    }

    private static readonly string[] AllOperations = ["apply", "get", "lineage", "list", "reads"];

    private sealed record Settings(string Database, int Clients, int Jobs, TimeSpan Duration, TimeSpan WarmUp, IReadOnlySet<string> Operations,
        IReadOnlyList<int> WriteSweep);

    public sealed record Report(
        string Dialect, int Clients, int SeededJobs, double SeedSeconds, double DurationSeconds, DateTime RunAt, string Machine,
        LoadResult RawInsert, double? PgBenchNTps, string PgBenchDetail, IReadOnlyList<LoadResult> Operations, double? WriteToRawRatio,
        IReadOnlyList<WritePoint> WriteSweep);

    /// <summary>Apply beside the raw limit at one client count; the catalog holds the seeded jobs and every job applied before.</summary>
    public sealed record WritePoint(int Clients, LoadResult RawInsert, double? PgBenchNTps, LoadResult Apply)
    {
        public double ApplyToRaw => Apply.PerSecond / RawInsert.PerSecond;

        public double? ApplyToPgBench => PgBenchNTps is > 0 ? Apply.PerSecond / PgBenchNTps : null;
    }

    private static async Task<Report> RunAsync(Settings settings)
    {
        await using var database = await BenchDatabase.CreateAsync(settings.Database);
        var dialect = database.Dialect.ToString().ToLowerInvariant();
        CpuMeter.DatabaseRoot = await database.LocalServerProcessAsync();
        var (raw, pgbenchTps, pgbenchDetail) = await MeasureLimitsAsync(database, settings.Clients, settings);

        await using var server = await SluiceServer.StartAsync(new SluiceServerOptions
        {
            Database = database.StoreUrl,
            Listen = new Uri("http://127.0.0.1:0"),
            LogLevel = LogLevel.Warning,
        });
        Step($"seeding {settings.Jobs:N0} jobs through the bulk path, then ANALYZE");
        var seedClock = System.Diagnostics.Stopwatch.StartNew();
        await SeedAsync(server.Services.GetRequiredService<MetadataCommands>(), settings.Jobs);
        // After a bulk load the planner's statistics still describe the empty tables (autovacuum analyzes later, at
        // its own pace): without this, reads run on plans chosen for empty tables until it does.
        await server.Services.GetRequiredService<SluiceStore>().AnalyzeAsync();
        var seedSeconds = seedClock.Elapsed.TotalSeconds;

        using var channel = GrpcChannel.ForAddress(server.ApiAddress, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
        var client = new MetadataService.MetadataServiceClient(channel);
        var operations = new List<LoadResult>();
        async Task<LoadResult> MeasureAsync(string name, Func<int, long, CancellationToken, Task> operation, int? clientCount = null)
        {
            var count = clientCount ?? settings.Clients;
            if (settings.WarmUp > TimeSpan.Zero) await LoadRunner.RunAsync(name, count, settings.WarmUp, operation);
            return await LoadRunner.RunAsync(name, count, settings.Duration, operation);
        }
        var run = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        // One counter for every apply measured (warm-ups included): every call makes a job of its own.
        var applied = 0L;
        Task<LoadResult> MeasureApplyAsync(int? clientCount = null) => MeasureAsync(ApplyName, async (_, _, ct) =>
        {
            var n = Interlocked.Increment(ref applied);
            await client.ApplyJobAsync(new ApplyJobRequest { Spec = BenchSpecs.Job($"w{run}-{n}", settings.Jobs + n) }, cancellationToken: ct);
        }, clientCount);

        if (settings.Operations.Contains("get"))
        {
            Step("get job");
            operations.Add(await MeasureAsync("get job", async (c, seq, ct) =>
            {
                var i = Random.Shared.Next(settings.Jobs);
                await client.GetJobAsync(new GetJobRequest { Namespace = BenchSpecs.Namespace(i), Name = SeedName(i) }, cancellationToken: ct);
            }));
        }

        if (settings.Operations.Contains("lineage"))
        {
            Step("lineage: readers of a dataset");
            operations.Add(await MeasureAsync("lineage readers of dataset", async (c, seq, ct) =>
            {
                var topic = BenchSpecs.SharedTopic(Random.Shared.Next(BenchSpecs.SharedTopics));
                var answer = await client.GetDatasetLineageAsync(new GetDatasetLineageRequest { Uri = $"kafka://{BenchSpecs.Cluster}/{topic}" }, cancellationToken: ct);
                if (answer.Readers.Count == 0)
                {
                    throw new InvalidOperationException($"{topic} has no readers");
                }
            }));
        }

        if (settings.Operations.Contains("list"))
        {
            Step("list: namespace + label selector, first page of 50");
            operations.Add(await MeasureAsync("list (ns + label, 50)", async (c, seq, ct) =>
            {
                var i = Random.Shared.Next(settings.Jobs);
                await client.ListJobsAsync(new ListJobsRequest
                {
                    Namespace = BenchSpecs.Namespace(i),
                    LabelSelector = $"tier={BenchSpecs.Tier(i)}",
                    PageSize = 50,
                }, cancellationToken: ct);
            }));
        }

        if (settings.Operations.Contains("reads"))
        {
            Step("list: jobs reading a topic (--reads)");
            operations.Add(await MeasureAsync("list --reads topic", async (c, seq, ct) =>
            {
                var topic = BenchSpecs.SharedTopic(Random.Shared.Next(BenchSpecs.SharedTopics));
                await client.ListJobsAsync(new ListJobsRequest { ReadsDataset = $"kafka://{BenchSpecs.Cluster}/{topic}", PageSize = 50 }, cancellationToken: ct);
            }));
        }

        // Last: every apply adds a job (and a reader to a shared topic), so the reads before it see the catalog at exactly
        // the seeded size their targets are stated for.
        if (settings.Operations.Contains("apply"))
        {
            Step("apply: a new job per call (revision + lineage rows + audit row)");
            operations.Add(await MeasureApplyAsync());
        }

        var sweep = new List<WritePoint>();
        foreach (var count in settings.WriteSweep)
        {
            // The server is up but idle meanwhile: its deployment workers renew their shard leases a few times a second.
            var (sweepRaw, sweepPgBench, _) = await MeasureLimitsAsync(database, count, settings);
            Step($"apply at {count} clients");
            sweep.Add(new WritePoint(count, sweepRaw, sweepPgBench, await MeasureApplyAsync(count)));
        }

        return new Report(dialect, settings.Clients, settings.Jobs, seedSeconds, settings.Duration.TotalSeconds, DateTime.UtcNow,
            $"{Environment.ProcessorCount} cores, {Environment.OSVersion}", raw, pgbenchTps, pgbenchDetail, operations,
            operations.FirstOrDefault(o => o.Name == ApplyName) is { } apply && raw.PerSecond > 0 ? apply.PerSecond / raw.PerSecond : null,
            sweep);
    }

    private const string ApplyName = "apply (new job)";

    /// <summary>The database's raw limit at <paramref name="clients"/>: single-row insert transactions, and pgbench -N on PostgreSQL.</summary>
    private static async Task<(LoadResult Raw, double? PgBenchTps, string PgBenchDetail)> MeasureLimitsAsync(BenchDatabase database, int clients,
        Settings settings)
    {
        Step($"{database.Dialect.ToString().ToLowerInvariant()}: raw single-row insert transactions, {clients} clients, {settings.Duration.TotalSeconds:0}s");
        var raw = await RawInsertLimit.MeasureAsync(database.Dialect, database.OpenAsync, clients, settings.Duration, settings.WarmUp);
        Step($"  {raw.PerSecond:N0} tx/s, p99 {raw.P99Ms:0.00} ms, {raw.Errors} errors");
        if (database.PgBenchTarget() is not { } target) return (raw, null, "not PostgreSQL");
        Step("pgbench -N at the same client count");
        var (tps, detail) = await PgBench.RunAsync(target, clients, settings.Duration);
        Step($"  {tps:N0} tps ({detail})");
        return (raw, tps, detail);
    }

    private static string SeedName(long i) => $"seed-{i:D7}";

    private static async Task SeedAsync(MetadataCommands commands, int jobs)
    {
        const int batch = 1000;
        var caller = new CallerContext("bench", "sluice-bench");
        for (var start = 0; start < jobs; start += batch)
        {
            var specs = Enumerable.Range(start, Math.Min(batch, jobs - start)).Select(i => BenchSpecs.Job(SeedName(i), i)).ToList();
            await commands.SeedJobsAsync(specs, caller);
        }
    }

    private static void Print(Report report)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"sluice-bench metadata: {report.Dialect}, {report.Clients} clients, {report.SeededJobs:N0} jobs seeded, {report.DurationSeconds:0}s each");
        foreach (var column in new[] { "measure", "ops/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "cpu ms/op sluice", "cpu ms/op db" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }
        void Row(LoadResult result) => table.AddRow(
            Markup.Escape(result.Name), F(result.PerSecond, "N0"), F(result.P50Ms), F(result.P90Ms), F(result.P99Ms), F(result.MaxMs),
            result.Errors == 0 ? "0" : $"[red]{result.Errors}[/]", F(result.SluiceCpuMs ?? double.NaN, "0.000"), F(result.DatabaseCpuMs ?? double.NaN, "0.000"));
        Row(report.RawInsert);
        if (report.PgBenchNTps is { } tps)
        {
            table.AddRow("pgbench -N (tps)", F(tps, "N0"), "", "", "", "", "", "", "");
        }
        foreach (var operation in report.Operations)
        {
            Row(operation);
        }
        AnsiConsole.Write(table);
        var ratio = report.WriteToRawRatio is { } share ? share.ToString("P0", CultureInfo.InvariantCulture) : "(not measured)";
        AnsiConsole.MarkupLine($"apply through the API = [bold]{ratio}[/] of the raw insert-transaction rate; " +
                               $"seeding took {report.SeedSeconds:0.0}s; pgbench: {Markup.Escape(report.PgBenchDetail)}");
        foreach (var failed in report.Operations.Append(report.RawInsert).Where(r => r.FirstError is not null))
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(failed.Name)}: first error: {Markup.Escape(failed.FirstError!)}[/]");
        }
        if (report.WriteSweep.Count > 0) PrintWriteSweep(report);
    }

    private static void PrintWriteSweep(Report report)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"writes by client count: {report.Dialect}, {report.DurationSeconds:0}s each");
        foreach (var column in new[] { "clients", "raw tx/s", "pgbench -N tps", "apply/s", "apply / raw", "apply / pgbench", "apply p50 ms", "apply p99 ms", "errors", "cpu ms/op sluice", "cpu ms/op db" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }
        foreach (var point in report.WriteSweep)
        {
            var apply = point.Apply;
            table.AddRow(point.Clients.ToString(CultureInfo.InvariantCulture), F(point.RawInsert.PerSecond, "N0"), F(point.PgBenchNTps ?? double.NaN, "N0"),
                F(apply.PerSecond, "N0"), F(point.ApplyToRaw, "P0"), F(point.ApplyToPgBench ?? double.NaN, "P0"), F(apply.P50Ms), F(apply.P99Ms),
                apply.Errors + point.RawInsert.Errors == 0 ? "0" : $"[red]{apply.Errors + point.RawInsert.Errors}[/]",
                F(apply.SluiceCpuMs ?? double.NaN, "0.000"), F(apply.DatabaseCpuMs ?? double.NaN, "0.000"));
        }
        AnsiConsole.Write(table);
        foreach (var failed in report.WriteSweep.SelectMany(p => new[] { p.RawInsert, p.Apply }).Where(r => r.FirstError is not null))
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(failed.Name)}, {failed.Clients} clients: first error: {Markup.Escape(failed.FirstError!)}[/]");
        }
    }

    private static string F(double value, string format = "0.00") =>
        double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);

    private static void Step(string what) => AnsiConsole.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss} {Markup.Escape(what)}[/]");

    private static TimeSpan ParseDuration(string text) =>
        text.EndsWith("ms", StringComparison.Ordinal) ? TimeSpan.FromMilliseconds(int.Parse(text[..^2], CultureInfo.InvariantCulture))
        : text.EndsWith('s') ? TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture))
        : text.EndsWith('m') ? TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture))
        : TimeSpan.Parse(text, CultureInfo.InvariantCulture);
}
