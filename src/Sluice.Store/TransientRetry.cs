namespace Sluice.Store;

/// <summary>Work without an explicit transaction to roll back (one statement, or a transaction the work disposes), retried when the database says so.</summary>
internal static class TransientRetry
{
    public const int MaxAttempts = 8;

    /// <summary>Runs <paramref name="attempt"/> again after a deadlock, serialization failure or busy database, with a short random pause.</summary>
    public static async Task<T> RunAsync<T>(Func<Exception, bool> isTransient, Func<Task<T>> attempt, CancellationToken ct)
    {
        for (var tries = 1; ; tries++)
        {
            try
            {
                return await attempt();
            }
            catch (Exception error) when (isTransient(error) && tries < MaxAttempts)
            {
                await Task.Delay(Random.Shared.Next(1, 10 * tries), ct);
            }
        }
    }
}
