using Sluice.Deployment.Workflow;

namespace Sluice.Deployment.Tests.Workflow;

public sealed class ConcurrencyLimitTests
{
    private static readonly TimeSpan Target = TimeSpan.FromMilliseconds(10);

    [Fact]
    public void Steps_under_the_target_grow_the_limit_up_to_the_maximum_and_no_further()
    {
        var limit = new ConcurrencyLimit(8, 100, Target);
        var seen = new List<int> { limit.Current };
        for (var i = 0; i < 5_000; i++)
        {
            limit.OnStep(TimeSpan.FromMilliseconds(2));
            if (limit.Current != seen[^1]) seen.Add(limit.Current);
        }

        Assert.Equal(32, seen[0]);
        Assert.Equal(seen.Order(), seen);
        Assert.Equal(100, seen[^1]);
    }

    [Fact]
    public void Steps_over_the_target_shrink_the_limit_down_to_the_minimum_and_no_further()
    {
        var limit = new ConcurrencyLimit(8, 100, Target);
        for (var i = 0; i < 5_000; i++) limit.OnStep(TimeSpan.FromMilliseconds(40));

        Assert.Equal(8, limit.Current);
    }

    [Fact]
    public void The_limit_moves_once_per_window_of_as_many_steps_as_it_allows()
    {
        var limit = new ConcurrencyLimit(8, 100, Target);
        for (var i = 0; i < 31; i++) limit.OnStep(TimeSpan.FromMilliseconds(40));
        Assert.Equal(32, limit.Current);

        limit.OnStep(TimeSpan.FromMilliseconds(40));
        Assert.Equal(28, limit.Current);
    }

    [Fact]
    public void A_window_is_judged_by_its_mean_so_one_slow_step_among_fast_ones_does_not_shrink_it()
    {
        var limit = new ConcurrencyLimit(8, 100, Target);
        limit.OnStep(TimeSpan.FromMilliseconds(100));
        for (var i = 0; i < 31; i++) limit.OnStep(TimeSpan.FromMilliseconds(1));

        Assert.Equal(34, limit.Current);
    }

    [Fact]
    public void A_limit_that_cannot_hold_one_deployment_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConcurrencyLimit(0, 10, Target));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConcurrencyLimit(20, 10, Target));
    }
}
