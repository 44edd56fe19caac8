using Sluice.Runtimes.Drivers;
using Sluice.Store.Deployments;
using Sluice.Store.Ownership;

namespace Sluice.Deployment.Workflow;

/// <summary>The steps of an eject deployment: Sluice → legacy, and its revert.</summary>
public sealed partial class CutoverEngine
{

    private async Task<Outcome> ClaimFromSluiceAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct)
    {
        _ = Legacy;
        var record = await store.OwnershipAsync(d.Job, ct);
        if (record.Owner != JobOwner.Sluice)
        {
            throw new PermanentStepException($"{d.Job} is {record.Describe()}: only a job Sluice owns can be ejected");
        }
        var name = LegacyName(record);
        var previous = await store.FindLastSubmissionAsync(d.Job, d.Fabric, d.Id, ct)
                       ?? throw new PermanentStepException($"{d.Job} never ran on fabric {d.Fabric}: nothing to eject");
        var driver = drivers.For(d.Fabric);
        var observed = await driver.ObserveAsync(SluiceCopy(previous, driver), ct);
        var takesSavepoint = previous.RenderedFormat == CompilerRenderer.FlinkFormat && observed.State == RuntimeJobState.Running;
        var attempt = await store.NextSubmitAttemptAsync(d.Job, d.Fabric, d.Revision, d.Id, ct);
        return new Outcome(
            Advanced(d, takesSavepoint ? DeploymentState.Savepointing : DeploymentState.Stopping, now) with
            {
                PreviousId = previous.Id, SubmitAttempt = attempt, Restore = RestoreKind.LastState,
            },
            $"claimed {d.Job} (legacy job '{name}'): ownership sluice → migrating at epoch {record.Epoch + 1}; " +
            (takesSavepoint ? $"savepoint then stop run {previous.RuntimeId}" : $"stop run {previous.RuntimeId} ({observed.State})"),
            Ownership: new OwnershipChange(d.Job, JobOwner.Sluice, record.Epoch, JobOwner.Migrating, null, d.Id));
    }

    private async Task<Outcome> SavepointSluiceAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct)
    {
        var held = await HeldAsync(d, ct);
        var previous = await PreviousAsync(d, ct);
        var driver = drivers.For(d.Fabric);
        var savepointId = $"eject-d{d.Id}";
        var result = await driver.SavepointAsync(SluiceCopy(previous, driver), savepointId, ct);
        return new Outcome(Advanced(d, DeploymentState.Stopping, now) with { Restore = RestoreKind.Savepoint, RestorePath = result.Location },
            $"savepoint {savepointId} of the Sluice copy {previous.RuntimeId} at {result.Location}",
            new ResourceWrite(ResourceKind.Savepoint, savepointId, result.Location, ResourceStatus.Provisioned, result.Revision),
            new OwnershipChange(d.Job, JobOwner.Migrating, held.Epoch, JobOwner.Migrating, result.Location, d.Id));
    }

    private async Task<Outcome> StopSluiceAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct)
    {
        await HeldAsync(d, ct);
        var previous = await PreviousAsync(d, ct);
        var driver = drivers.For(d.Fabric);
        var copy = SluiceCopy(previous, driver);
        if ((await driver.ObserveAsync(copy, ct)).IsActive)
        {
            await driver.SuspendAsync(copy, ct);
        }
        var observed = await driver.ObserveAsync(copy, ct);
        return observed.IsActive
            ? Wait(d, now, options.ObserveInterval)
            : new Outcome(Advanced(d, DeploymentState.Submitting, now), $"stopped the Sluice copy {previous.RuntimeId}: {observed.State} ({observed.NativeState})");
    }

    /// <summary>Writes the legacy config (what Sluice ran) and hands ownership to legacy in the same transition: the flip of an eject.</summary>
    private async Task<Outcome> HandOverToLegacyAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct)
    {
        var held = await HeldAsync(d, ct);
        var previous = await PreviousAsync(d, ct);
        var name = LegacyName(held);
        var (extension, text) = LegacyConfig(previous, name);
        await Legacy.WriteConfigAsync(name, extension, text, ct);
        return new Outcome(Advanced(d, DeploymentState.Observing, now),
            $"wrote {name}{extension} for the legacy control plane; ownership handed over migrating → legacy at epoch {held.Epoch + 1}",
            Ownership: new OwnershipChange(d.Job, JobOwner.Migrating, held.Epoch, JobOwner.Legacy, held.Savepoint));
    }

    private async Task<Outcome> StartLegacyAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct)
    {
        var name = LegacyName(await store.OwnershipAsync(d.Job, ct));
        var observed = await Legacy.ObserveAsync(name, ct);
        if (observed.State == RuntimeJobState.Running)
        {
            return new Outcome(Finished(d, DeploymentState.Succeeded, now, null), $"the legacy copy runs ({observed.NativeState}): ejected");
        }
        if (observed.IsActive)
        {
            return Wait(d, now, options.ObserveInterval);
        }
        if (d.StepIndex == 1)
        {
            // The copy this step started is gone: start it again, a bounded number of times.
            throw new InvalidOperationException($"the legacy copy is {observed.State} ({observed.NativeState}{(observed.Message is null ? "" : ": " + observed.Message)})");
        }
        var restore = RestoreOf(d);
        var started = await Legacy.StartAsync(name, restore, ct);
        return new Outcome(d with { StepIndex = 1, NextAttemptAt = now + options.ObserveInterval },
            $"started the legacy copy as {started.RuntimeId}; restore: {Describe(restore)}");
    }

    /// <summary>Gives ownership back to Sluice, resumes the Sluice copy from the savepoint when it was stopped, sees it running.</summary>
    private async Task<Outcome> RevertEjectAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct)
    {
        var driver = drivers.For(d.Fabric);
        switch (d.StepIndex)
        {
            case 0:
            {
                var record = await store.OwnershipAsync(d.Job, ct);
                if (!Holds(record, d))
                {
                    return new Outcome(Finished(d, Final(d), now, d.Error),
                        $"not rolled back: {d.Job} is {record.Describe()}, no longer held by this eject; left to its holder");
                }
                return new Outcome(d with { StepIndex = 1, Attempt = 0, NextAttemptAt = now }, $"ownership back to sluice at epoch {record.Epoch + 1}",
                    Ownership: new OwnershipChange(d.Job, JobOwner.Migrating, record.Epoch, JobOwner.Sluice, record.Savepoint));
            }
            case 1:
            {
                var previous = d.PreviousId is null ? null : await PreviousAsync(d, ct);
                if (previous is null || (await driver.ObserveAsync(SluiceCopy(previous, driver), ct)).IsActive)
                {
                    return new Outcome(Finished(d, Final(d), now, $"eject rolled back: {d.Error}"),
                        $"the Sluice copy {previous?.RuntimeId} still runs; the eject is rolled back: {d.Error}");
                }
                var key = new SubmissionKey(DeploymentEngine.JobRefOf(d.Job), d.Revision, d.Fabric, d.SubmitAttempt);
                var restore = RestoreOf(d);
                var resumed = await driver.SubmitAsync(
                    new SubmitRequest(key, renderer.Load(new RenderedArtifact(previous.RenderedFormat!, previous.Rendered!)), restore), ct);
                return new Outcome(d with { StepIndex = 2, Attempt = 0, NextAttemptAt = now, Driver = resumed.Driver, RuntimeId = resumed.RuntimeId },
                    $"resumed the Sluice copy as {resumed.RuntimeId} ({key}); restore: {Describe(restore)}");
            }
            default:
            {
                var observed = await driver.ObserveAsync(SluiceCopy(d, driver), ct);
                return observed.State switch
                {
                    RuntimeJobState.Running => new Outcome(Finished(d, Final(d), now, $"eject rolled back: {d.Error}"),
                        $"the Sluice copy runs again ({observed.NativeState}); the eject is rolled back: {d.Error}"),
                    RuntimeJobState.Starting or RuntimeJobState.NotFound => Wait(d, now, options.ObserveInterval),
                    // The resumed copy died: resume it again as a new submission attempt.
                    _ => new Outcome(d with { StepIndex = 1, SubmitAttempt = d.SubmitAttempt + 1, Attempt = d.Attempt + 1, NextAttemptAt = now + options.Backoff(d.Attempt + 1) },
                        $"the resumed Sluice copy is {observed.State} ({observed.NativeState}); resuming it again"),
                };
            }
        }
    }
}
