using Grpc.Core;
using Sluice.Spec.V1;

namespace Sluice.Server.Tests;

/// <summary>
/// The metadata service's suspend / resume / delete start the deployments that carry them out, on a server whose
/// platform has a local fabric (so deployments render and run on the Local driver).
/// </summary>
public sealed class JobStateDeploymentTests : IAsyncLifetime
{
    private const string Fabric = LocalFabricServer.Fabric;
    private RunningServer? server;
    private MetadataService.MetadataServiceClient metadata = null!;
    private DeploymentService.DeploymentServiceClient deployments = null!;

    public async Task InitializeAsync()
    {
        server = await LocalFabricServer.StartAsync();
        metadata = server.Client;
        deployments = new DeploymentService.DeploymentServiceClient(server.Channel);
    }

    public async Task DisposeAsync()
    {
        if (server is not null) await server.DisposeAsync();
    }

    private static ApplyJobRequest Apply(string text) => new() { Source = new SpecSource { Kind = SourceKind.Spec, Text = text, FileName = "job.yaml" } };

    [Fact]
    public async Task Suspend_resume_and_delete_each_start_a_deployment_on_the_fabric_where_the_job_runs()
    {
        var request = new ChangeJobStateRequest { Namespace = "growth", Name = "state-deploys" };
        await metadata.ApplyJobAsync(Apply(Specs.Job(request.Name, writes: "state-deploys-out")));
        var deploy = Assert.Single((await deployments.RequestDeploymentAsync(new RequestDeploymentRequest
        {
            Namespace = request.Namespace, Name = request.Name, Action = DeploymentAction.Deploy, Fabric = Fabric,
        })).Deployments);
        var deployed = await FinishedAsync(deploy.Id);
        Assert.True(deployed.State == "succeeded", $"deployment {deployed.Id} {deployed.State}: {deployed.Error}");

        foreach (var (change, kind, desired) in new (Func<ChangeJobStateRequest, AsyncUnaryCall<ChangeJobStateResponse>>, string, DesiredState)[]
                 {
                     (r => metadata.SuspendJobAsync(r), "suspend", DesiredState.Suspended),
                     (r => metadata.ResumeJobAsync(r), "resume", DesiredState.Running),
                     (r => metadata.DeleteJobAsync(r), "delete", DesiredState.Deleted),
                 })
        {
            var response = await change(request);
            Assert.Equal((true, desired), (response.Changed, response.Job.DesiredState));
            var finished = await FinishedAsync(Assert.Single(response.DeploymentIds));
            Assert.Equal((kind, Fabric, "succeeded", "", 1L), (finished.Kind, finished.Fabric, finished.State, finished.Error, finished.Revision));
        }
        var history = await deployments.ListDeploymentsAsync(new ListDeploymentsRequest { Namespace = request.Namespace, Name = request.Name, Limit = 10 });
        Assert.Equal(["delete", "resume", "suspend", "create"], history.Deployments.Select(d => d.Kind));
    }

    [Fact]
    public async Task A_job_that_never_ran_changes_state_and_starts_no_deployment()
    {
        await metadata.ApplyJobAsync(Apply(Specs.Job("state-never-ran", writes: "state-never-ran-out")));

        var response = await metadata.SuspendJobAsync(new ChangeJobStateRequest { Namespace = "growth", Name = "state-never-ran" });

        Assert.True(response.Changed);
        Assert.Empty(response.DeploymentIds);
        Assert.Empty((await deployments.ListDeploymentsAsync(new ListDeploymentsRequest { Namespace = "growth", Name = "state-never-ran", Limit = 10 })).Deployments);
    }

    [Fact]
    public async Task Suspending_a_job_already_suspended_starts_nothing_more()
    {
        var request = new ChangeJobStateRequest { Namespace = "growth", Name = "state-twice" };
        await metadata.ApplyJobAsync(Apply(Specs.Job(request.Name, writes: "state-twice-out")));
        var deploy = Assert.Single((await deployments.RequestDeploymentAsync(new RequestDeploymentRequest
        {
            Namespace = request.Namespace, Name = request.Name, Action = DeploymentAction.Deploy, Fabric = Fabric,
        })).Deployments);
        Assert.Equal("succeeded", (await FinishedAsync(deploy.Id)).State);
        Assert.Single((await metadata.SuspendJobAsync(request)).DeploymentIds);

        var again = await metadata.SuspendJobAsync(request);

        Assert.False(again.Changed);
        Assert.Empty(again.DeploymentIds);
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
}
