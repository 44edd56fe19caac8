using System.Diagnostics;
using Grpc.Core;
using Sluice.Spec.V1;

namespace Sluice.Server.Tests;

/// <summary>Scale: a checked, audited revision with the new parallelism, rolled out by Scale deployments (API and CLI).</summary>
public sealed class ScaleTests : IAsyncLifetime
{
    private const string Fabric = LocalFabricServer.Fabric;
    private RunningServer server = null!;
    private MetadataService.MetadataServiceClient metadata = null!;
    private DeploymentService.DeploymentServiceClient deployments = null!;

    public async Task InitializeAsync()
    {
        server = await LocalFabricServer.StartAsync();
        metadata = server.Client;
        deployments = new DeploymentService.DeploymentServiceClient(server.Channel);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    /// <summary>A job with max parallelism 16 and autoscaling between 2 and 12, deployed to the local fabric.</summary>
    private async Task DeployAsync(string name)
    {
        var spec = Specs.Job(name, writes: name + "-out") + "\n" + """
              maxParallelism: 16
            autoscaling:
              enabled: true
              minParallelism: 2
              maxParallelism: 12
              targetUtilization: 0.7
            """;
        await metadata.ApplyJobAsync(new ApplyJobRequest { Source = new SpecSource { Kind = SourceKind.Spec, Text = spec, FileName = name + ".yaml" } });
        var deploy = Assert.Single((await deployments.RequestDeploymentAsync(new RequestDeploymentRequest
        {
            Namespace = "growth", Name = name, Action = DeploymentAction.Deploy, Fabric = Fabric,
        })).Deployments);
        var done = await FinishedAsync(deploy.Id);
        Assert.True(done.State == "succeeded", $"deployment {done.Id} {done.State}: {done.Error}");
    }

    [Fact]
    public async Task Scale_records_an_audited_revision_and_rolls_it_out_with_a_scale_deployment()
    {
        await DeployAsync("scale-api");

        var scaled = await metadata.ScaleJobAsync(new ScaleJobRequest { Namespace = "growth", Name = "scale-api", Parallelism = 6, Reason = "load test" });

        Assert.Equal((true, 2L, 1L), (scaled.Changed, scaled.Revision, scaled.PreviousRevision));
        Assert.Equal(6, scaled.Job.Spec.Resources.Parallelism);
        var rollout = await FinishedAsync(Assert.Single(scaled.DeploymentIds));
        Assert.Equal(("scale", 2L, Fabric, "succeeded", ""), (rollout.Kind, rollout.Revision, rollout.Fabric, rollout.State, rollout.Error));
        var revision = await metadata.GetJobRevisionAsync(new GetJobRevisionRequest { Namespace = "growth", Name = "scale-api", Revision = 2 });
        Assert.Equal((6, 16), (revision.Spec.Resources.Parallelism, revision.Spec.Resources.MaxParallelism));
        var audit = await metadata.ListAuditEventsAsync(new ListAuditEventsRequest { Action = AuditAction.JobScale });
        var scaleAudit = Assert.Single(audit.Events);
        Assert.Equal(("job/growth/scale-api", 1L, 2L, "load test"), (scaleAudit.Target, scaleAudit.BeforeRevision, scaleAudit.AfterRevision, scaleAudit.Reason));

        var again = await metadata.ScaleJobAsync(new ScaleJobRequest { Namespace = "growth", Name = "scale-api", Parallelism = 6 });
        Assert.Equal((false, 2L), (again.Changed, again.Revision));
        Assert.Empty(again.DeploymentIds);
    }

    [Theory]
    [InlineData(0, "must be at least 1")]
    [InlineData(1, "below autoscaling.minParallelism 2")]
    [InlineData(13, "exceeds autoscaling.maxParallelism 12")]
    public async Task A_parallelism_outside_the_bounds_is_refused_naming_the_field_and_changes_nothing(int parallelism, string message)
    {
        await DeployAsync("scale-bounds");

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            metadata.ScaleJobAsync(new ScaleJobRequest { Namespace = "growth", Name = "scale-bounds", Parallelism = parallelism }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("parallelism", refused.Status.Detail);
        Assert.Contains(message, refused.Status.Detail);
        var job = await metadata.GetJobAsync(new GetJobRequest { Namespace = "growth", Name = "scale-bounds" });
        Assert.Equal(1L, job.Revision);
        Assert.Single((await deployments.ListDeploymentsAsync(new ListDeploymentsRequest { Namespace = "growth", Name = "scale-bounds", Limit = 10 })).Deployments);
    }

    [Fact]
    public async Task Scale_beyond_max_parallelism_is_refused_when_autoscaling_is_off()
    {
        await metadata.ApplyJobAsync(new ApplyJobRequest
        {
            Source = new SpecSource { Kind = SourceKind.Spec, Text = Specs.Job("scale-max", writes: "scale-max-out") + "\n  maxParallelism: 8\n", FileName = "j.yaml" },
        });

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            metadata.ScaleJobAsync(new ScaleJobRequest { Namespace = "growth", Name = "scale-max", Parallelism = 9 }).ResponseAsync);

        Assert.Contains("9 exceeds resources.maxParallelism 8", refused.Status.Detail);
    }

    [Fact]
    public async Task The_cli_scales_and_watches_the_rollout()
    {
        await DeployAsync("scale-cli");

        var result = await SluiceAsync("rollout", "scale", "growth/scale-cli", "--parallelism", "3", "--watch");
        var refused = await SluiceAsync("rollout", "scale", "growth/scale-cli", "--parallelism", "40");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("growth/scale-cli: revision 2 (from 1) has parallelism 3", result.Stdout);
        Assert.Contains("scale of growth/scale-cli revision 2 on local", result.Stdout);
        Assert.Contains("succeeded", result.Stdout);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("40 exceeds", refused.Stderr);
        var history = await deployments.ListDeploymentsAsync(new ListDeploymentsRequest { Namespace = "growth", Name = "scale-cli", Limit = 10 });
        Assert.Equal([("scale", 2L, "succeeded"), ("create", 1L, "succeeded")], history.Deployments.Select(d => (d.Kind, d.Revision, d.State)));
    }

    private async Task<Sluice.Spec.V1.Deployment> FinishedAsync(long id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var deployment = await deployments.GetDeploymentAsync(new GetDeploymentRequest { Id = id });
            if (deployment.FinishedAt is not null) return deployment;
            Assert.True(DateTime.UtcNow < deadline, $"deployment {id} still {deployment.State} after 60 s");
            await Task.Delay(50);
        }
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> SluiceAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sluice.dll"));
        foreach (var arg in args.Concat(["--server", server.Server.ApiAddress.ToString()])) start.ArgumentList.Add(arg);
        start.Environment["COLUMNS"] = "200";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
