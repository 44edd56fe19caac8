using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Bench.Measurement;

/// <summary>
/// PostgreSQL's own benchmark, `pgbench -N` (TPC-B-like without the contended branch/teller updates),
/// at the same client count, in a database of its own on the same server. Skipped when pgbench is absent.
/// </summary>
public static partial class PgBench
{
    public sealed record Connection(string Host, int Port, string User, string? Password);

    public static bool Available() => FindExecutable() is not null;

    /// <returns>Transactions per second, or null with the reason when pgbench could not run.</returns>
    public static async Task<(double? Tps, string Detail)> RunAsync(Connection target, int clients, TimeSpan duration)
    {
        var pgbench = FindExecutable();
        if (pgbench is null)
        {
            return (null, "pgbench not on PATH");
        }
        const string database = "sluice_bench_pgbench";
        var psql = Path.Combine(Path.GetDirectoryName(pgbench)!, "psql");
        await RunAsync(psql, target, ["-d", "postgres", "-c", $"DROP DATABASE IF EXISTS {database}"]);
        var (created, createOutput) = await RunAsync(psql, target, ["-d", "postgres", "-c", $"CREATE DATABASE {database}"]);
        if (!created)
        {
            return (null, "could not create its database: " + createOutput.Trim());
        }
        try
        {
            var (initialised, initOutput) = await RunAsync(pgbench, target, ["-i", "-q", "-s", "10", database]);
            if (!initialised)
            {
                return (null, "pgbench -i failed: " + initOutput.Trim());
            }
            var threads = Math.Min(clients, Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture);
            var (ran, output) = await RunAsync(pgbench, target,
                ["-N", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", threads,
                 "-T", ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture), "-M", "prepared", database]);
            var match = TpsLine().Match(output);
            return ran && match.Success
                ? (double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), $"pgbench -N -c {clients} -j {threads} -M prepared, scale 10")
                : (null, "pgbench -N failed: " + output.Trim());
        }
        finally
        {
            await RunAsync(psql, target, ["-d", "postgres", "-c", $"DROP DATABASE IF EXISTS {database}"]);
        }
    }

    private static string? FindExecutable()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").Select(version => Path.Combine(version, "bin"))
                : []);
        return candidates.Select(dir => Path.Combine(dir, "pgbench")).FirstOrDefault(File.Exists);
    }

    private static async Task<(bool Ok, string Output)> RunAsync(string executable, Connection target, string[] args)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "-h", target.Host, "-p", target.Port.ToString(CultureInfo.InvariantCulture), "-U", target.User }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }
        if (target.Password is not null)
        {
            start.Environment["PGPASSWORD"] = target.Password;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode == 0, await stdout + await stderr);
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection")]
    private static partial Regex TpsLine();
}
