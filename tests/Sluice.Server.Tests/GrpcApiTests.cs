using Google.Rpc;
using Grpc.Core;
using Sluice.Spec.V1;

namespace Sluice.Server.Tests;

/// <summary>The MetadataService over real gRPC (HTTP/2 cleartext) on loopback.</summary>
public sealed class GrpcApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private MetadataService.MetadataServiceClient Client => fixture.Server.Client;

    private static ApplyJobRequest Apply(string text, string file = "job.yaml") =>
        new() { Source = new SpecSource { Kind = SourceKind.Spec, Text = text, FileName = file } };

    [Fact]
    public async Task Apply_then_get_returns_the_stored_revision_and_hash()
    {
        var applied = await Client.ApplyJobAsync(Apply(Specs.Job("grpc-get")));

        Assert.Equal(ApplyOutcome.Created, applied.Outcome);
        Assert.Equal(1, applied.Revision);
        Assert.StartsWith("sha256:", applied.SpecHash);
        var job = await Client.GetJobAsync(new GetJobRequest { Namespace = "growth", Name = "grpc-get" });
        Assert.Equal(1, job.Revision);
        Assert.Equal(applied.SpecHash, job.SpecHash);
        Assert.Equal("tracking", job.Spec.Sources[0].Cluster);
    }

    [Fact]
    public async Task Invalid_spec_is_INVALID_ARGUMENT_with_one_field_violation_per_error_and_its_line_and_column()
    {
        var text = Specs.Job("grpc-invalid").Replace("parallelism: 4", "parallelism: -3").Replace("uri: s3://artifacts/grpc-invalid.jar", "uri: \"\"");

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ApplyJobAsync(Apply(text, "bad.yaml")).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violations = error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations;
        Assert.Equal(2, violations.Count);
        var uri = Assert.Single(violations, v => v.Field == "artifact.jar.uri");
        Assert.StartsWith("bad.yaml:9:10: ", uri.Description);
        var parallelism = Assert.Single(violations, v => v.Field == "resources.parallelism");
        Assert.StartsWith("bad.yaml:22:16: ", parallelism.Description);
        await AssertNotStored("grpc-invalid");
    }

    [Fact]
    public async Task Stale_expected_revision_is_ABORTED_and_changes_nothing()
    {
        await Client.ApplyJobAsync(Apply(Specs.Job("grpc-conflict")));
        var stale = Apply(Specs.Job("grpc-conflict", parallelism: 8));
        stale.ExpectedRevision = 0;

        var error = await Assert.ThrowsAsync<RpcException>(() => Client.ApplyJobAsync(stale).ResponseAsync);

        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        var job = await Client.GetJobAsync(new GetJobRequest { Namespace = "growth", Name = "grpc-conflict" });
        Assert.Equal(1, job.Revision);
        Assert.Equal(4, job.Spec.Resources.Parallelism);
    }

    [Fact]
    public async Task Unknown_job_is_NOT_FOUND()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.GetJobAsync(new GetJobRequest { Namespace = "growth", Name = "no-such-job" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task A_retry_with_the_same_request_id_header_is_replayed_not_applied_twice()
    {
        await Client.ApplyJobAsync(Apply(Specs.Job("grpc-retry")));
        var headers = new Grpc.Core.Metadata { { CallerHeaders.RequestId, "retry-1" } };
        var update = Apply(Specs.Job("grpc-retry", parallelism: 6));

        var first = await Client.ApplyJobAsync(update, headers);
        var second = await Client.ApplyJobAsync(update, headers);

        Assert.Equal(2, first.Revision);
        Assert.False(first.Replayed);
        Assert.True(second.Replayed);
        Assert.Equal(2, second.Revision);
        var history = await Client.ListJobRevisionsAsync(new ListJobRevisionsRequest { Namespace = "growth", Name = "grpc-retry" });
        Assert.Equal([2L, 1L], history.Revisions.Select(r => r.Revision));
    }

    [Fact]
    public async Task The_actor_header_is_recorded_on_the_audit_row()
    {
        await Client.ApplyJobAsync(Apply(Specs.Job("grpc-audit")), new Grpc.Core.Metadata { { CallerHeaders.Actor, "alice@example.com" } });

        var audit = await Client.ListAuditEventsAsync(new ListAuditEventsRequest { Namespace = "growth", Name = "grpc-audit" });

        var created = Assert.Single(audit.Events);
        Assert.Equal("alice@example.com", created.Actor);
        Assert.Equal(AuditAction.JobCreate, created.Action);
    }

    [Fact]
    public async Task Jobs_reading_a_topic_are_answered_from_lineage()
    {
        await Client.ApplyJobAsync(Apply(Specs.Job("lineage-producer", ns: "ingest", reads: "raw-clicks", writes: "clean-clicks")));
        await Client.ApplyJobAsync(Apply(Specs.Job("lineage-consumer", ns: "growth", reads: "clean-clicks", writes: "click-stats")));

        var readers = await Client.ListJobsAsync(new ListJobsRequest { ReadsDataset = "kafka://tracking/clean-clicks" });
        var lineage = await Client.GetDatasetLineageAsync(new GetDatasetLineageRequest { Uri = "kafka://tracking/clean-clicks" });
        var downstream = await Client.GetJobLineageAsync(new GetJobLineageRequest { Namespace = "ingest", Name = "lineage-producer", Depth = 1 });

        Assert.Equal(["growth/lineage-consumer"], readers.Jobs.Select(j => $"{j.Namespace}/{j.Name}"));
        Assert.Equal(["growth/lineage-consumer"], lineage.Readers.Select(j => $"{j.Namespace}/{j.Name}"));
        Assert.Equal(["ingest/lineage-producer"], lineage.Writers.Select(j => $"{j.Namespace}/{j.Name}"));
        Assert.Contains(downstream.Downstream, node => node.Job.Name == "lineage-consumer" && node.Depth == 1);
    }

    private async Task AssertNotStored(string name)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Client.GetJobAsync(new GetJobRequest { Namespace = "growth", Name = name }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }
}
