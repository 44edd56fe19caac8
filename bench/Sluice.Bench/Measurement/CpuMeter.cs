using System.Diagnostics;
using System.Globalization;

namespace Sluice.Bench.Measurement;

/// <summary>
/// CPU time spent by this process (client and in-process server) and by the database server's processes on this
/// machine (read from /proc), between a start and a stop: it tells whether an operation is bound by Sluice's own
/// code or by the database.
/// </summary>
public sealed class CpuMeter
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    private readonly int? _databaseRoot;
    private readonly TimeSpan _ownStart;
    private readonly double _databaseStart;

    private CpuMeter(int? databaseRoot)
    {
        _databaseRoot = databaseRoot;
        _ownStart = Process.GetCurrentProcess().TotalProcessorTime;
        _databaseStart = DatabaseSeconds();
    }

    /// <summary>The database server's main process on this machine, set once per run; null when it is remote or in-process.</summary>
    public static int? DatabaseRoot { get; set; }

    public static CpuMeter Start() => new(DatabaseRoot);

    /// <summary>CPU milliseconds per operation: (this process, the database server's process tree); null when unknown.</summary>
    public (double? OwnMs, double? DatabaseMs) PerOperation(long operations)
    {
        if (operations == 0) return (null, null);
        var own = (Process.GetCurrentProcess().TotalProcessorTime - _ownStart).TotalMilliseconds;
        var database = (DatabaseSeconds() - _databaseStart) * 1000;
        return (own / operations, double.IsNaN(database) ? null : database / operations);
    }

    public static int? ParentOf(int pid) => Stat(pid) is { } fields ? int.Parse(fields[1], CultureInfo.InvariantCulture) : null;

    // The server and its children (PostgreSQL forks a backend per connection). A backend that exits leaves the sum of
    // the live processes, so the server's own count of its reaped children's time (cutime, cstime) is added: without
    // it, connections a pool closed during a measurement made the database's CPU per operation come out negative.
    private double DatabaseSeconds()
    {
        if (_databaseRoot is not { } root || !Directory.Exists("/proc")) return double.NaN;
        long ticks = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid)) continue;
            if (Stat(pid) is not { } fields) continue;
            if (pid != root && int.Parse(fields[1], CultureInfo.InvariantCulture) != root) continue;
            ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            if (pid == root) ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        }
        return ticks / TicksPerSecond;
    }

    /// <summary>
    /// The fields of /proc/PID/stat after the command name: [0] state, [1] ppid, [11] utime, [12] stime, [13] cutime and
    /// [14] cstime (the time of the children it has reaped).
    /// </summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null; // the process ended while we read it
        }
    }
}
