using Sluice.Deployment.Workflow;

namespace Sluice.Deployment.Tests.Workflow;

public sealed class ConcurrencyLimitTests
{
    private static readonly TimeSpan Target = TimeSpan.FromMilliseconds(10);

    [Fact]
    public void Steps_under_the_target_grow_the_limit_from_the_minimum_up_to_the_maximum_and_no_further()
    {
        var limit = new ConcurrencyLimit(8, 100, Target);
        var seen = Feed(limit, 5_000, TimeSpan.FromMilliseconds(2));

        Assert.Equal(8, seen[0]);
        Assert.Equal(seen.Order(), seen);
        Assert.Equal(100, seen[^1]);
    }

    [Fact]
    public void Steps_over_the_target_shrink_the_limit_down_to_the_minimum_and_no_further()
    {
        var limit = new ConcurrencyLimit(8, 100, Target);
        Feed(limit, 5_000, TimeSpan.FromMilliseconds(2));

        var seen = Feed(limit, 5_000, TimeSpan.FromMilliseconds(40));

        Assert.Equal(100, seen[0]);
        Assert.Equal(seen.OrderDescending(), seen);
        Assert.Equal(8, seen[^1]);
    }

    [Fact]
    public void The_limit_moves_once_per_window_of_as_many_steps_as_it_allows()
    {
        var limit = new ConcurrencyLimit(8, 100, Target);
        Feed(limit, 7, TimeSpan.FromMilliseconds(1));
        Assert.Equal(8, limit.Current);

        limit.OnStep(TimeSpan.FromMilliseconds(1));
        Assert.Equal(9, limit.Current);

        Feed(limit, 8, TimeSpan.FromMilliseconds(1));
        Assert.Equal(9, limit.Current);
        limit.OnStep(TimeSpan.FromMilliseconds(1));
        Assert.Equal(10, limit.Current);
    }

    [Fact]
    public void A_window_is_judged_by_its_mean_so_one_slow_step_among_fast_ones_does_not_hold_it_back()
    {
        var limit = new ConcurrencyLimit(8, 100, Target);
        limit.OnStep(TimeSpan.FromMilliseconds(30));
        Feed(limit, 7, TimeSpan.FromMilliseconds(1));

        Assert.Equal(9, limit.Current);
    }

    [Fact]
    public void A_limit_that_cannot_hold_one_deployment_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConcurrencyLimit(0, 10, Target));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConcurrencyLimit(20, 10, Target));
    }

    /// <summary>Feeds <paramref name="steps"/> steps of the same overhead; answers the limits seen, the first included.</summary>
    private static List<int> Feed(ConcurrencyLimit limit, int steps, TimeSpan overhead)
    {
        var seen = new List<int> { limit.Current };
        for (var i = 0; i < steps; i++)
        {
            limit.OnStep(overhead);
            if (limit.Current != seen[^1]) seen.Add(limit.Current);
        }
        return seen;
    }
}
