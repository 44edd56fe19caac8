using Sluice.Runtimes.Drivers;
using Sluice.Spec.V1;
using Sluice.Store.Deployments;
using JobRef = Sluice.Runtimes.Drivers.JobRef;

namespace Sluice.Deployment.Providers;

/// <summary>
/// Provisions one kind of resource a job needs (a state store, a checkpoint directory, a Kafka topic, a dashboard,
/// alert rules): the one plugin interface of the deployment workflow's Provisioning and Releasing steps. Every
/// operation is idempotent and keyed by <see cref="ResourceRequest.ExternalId"/> (fabric, job, kind, name — never the
/// revision), so a step re-run after a crash finds the resource the first run made instead of making a second;
/// releasing something already gone is a no-op.
/// </summary>
public interface IResourceProvider
{
    /// <summary>The persisted kind of the resources it makes (the <c>resources</c> table's <c>kind</c>).</summary>
    ResourceKind Kind { get; }

    /// <summary>
    /// The resources of this kind the job needs on the owner's fabric, in a stable order; empty when none. Pure: no
    /// I/O. Bad input throws <see cref="ArgumentException"/> naming the JobSpec field.
    /// </summary>
    IReadOnlyList<ResourceRequest> Plan(JobSpec spec, ResourceOwner owner);

    /// <summary>Creates the resource, or finds it and brings it up to the request's revision.</summary>
    Task<ProvisionedResource> ProvisionAsync(ResourceRequest request, CancellationToken cancellationToken = default);

    Task<ResourceObservation> ObserveAsync(string externalId, CancellationToken cancellationToken = default);

    /// <summary>Removes the resource; false when there was nothing to remove.</summary>
    Task<bool> ReleaseAsync(string externalId, CancellationToken cancellationToken = default);
}

/// <summary>The job revision on a fabric that a resource is provisioned for.</summary>
public sealed record ResourceOwner(JobRef Job, long Revision, string Fabric);

/// <param name="Name">Unique among the job's resources of this kind on the fabric (a store name, <c>cluster.topic</c>, ...).</param>
public sealed record ResourceRequest(ResourceKind Kind, string Name, ResourceOwner Owner, JobSpec Spec)
{
    /// <summary>Stable across revisions: keyed by fabric, job, kind and name, never by revision.</summary>
    public string ExternalId => ResourceIds.Format(Kind, Owner.Fabric, Owner.Job, Name);
}

/// <param name="Location">Where a user finds it: a file URI for local artifacts, <c>kafka://cluster/topic</c>, ...</param>
/// <param name="Changed">False when the resource already existed exactly as requested.</param>
public sealed record ProvisionedResource(
    string ExternalId,
    ResourceKind Kind,
    string Name,
    long Revision,
    string? Location,
    IReadOnlyDictionary<string, string> Attributes,
    bool Changed);

public sealed record ResourceObservation(string ExternalId, bool Exists, long? Revision = null, string? Location = null);
