using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Drivers.Local;

namespace Sluice.Deployment.Workflow;

/// <summary>
/// The Local driver shared by several worker processes on one machine: each call takes an exclusive lock file in the
/// folder and works on a fresh <see cref="LocalRuntimeDriver"/> that replays the journal, so every process sees every
/// other's submissions (one driver instance per folder at a time, as the Local driver requires). Slower than the
/// in-process driver by a journal replay per call; meant for multi-process runs such as the crash test.
/// </summary>
public sealed class SharedFolderLocalDriver(LocalRuntimeOptions options) : IRuntimeDriver
{
    private readonly string _lockPath = Path.Combine(Path.GetFullPath(options.Folder
        ?? throw new ArgumentException("folder: the shared local driver needs a folder", nameof(options))), ".driver.lock");

    public string Name => LocalRuntimeDriver.DriverName;

    public Task<RuntimeJobHandle> SubmitAsync(SubmitRequest request, CancellationToken ct = default) =>
        WithDriverAsync(d => d.SubmitAsync(request, ct), ct);

    public Task<JobObservation> ObserveAsync(RuntimeJobHandle job, CancellationToken ct = default) =>
        WithDriverAsync(d => d.ObserveAsync(job, ct), ct);

    public Task SuspendAsync(RuntimeJobHandle job, CancellationToken ct = default) =>
        WithDriverAsync(async d => { await d.SuspendAsync(job, ct); return true; }, ct);

    public Task<SavepointResult> SavepointAsync(RuntimeJobHandle job, string savepointId, CancellationToken ct = default) =>
        WithDriverAsync(d => d.SavepointAsync(job, savepointId, ct), ct);

    public Task CancelAsync(RuntimeJobHandle job, CancellationToken ct = default) =>
        WithDriverAsync(async d => { await d.CancelAsync(job, ct); return true; }, ct);

    private async Task<T> WithDriverAsync<T>(Func<LocalRuntimeDriver, Task<T>> call, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_lockPath)!);
        await using var held = await LockAsync(ct);
        return await call(new LocalRuntimeDriver(options));
    }

    private async Task<FileStream> LockAsync(CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return new FileStream(_lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(Random.Shared.Next(1, 5), ct);
            }
        }
    }
}
