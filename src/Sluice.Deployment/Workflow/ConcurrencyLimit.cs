namespace Sluice.Deployment.Workflow;

/// <summary>
/// How many deployments a worker drives at once, sized from the engine's own overhead per step (step time not spent
/// inside providers and drivers): additive increase while a window of steps averages under the target, multiplicative
/// decrease when it goes over, as TCP sizes its congestion window. Waiting on slow providers does not count, so a
/// fabric with 50 ms calls gets many deployments in flight; contention for CPU and commits does, so the engine takes
/// no more than it can drive without queueing, and the rest wait in the database, where waiting costs nothing.
/// </summary>
public sealed class ConcurrencyLimit
{
    // A window of fewer steps says too little about the mean to move the limit on.
    private const int MinWindowSteps = 8;
    private readonly Lock _lock = new();
    private readonly int _min;
    private readonly int _max;
    private readonly double _targetMs;
    private double _windowMs;
    private int _windowSteps;

    public ConcurrencyLimit(int min, int max, TimeSpan targetStepOverhead)
    {
        if (min < 1 || max < min) throw new ArgumentOutOfRangeException(nameof(min), $"need 1 <= min <= max, got min {min}, max {max}");
        _min = min;
        _max = max;
        _targetMs = targetStepOverhead.TotalMilliseconds;
        // Start small and grow, as TCP's slow start does: several workers starting at once must not each take a big batch.
        Current = min;
    }

    public int Current { get; private set; }

    /// <summary>Takes one finished step's overhead; every window (as many steps as the limit) moves the limit.</summary>
    public void OnStep(TimeSpan overhead)
    {
        lock (_lock)
        {
            _windowMs += overhead.TotalMilliseconds;
            if (++_windowSteps < Math.Max(Current, MinWindowSteps)) return;
            var mean = _windowMs / _windowSteps;
            Current = mean > _targetMs
                ? Math.Max(_min, Current - Math.Max(1, Current / 8))
                : Math.Min(_max, Current + Math.Max(1, Current / 16));
            _windowMs = 0;
            _windowSteps = 0;
        }
    }
}
