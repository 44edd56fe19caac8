namespace Sluice.Runtimes.Drivers;

/// <summary>A runtime call failed in a way a retry will not fix (bad artifact, rejected request, failed savepoint).</summary>
public class RuntimeDriverException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The request contradicts what runs: another submission of the job is active on the fabric.</summary>
public sealed class RuntimeConflictException(string message) : RuntimeDriverException(message);

/// <summary>The runtime did not reach the awaited state in time; <see cref="LastObservation"/> says where it stood.</summary>
public sealed class RuntimeTimeoutException(string message, JobObservation? lastObservation)
    : RuntimeDriverException(message)
{
    public JobObservation? LastObservation { get; } = lastObservation;
}

/// <summary>The runtime's API stayed unreachable or kept failing (5xx, timeouts) through every retry; try again later.</summary>
public sealed class RuntimeUnavailableException(string message, Exception inner) : RuntimeDriverException(message, inner);
