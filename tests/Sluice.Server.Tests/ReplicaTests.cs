using Grpc.Core;
using Sluice.Spec.V1;

namespace Sluice.Server.Tests;

/// <summary>Two server replicas against one PostgreSQL / MariaDB database: nothing one needs lives in the other's memory.</summary>
public sealed class ReplicaTests
{
    private static ApplyJobRequest Apply(string text, long? expectedRevision = null)
    {
        var request = new ApplyJobRequest { Source = new SpecSource { Kind = SourceKind.Spec, Text = text, FileName = "job.yaml" } };
        if (expectedRevision is { } revision)
        {
            request.ExpectedRevision = revision;
        }
        return request;
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("mysql")]
    public async Task Two_replicas_share_jobs_and_optimistic_concurrency(string dialect)
    {
        await using var database = await SharedDatabase.CreateAsync(dialect);
        await using var a = await RunningServer.StartAsync(database.Url);
        await using var b = await RunningServer.StartAsync(database.Url);

        var created = await a.Client.ApplyJobAsync(Apply(Specs.Job("replicated")));
        var readOnB = await b.Client.GetJobAsync(new GetJobRequest { Namespace = "growth", Name = "replicated" });
        Assert.Equal(created.SpecHash, readOnB.SpecHash);

        // Both replicas update from revision 1 at once: exactly one wins, the other is told of the conflict.
        var racing = new[] { a, b }.Select((replica, i) => Outcome(replica.Client.ApplyJobAsync(
            Apply(Specs.Job("replicated", parallelism: 10 + i), expectedRevision: 1)).ResponseAsync)).ToArray();
        var outcomes = await Task.WhenAll(racing);
        Assert.Equal(1, outcomes.Count(outcome => outcome == StatusCode.OK));
        Assert.Equal(1, outcomes.Count(outcome => outcome == StatusCode.Aborted));

        // A retry sent to the other replica with the same request id is replayed, not applied again.
        var update = Apply(Specs.Job("replicated", parallelism: 20));
        var headers = new Grpc.Core.Metadata { { CallerHeaders.RequestId, "replica-retry" } };
        var first = await a.Client.ApplyJobAsync(update, headers);
        var retried = await b.Client.ApplyJobAsync(update, headers);
        Assert.Equal(3, first.Revision);
        Assert.True(retried.Replayed);
        var history = await a.Client.ListJobRevisionsAsync(new ListJobRevisionsRequest { Namespace = "growth", Name = "replicated" });
        Assert.Equal([3L, 2L, 1L], history.Revisions.Select(r => r.Revision));
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("mysql")]
    public async Task Replicas_started_together_on_an_empty_database_both_come_up(string dialect)
    {
        await using var database = await SharedDatabase.CreateAsync(dialect);

        // As an orchestrator rolls out a deployment: both replicas migrate the same empty database at once.
        var started = await Task.WhenAll(RunningServer.StartAsync(database.Url), RunningServer.StartAsync(database.Url));
        await using var a = started[0];
        await using var b = started[1];

        await a.Client.ApplyJobAsync(Apply(Specs.Job("together")));
        var job = await b.Client.GetJobAsync(new GetJobRequest { Namespace = "growth", Name = "together" });
        Assert.Equal(1, job.Revision);
    }

    private static async Task<StatusCode> Outcome(Task call)
    {
        try
        {
            await call;
            return StatusCode.OK;
        }
        catch (RpcException error)
        {
            return error.StatusCode;
        }
    }
}
