using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Sluice.Deployment.Workflow;
using Sluice.Spec.V1;
using Sluice.Store.Deployments;
using DeploymentMessage = Sluice.Spec.V1.Deployment;

namespace Sluice.Server;

/// <summary>The DeploymentService RPCs over the deployment commands; progress is read from the database, so any replica can serve a watch.</summary>
public sealed class DeploymentGrpcService(DeploymentCommands commands, CutoverCommands cutovers, DeploymentStore store) : DeploymentService.DeploymentServiceBase
{
    private static readonly TimeSpan WatchPoll = TimeSpan.FromMilliseconds(100);

    public override async Task<RequestDeploymentResponse> RequestDeployment(RequestDeploymentRequest request, ServerCallContext context)
    {
        var job = $"{request.Namespace}/{request.Name}";
        var fabric = string.IsNullOrEmpty(request.Fabric) ? null : request.Fabric;
        var actor = CallerHeaders.Caller(context).Actor;
        var ct = context.CancellationToken;
        var created = request.Action switch
        {
            DeploymentAction.Deploy => await commands.DeployAsync(job, fabric, actor, request.AutoRollback, ct),
            DeploymentAction.Suspend => await commands.SuspendAsync(job, fabric, actor, ct),
            DeploymentAction.Resume => await commands.ResumeAsync(job, fabric, actor, ct),
            DeploymentAction.Delete => await commands.DeleteAsync(job, fabric, actor, ct),
            DeploymentAction.Rollback => await commands.RollbackAsync(job, fabric, actor, ct),
            _ => throw new DeploymentRequestException(DeploymentRequestError.Invalid,
                "action: expected deploy, suspend, resume, delete or rollback"),
        };
        return new RequestDeploymentResponse { Deployments = { created.Select(ToMessage) } };
    }

    public override async Task<DeploymentMessage> RequestCutover(RequestCutoverRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.LegacyName))
        {
            throw new DeploymentRequestException(DeploymentRequestError.Invalid, "legacy_name: name the job as its legacy control plane knows it");
        }
        var fabric = string.IsNullOrEmpty(request.Fabric) ? null : request.Fabric;
        var actor = CallerHeaders.Caller(context).Actor;
        return ToMessage(request.Back
            ? await cutovers.EjectAsync(request.LegacyName, fabric, actor, context.CancellationToken)
            : await cutovers.MigrateAsync(request.LegacyName, fabric, actor, context.CancellationToken));
    }

    public override async Task<DeploymentMessage> CancelDeployment(CancelDeploymentRequest request, ServerCallContext context) =>
        ToMessage(await commands.CancelAsync(request.Id, context.CancellationToken));

    public override async Task<DeploymentMessage> GetDeployment(GetDeploymentRequest request, ServerCallContext context) =>
        ToMessage(await FindAsync(request.Id, context.CancellationToken));

    public override async Task<ListDeploymentsResponse> ListDeployments(ListDeploymentsRequest request, ServerCallContext context)
    {
        var limit = request.Limit is > 0 and <= 1000 ? request.Limit : 50;
        var found = await store.ListAsync($"{request.Namespace}/{request.Name}", string.IsNullOrEmpty(request.Fabric) ? null : request.Fabric,
            limit, context.CancellationToken);
        return new ListDeploymentsResponse { Deployments = { found.Select(ToMessage) } };
    }

    public override async Task WatchDeployment(WatchDeploymentRequest request, IServerStreamWriter<DeploymentEvent> responseStream,
        ServerCallContext context)
    {
        var ct = context.CancellationToken;
        DeploymentRecord deployment;
        try
        {
            deployment = await FindAsync(request.Id, ct);
        }
        catch (DeploymentRequestException missing)
        {
            throw new RpcException(new Status(StatusCode.NotFound, missing.Message));
        }
        long after = 0;
        while (!ct.IsCancellationRequested)
        {
            // Read the row before the events: if it was finished then, the events read next include the last one.
            deployment = (await store.GetAsync(request.Id, ct))!;
            foreach (var e in await store.EventsAsync(request.Id, after, ct))
            {
                after = e.Id;
                await responseStream.WriteAsync(ToMessage(e, deployment), ct);
            }
            if (deployment.State.IsTerminal()) return;
            await Task.Delay(WatchPoll, ct);
        }
    }

    private async Task<DeploymentRecord> FindAsync(long id, CancellationToken ct) =>
        await store.GetAsync(id, ct) ?? throw new DeploymentRequestException(DeploymentRequestError.NotFound, $"deployment {id} does not exist");

    public static DeploymentMessage ToMessage(DeploymentRecord d) => new()
    {
        Id = d.Id, Job = d.Job, Revision = d.Revision, Fabric = d.Fabric, Kind = d.Kind.ToString().ToLowerInvariant(), State = d.State.ToKebab(),
        Attempt = d.Attempt, Error = d.Error ?? "", CancelRequested = d.CancelRequested, RuntimeId = d.RuntimeId ?? "",
        RestorePath = d.RestorePath ?? "", RequestedBy = d.RequestedBy, CreatedAt = Timestamp.FromDateTimeOffset(d.CreatedAt),
        UpdatedAt = Timestamp.FromDateTimeOffset(d.UpdatedAt), FinishedAt = d.FinishedAt is { } f ? Timestamp.FromDateTimeOffset(f) : null,
        Finished = d.State.IsTerminal(),
    };

    public static DeploymentEvent ToMessage(DeploymentEventRecord e, DeploymentRecord deployment) => new()
    {
        Id = e.Id, DeploymentId = e.DeploymentId, At = Timestamp.FromDateTimeOffset(e.At), FromState = e.FromState?.ToKebab() ?? "",
        State = e.State.ToKebab(), Attempt = e.Attempt, Detail = e.Detail, FenceEpoch = e.FenceEpoch,
        Final = e.State.IsTerminal() && deployment.State == e.State && deployment.FinishedAt is not null,
    };
}
