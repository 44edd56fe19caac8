using Sluice.Spec.V1;
using Sluice.Store;

namespace Sluice.Metadata;

/// <summary>
/// The Metadata service's commands: one method per MetadataService RPC, each taking the proto request and the
/// caller. Stateless: any number of instances may share one store. Refusals are <see cref="MetadataException"/>s
/// (<see cref="SpecValidationException"/>, <see cref="ConflictException"/>, <see cref="NotFoundException"/>).
/// </summary>
public sealed class MetadataCommands(SluiceStore store, MetadataOptions? options = null)
{
    private readonly MetadataOptions _options = options ?? new MetadataOptions();

    public Task<ApplyJobResponse> ApplyJobAsync(ApplyJobRequest request, CallerContext caller, CancellationToken ct = default) =>
        throw NotYet();

    public Task<Job> GetJobAsync(GetJobRequest request, CallerContext caller, CancellationToken ct = default) => throw NotYet();

    public Task<ListJobsResponse> ListJobsAsync(ListJobsRequest request, CallerContext caller, CancellationToken ct = default) =>
        throw NotYet();

    public Task<ListJobRevisionsResponse> ListJobRevisionsAsync(ListJobRevisionsRequest request, CallerContext caller,
        CancellationToken ct = default) => throw NotYet();

    public Task<JobRevision> GetJobRevisionAsync(GetJobRevisionRequest request, CallerContext caller, CancellationToken ct = default) =>
        throw NotYet();

    public Task<DiffJobRevisionsResponse> DiffJobRevisionsAsync(DiffJobRevisionsRequest request, CallerContext caller,
        CancellationToken ct = default) => throw NotYet();

    public Task<ChangeJobStateResponse> SuspendJobAsync(ChangeJobStateRequest request, CallerContext caller, CancellationToken ct = default) =>
        throw NotYet();

    public Task<ChangeJobStateResponse> ResumeJobAsync(ChangeJobStateRequest request, CallerContext caller, CancellationToken ct = default) =>
        throw NotYet();

    public Task<ChangeJobStateResponse> DeleteJobAsync(ChangeJobStateRequest request, CallerContext caller, CancellationToken ct = default) =>
        throw NotYet();

    public Task<ListAuditEventsResponse> ListAuditEventsAsync(ListAuditEventsRequest request, CallerContext caller,
        CancellationToken ct = default) => throw NotYet();

    public Task<DatasetLineage> GetDatasetLineageAsync(GetDatasetLineageRequest request, CallerContext caller, CancellationToken ct = default) =>
        throw NotYet();

    public Task<JobLineage> GetJobLineageAsync(GetJobLineageRequest request, CallerContext caller, CancellationToken ct = default) =>
        throw NotYet();

    public Task<BlastRadius> GetBlastRadiusAsync(GetBlastRadiusRequest request, CallerContext caller, CancellationToken ct = default) =>
        throw NotYet();

    public Task<ListDatasetsResponse> ListDatasetsAsync(ListDatasetsRequest request, CallerContext caller, CancellationToken ct = default) =>
        throw NotYet();

    public Task<ListNamespacesResponse> ListNamespacesAsync(ListNamespacesRequest request, CallerContext caller, CancellationToken ct = default) =>
        throw NotYet();

    public Task<FabricRecord> PutFabricAsync(PutFabricRequest request, CallerContext caller, CancellationToken ct = default) =>
        throw NotYet();

    public Task<ListFabricsResponse> ListFabricsAsync(ListFabricsRequest request, CallerContext caller, CancellationToken ct = default) =>
        throw NotYet();

    /// <summary>
    /// Bulk path for the benchmark and imports: stores new jobs (revision 1 each, lineage, audit) with multi-row
    /// inserts. Every spec must be valid and name a job that does not exist yet. Returns how many were stored.
    /// </summary>
    public Task<int> SeedJobsAsync(IReadOnlyList<JobSpec> specs, CallerContext caller, CancellationToken ct = default) =>
        throw NotYet();

    private NotSupportedException NotYet() =>
        new($"MetadataCommands on {store.Dialect} is being implemented on branch 'store' ({_options.Clock.GetUtcNow():O}).");
}
