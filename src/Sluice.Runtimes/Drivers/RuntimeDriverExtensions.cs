namespace Sluice.Runtimes.Drivers;

public static class RuntimeDriverExtensions
{
    /// <summary>
    /// Polls until the job runs. Throws <see cref="RuntimeDriverException"/> when it fails or stops instead, and
    /// <see cref="RuntimeTimeoutException"/> (with the last observation) when <paramref name="timeout"/> passes first.
    /// </summary>
    public static async Task<JobObservation> WaitUntilRunningAsync(
        this IRuntimeDriver driver,
        RuntimeJobHandle job,
        TimeSpan timeout,
        TimeSpan pollInterval,
        CancellationToken cancellationToken = default)
    {
        var observation = await driver.WaitForAsync(job, o => !(o.State is RuntimeJobState.Starting or RuntimeJobState.NotFound), timeout, pollInterval, cancellationToken).ConfigureAwait(false);
        return observation.State == RuntimeJobState.Running
            ? observation
            : throw new RuntimeDriverException($"{job.Key} did not start: {observation.State} ({observation.NativeState}){(observation.Message is null ? "" : ": " + observation.Message)}");
    }

    /// <summary>Polls <see cref="IRuntimeDriver.ObserveAsync"/> until <paramref name="done"/> holds or the timeout passes.</summary>
    public static async Task<JobObservation> WaitForAsync(
        this IRuntimeDriver driver,
        RuntimeJobHandle job,
        Func<JobObservation, bool> done,
        TimeSpan timeout,
        TimeSpan pollInterval,
        CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        JobObservation? last = null;
        try
        {
            while (true)
            {
                last = await driver.ObserveAsync(job, deadline.Token).ConfigureAwait(false);
                if (done(last))
                {
                    return last;
                }
                await Task.Delay(pollInterval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var where = last is null ? "no observation" : $"last {last.State} ({last.NativeState})";
            throw new RuntimeTimeoutException($"{job.Key}: timed out after {timeout} waiting on the runtime; {where}", last);
        }
    }
}
