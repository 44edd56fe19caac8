namespace Sluice.Runtimes.Faults;

/// <summary>
/// Latency and failures to inject into a local driver or provider, for tests and benchmarks. Deterministic for a
/// given seed and call order. <see cref="None"/> costs nothing per call.
/// </summary>
public sealed class FaultPlan
{
    private readonly object gate = new();
    private readonly Random random;
    private readonly Dictionary<string, int> calls = new(StringComparer.Ordinal);

    public FaultPlan(int seed = 0) => random = new Random(seed);

    public static FaultPlan None { get; } = new();

    /// <summary>Delay added to every operation.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Probability in [0, 1] that an operation fails with <see cref="InjectedFaultException"/> before it has any effect.</summary>
    public double FailureProbability { get; init; }

    /// <summary>Crashes to simulate: the named operation's n-th call throws <see cref="InjectedCrashException"/>.</summary>
    public IReadOnlyList<CrashPoint> Crashes { get; init; } = [];

    private bool IsInert => Latency <= TimeSpan.Zero && FailureProbability <= 0 && Crashes.Count == 0;

    /// <summary>Call before an operation's effect: waits the latency, may fail, may crash (<see cref="CrashTiming.BeforeEffect"/>).</summary>
    public async ValueTask BeforeAsync(string operation, CancellationToken cancellationToken)
    {
        if (IsInert)
        {
            return;
        }
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, cancellationToken).ConfigureAwait(false);
        }
        int call;
        bool fail;
        lock (gate)
        {
            call = calls.TryGetValue(operation, out var n) ? n + 1 : 1;
            calls[operation] = call;
            fail = FailureProbability > 0 && random.NextDouble() < FailureProbability;
        }
        ThrowIfCrash(operation, call, CrashTiming.BeforeEffect);
        if (fail)
        {
            throw new InjectedFaultException($"injected failure in '{operation}' (call {call})");
        }
    }

    /// <summary>Call after an operation's effect: crashes here model a caller that dies before it records the result.</summary>
    public void After(string operation)
    {
        if (Crashes.Count == 0)
        {
            return;
        }
        int call;
        lock (gate)
        {
            call = calls.TryGetValue(operation, out var n) ? n : 0;
        }
        ThrowIfCrash(operation, call, CrashTiming.AfterEffect);
    }

    private void ThrowIfCrash(string operation, int call, CrashTiming timing)
    {
        foreach (var crash in Crashes)
        {
            if (crash.Timing == timing && crash.Call == call && string.Equals(crash.Operation, operation, StringComparison.Ordinal))
            {
                throw new InjectedCrashException($"injected crash {(timing == CrashTiming.BeforeEffect ? "before" : "after")} the effect of '{operation}' (call {call})");
            }
        }
    }
}

/// <summary>Where a simulated crash happens relative to the operation's side effect.</summary>
public enum CrashTiming
{
    BeforeEffect,
    AfterEffect,
}

/// <summary>The <paramref name="Call"/>-th call (1-based) of <paramref name="Operation"/> crashes at <paramref name="Timing"/>.</summary>
public sealed record CrashPoint(string Operation, int Call = 1, CrashTiming Timing = CrashTiming.AfterEffect);

/// <summary>A transient failure injected by a <see cref="FaultPlan"/>; retrying may succeed.</summary>
public sealed class InjectedFaultException(string message) : Exception(message);

/// <summary>A simulated process crash injected by a <see cref="FaultPlan"/>; the caller should behave as if it died here.</summary>
public sealed class InjectedCrashException(string message) : Exception(message);
