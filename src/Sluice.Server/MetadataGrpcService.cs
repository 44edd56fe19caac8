using Grpc.Core;
using Sluice.Metadata;
using Sluice.Spec.V1;

namespace Sluice.Server;

/// <summary>The MetadataService RPCs, each handed to the domain's command with the caller from the headers.</summary>
public sealed class MetadataGrpcService(MetadataCommands commands, MigratedJobs migrated) : MetadataService.MetadataServiceBase
{
    public override async Task<ApplyJobResponse> ApplyJob(ApplyJobRequest request, ServerCallContext context)
    {
        request.RequestId = CallerHeaders.RequestIdOr(request.RequestId, context);
        var response = await commands.ApplyJobAsync(request, CallerHeaders.Caller(context), context.CancellationToken);
        await migrated.RecordAsync(request, response, context.CancellationToken);
        return response;
    }

    public override Task<Job> GetJob(GetJobRequest request, ServerCallContext context) =>
        commands.GetJobAsync(request, CallerHeaders.Caller(context), context.CancellationToken);

    public override Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context) =>
        commands.ListJobsAsync(request, CallerHeaders.Caller(context), context.CancellationToken);

    public override Task<ListJobRevisionsResponse> ListJobRevisions(ListJobRevisionsRequest request, ServerCallContext context) =>
        commands.ListJobRevisionsAsync(request, CallerHeaders.Caller(context), context.CancellationToken);

    public override Task<JobRevision> GetJobRevision(GetJobRevisionRequest request, ServerCallContext context) =>
        commands.GetJobRevisionAsync(request, CallerHeaders.Caller(context), context.CancellationToken);

    public override Task<DiffJobRevisionsResponse> DiffJobRevisions(DiffJobRevisionsRequest request, ServerCallContext context) =>
        commands.DiffJobRevisionsAsync(request, CallerHeaders.Caller(context), context.CancellationToken);

    public override Task<ChangeJobStateResponse> SuspendJob(ChangeJobStateRequest request, ServerCallContext context)
    {
        request.RequestId = CallerHeaders.RequestIdOr(request.RequestId, context);
        return commands.SuspendJobAsync(request, CallerHeaders.Caller(context), context.CancellationToken);
    }

    public override Task<ScaleJobResponse> ScaleJob(ScaleJobRequest request, ServerCallContext context)
    {
        request.RequestId = CallerHeaders.RequestIdOr(request.RequestId, context);
        return commands.ScaleJobAsync(request, CallerHeaders.Caller(context), context.CancellationToken);
    }

    public override Task<ChangeJobStateResponse> ResumeJob(ChangeJobStateRequest request, ServerCallContext context)
    {
        request.RequestId = CallerHeaders.RequestIdOr(request.RequestId, context);
        return commands.ResumeJobAsync(request, CallerHeaders.Caller(context), context.CancellationToken);
    }

    public override Task<ChangeJobStateResponse> DeleteJob(ChangeJobStateRequest request, ServerCallContext context)
    {
        request.RequestId = CallerHeaders.RequestIdOr(request.RequestId, context);
        return commands.DeleteJobAsync(request, CallerHeaders.Caller(context), context.CancellationToken);
    }

    public override Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, ServerCallContext context) =>
        commands.ListAuditEventsAsync(request, CallerHeaders.Caller(context), context.CancellationToken);

    public override Task<DatasetLineage> GetDatasetLineage(GetDatasetLineageRequest request, ServerCallContext context) =>
        commands.GetDatasetLineageAsync(request, CallerHeaders.Caller(context), context.CancellationToken);

    public override Task<JobLineage> GetJobLineage(GetJobLineageRequest request, ServerCallContext context) =>
        commands.GetJobLineageAsync(request, CallerHeaders.Caller(context), context.CancellationToken);

    public override Task<BlastRadius> GetBlastRadius(GetBlastRadiusRequest request, ServerCallContext context) =>
        commands.GetBlastRadiusAsync(request, CallerHeaders.Caller(context), context.CancellationToken);

    public override Task<ListDatasetsResponse> ListDatasets(ListDatasetsRequest request, ServerCallContext context) =>
        commands.ListDatasetsAsync(request, CallerHeaders.Caller(context), context.CancellationToken);

    public override Task<ListNamespacesResponse> ListNamespaces(ListNamespacesRequest request, ServerCallContext context) =>
        commands.ListNamespacesAsync(request, CallerHeaders.Caller(context), context.CancellationToken);

    public override Task<FabricRecord> PutFabric(PutFabricRequest request, ServerCallContext context)
    {
        request.RequestId = CallerHeaders.RequestIdOr(request.RequestId, context);
        return commands.PutFabricAsync(request, CallerHeaders.Caller(context), context.CancellationToken);
    }

    public override Task<ListFabricsResponse> ListFabrics(ListFabricsRequest request, ServerCallContext context) =>
        commands.ListFabricsAsync(request, CallerHeaders.Caller(context), context.CancellationToken);
}
