using Sluice.Migration;
using Sluice.Migration.Cutover;
using Sluice.Migration.Report;
using Sluice.Store.Deployments;
using Sluice.Store.Ownership;

namespace Sluice.Deployment.Workflow;

/// <summary>Stores an imported JobSpec as the job's next revision (source kind `migrated`); answers the revision.</summary>
public interface IMigratedJobWriter
{
    Task<long> ApplyAsync(MigrationResult imported, string legacyName, string actor, CancellationToken ct = default);
}

/// <summary>
/// `sluice migrate NAME` and `sluice migrate NAME --back`: each records one cut-over deployment and returns at once;
/// workers run it. NAME is the job's name under the legacy control plane (its config file's name).
/// </summary>
public sealed class CutoverCommands(DeploymentStore store, ILegacyControlPlane? legacy, IMigratedJobWriter writer, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private ILegacyControlPlane Legacy => legacy ?? throw new DeploymentRequestException(DeploymentRequestError.FailedPrecondition,
        "migrate: the server has no legacy control plane configured (start it with --legacy DIR)");

    /// <summary>
    /// Imports the legacy config, which must be proven; records the job as its legacy control plane's (unless it has
    /// a record already), stores the JobSpec as a revision and records a <see cref="DeploymentKind.Migrate"/> deployment.
    /// </summary>
    public async Task<DeploymentRecord> MigrateAsync(string legacyName, string? fabric, string actor, CancellationToken ct = default)
    {
        var imported = Import(legacyName);
        if (imported.Report.Status != MigrationStatus.Proven)
        {
            throw new DeploymentRequestException(DeploymentRequestError.FailedPrecondition,
                $"{legacyName}: the migration is {MappingReport.StatusText(imported.Report.Status)}, not proven; `sluice migrate import` shows why");
        }
        var job = $"{imported.Import.Spec.Namespace}/{imported.Import.Spec.Name}";
        var record = await store.RegisterLegacyAsync(job, legacyName, _time.GetUtcNow(), ct);
        if (record.Owner != JobOwner.Legacy)
        {
            throw new DeploymentRequestException(DeploymentRequestError.FailedPrecondition,
                $"{job} is {record.Describe()}: only a job its legacy control plane owns can be migrated");
        }
        var revision = await writer.ApplyAsync(imported, legacyName, actor, ct);
        var target = fabric ?? imported.Import.Fabric.Name;
        return await store.CreateAsync(new NewDeployment(job, revision, target, DeploymentKind.Migrate, actor), _time.GetUtcNow(), ct);
    }

    /// <summary>Records a <see cref="DeploymentKind.Eject"/> deployment of the revision Sluice runs on the fabric.</summary>
    public async Task<DeploymentRecord> EjectAsync(string legacyName, string? fabric, string actor, CancellationToken ct = default)
    {
        var spec = Import(legacyName).Import.Spec;
        var job = $"{spec.Namespace}/{spec.Name}";
        var record = await store.OwnershipAsync(job, ct);
        if (record.Owner != JobOwner.Sluice || record.LegacyName is null)
        {
            throw new DeploymentRequestException(DeploymentRequestError.FailedPrecondition,
                record.LegacyName is null
                    ? $"{job} was never migrated from a legacy control plane: there is nothing to eject it to"
                    : $"{job} is {record.Describe()}: only a job Sluice owns can be ejected");
        }
        var last = fabric is null
            ? (await store.ListAsync(job, null, 1000, ct)).FirstOrDefault(d => d.RuntimeId is not null)
            : await store.FindLastSubmissionAsync(job, fabric, 0, ct);
        if (last is null)
        {
            throw new DeploymentRequestException(DeploymentRequestError.FailedPrecondition,
                $"{job} never ran under Sluice{(fabric is null ? "" : $" on fabric {fabric}")}: nothing to eject");
        }
        return await store.CreateAsync(new NewDeployment(job, last.Revision, last.Fabric, DeploymentKind.Eject, actor), _time.GetUtcNow(), ct);
    }

    private MigrationResult Import(string legacyName)
    {
        try
        {
            return Legacy.Import(legacyName);
        }
        catch (Exception error) when (error is IOException or Sluice.Migration.Legacy.LegacyConfigException or InvalidDataException)
        {
            throw new DeploymentRequestException(DeploymentRequestError.Invalid, $"name: {error.Message}");
        }
    }
}
