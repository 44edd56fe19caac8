using System.Diagnostics;

namespace Sluice.Server.Tests;

/// <summary>Runs the `sluice` CLI as a separate process, as a user runs it.</summary>
internal static class CliProcess
{
    /// <summary>Runs a client command against <paramref name="server"/> (`--server` is appended).</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(RunningServer server, params string[] args) =>
        RunAsync([.. args, "--server", server.Server.ApiAddress.ToString()]);

    /// <summary>
    /// Runs `sluice <paramref name="args"/>` in <paramref name="workingDirectory"/> as <paramref name="actor"/>; a process
    /// still running after <paramref name="timeoutSeconds"/> is killed and answers exit code -1.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyList<string> args, string? workingDirectory = null,
        string? actor = null, int timeoutSeconds = 60)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sluice.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        if (actor is not null) start.Environment["SLUICE_ACTOR"] = actor;
        start.Environment["COLUMNS"] = "200";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, await stdout, $"timed out: sluice {string.Join(' ', args)}\n{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
