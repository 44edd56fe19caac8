using Sluice.Runtimes.Drivers;
using Sluice.Spec.V1;
using JobRef = Sluice.Runtimes.Drivers.JobRef;

namespace Sluice.Deployment.Providers;

/// <summary>
/// Provisions one kind of resource a job needs (a state store, a Kafka topic, a dashboard, alert rules).
/// Every operation is idempotent: provisioning a request twice yields the same external id and one resource;
/// releasing something already gone is a no-op.
/// </summary>
public interface IResourceProvider
{
    /// <summary>One of <see cref="ResourceKinds"/>.</summary>
    string Kind { get; }

    /// <summary>
    /// The resources of this kind the job needs on the owner's fabric; empty when none. Pure: no I/O. Bad input throws
    /// <see cref="ArgumentException"/> naming the JobSpec field.
    /// </summary>
    IReadOnlyList<ResourceRequest> Plan(JobSpec spec, ResourceOwner owner);

    /// <summary>Creates the resource, or brings an existing one up to the request's revision.</summary>
    Task<ProvisionedResource> ProvisionAsync(ResourceRequest request, CancellationToken cancellationToken = default);

    Task<ResourceObservation> ObserveAsync(string externalId, CancellationToken cancellationToken = default);

    /// <summary>Removes the resource; false when there was nothing to remove.</summary>
    Task<bool> ReleaseAsync(string externalId, CancellationToken cancellationToken = default);
}

public static class ResourceKinds
{
    public const string StateStore = "state-store";
    public const string KafkaTopic = "kafka-topic";
    public const string Dashboard = "dashboard";
    public const string AlertRules = "alert-rules";
}

/// <summary>The job revision on a fabric that a resource is provisioned for.</summary>
public sealed record ResourceOwner(JobRef Job, long Revision, string Fabric);

/// <param name="Name">Unique among the job's resources of this kind on the fabric (a store name, <c>cluster.topic</c>, ...).</param>
public sealed record ResourceRequest(string Kind, string Name, ResourceOwner Owner, JobSpec Spec)
{
    /// <summary>Stable across revisions: keyed by fabric, job, kind and name, never by revision.</summary>
    public string ExternalId => ResourceIds.Format(Kind, Owner.Fabric, Owner.Job, Name);
}

/// <param name="Location">Where a user finds it: a file URI for local artifacts, <c>kafka://cluster/topic</c>, ...</param>
/// <param name="Changed">False when the resource already existed exactly as requested.</param>
public sealed record ProvisionedResource(
    string ExternalId,
    string Kind,
    string Name,
    long Revision,
    string? Location,
    IReadOnlyDictionary<string, string> Attributes,
    bool Changed);

public sealed record ResourceObservation(string ExternalId, bool Exists, long? Revision = null, string? Location = null);
