using Sluice.Runtimes.Drivers;
using Sluice.Store.Deployments;
using Sluice.Store.Ownership;

namespace Sluice.Deployment.Workflow;

/// <summary>The steps of a migrate deployment: legacy → Sluice, and its revert.</summary>
public sealed partial class CutoverEngine
{

    private async Task<Outcome> ClaimFromLegacyAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct)
    {
        _ = Legacy;
        await SpecAsync(d, ct);
        var record = await store.OwnershipAsync(d.Job, ct);
        if (record.Owner != JobOwner.Legacy)
        {
            throw new PermanentStepException($"{d.Job} is {record.Describe()}: only a job its legacy control plane owns can be migrated");
        }
        var name = LegacyName(record);
        var attempt = await store.NextSubmitAttemptAsync(d.Job, d.Fabric, d.Revision, d.Id, ct);
        return new Outcome(Advanced(d, DeploymentState.Savepointing, now) with { SubmitAttempt = attempt },
            $"claimed {d.Job} (legacy job '{name}'): ownership legacy → migrating at epoch {record.Epoch + 1}",
            Ownership: new OwnershipChange(d.Job, JobOwner.Legacy, record.Epoch, JobOwner.Migrating, null, d.Id));
    }

    private async Task<Outcome> SavepointLegacyAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct)
    {
        var held = await HeldAsync(d, ct);
        var savepointId = $"cutover-d{d.Id}";
        // Named after this deployment: a re-run after a crash gets the same savepoint back.
        var location = await Legacy.SavepointAsync(LegacyName(held), savepointId, ct);
        var next = Advanced(d, DeploymentState.Stopping, now) with
        {
            Restore = location is null ? RestoreKind.LastState : RestoreKind.Savepoint, RestorePath = location,
        };
        return new Outcome(next,
            location is null
                ? "the legacy copy is a Samza job: no savepoint; it restores from its changelogs and last checkpoint"
                : $"savepoint {savepointId} of the legacy copy at {location}",
            location is null ? null : new ResourceWrite(ResourceKind.Savepoint, savepointId, location, ResourceStatus.Provisioned, 0),
            new OwnershipChange(d.Job, JobOwner.Migrating, held.Epoch, JobOwner.Migrating, location, d.Id));
    }

    private async Task<Outcome> StopLegacyAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct)
    {
        var name = LegacyName(await HeldAsync(d, ct));
        if (await Legacy.IsRunningAsync(name, ct))
        {
            await Legacy.SuspendAsync(name, ct);
        }
        var observed = await Legacy.ObserveAsync(name, ct);
        if (observed.IsActive)
        {
            return Wait(d, now, options.ObserveInterval);
        }
        var plan = DeploymentEngine.PlanResources(providers, d, await SpecAsync(d, ct));
        return new Outcome(Advanced(d, plan.Count > 0 ? DeploymentState.Provisioning : DeploymentState.Rendering, now),
            $"stopped the legacy copy: {observed.State} ({observed.NativeState}); {plan.Count} resources to provision");
    }

    private async Task<Outcome> ProvisionAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct)
    {
        var plan = DeploymentEngine.PlanResources(providers, d, await SpecAsync(d, ct));
        if (d.StepIndex >= plan.Count)
        {
            return new Outcome(Advanced(d, DeploymentState.Rendering, now), "all resources provisioned");
        }
        var (provider, request) = plan[d.StepIndex];
        var made = await provider.ProvisionAsync(request, ct);
        var next = d.StepIndex + 1 < plan.Count
            ? Advanced(d, DeploymentState.Provisioning, now) with { StepIndex = d.StepIndex + 1 }
            : Advanced(d, DeploymentState.Rendering, now);
        return new Outcome(next, DeploymentEngine.DescribeProvisioned(made, request, d.StepIndex, plan.Count),
            new ResourceWrite(request.Kind, request.Name, made.ExternalId, ResourceStatus.Provisioned, d.Revision));
    }

    private async Task<Outcome> RenderAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct)
    {
        var rendered = renderer.Render(await SpecAsync(d, ct), d.Revision, d.Fabric);
        return new Outcome(Advanced(d, DeploymentState.Submitting, now) with { RenderedFormat = rendered.Format, Rendered = rendered.Text },
            $"rendered {rendered.Format} ({rendered.Text.Length} bytes) for revision {d.Revision}");
    }

    private async Task<Outcome> SubmitToSluiceAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct)
    {
        var held = await HeldAsync(d, ct);
        if (await Legacy.IsRunningAsync(LegacyName(held), ct))
        {
            throw new PermanentStepException($"the legacy copy of {d.Job} runs again: refusing to start a second copy");
        }
        var driver = drivers.For(d.Fabric);
        var key = new SubmissionKey(DeploymentEngine.JobRefOf(d.Job), d.Revision, d.Fabric, d.SubmitAttempt);
        var restore = RestoreOf(d);
        var handle = await driver.SubmitAsync(new SubmitRequest(key, renderer.Load(new RenderedArtifact(d.RenderedFormat!, d.Rendered!)), restore), ct);
        return new Outcome(Advanced(d, DeploymentState.Observing, now) with { Driver = handle.Driver, RuntimeId = handle.RuntimeId },
            $"submitted {key} as {handle.RuntimeId}; restore: {Describe(restore)}");
    }

    private async Task<Outcome> ObserveSluiceAndFlipAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct)
    {
        var driver = drivers.For(d.Fabric);
        var observed = await driver.ObserveAsync(SluiceCopy(d, driver), ct);
        if (observed.State == RuntimeJobState.Running)
        {
            var held = await HeldAsync(d, ct);
            return new Outcome(Finished(d, DeploymentState.Succeeded, now, null),
                $"running: {observed.NativeState}; ownership flipped migrating → sluice at epoch {held.Epoch + 1}",
                Ownership: new OwnershipChange(d.Job, JobOwner.Migrating, held.Epoch, JobOwner.Sluice, held.Savepoint));
        }
        if (observed.State is RuntimeJobState.Starting or RuntimeJobState.NotFound && now - d.StepStartedAt < options.ReadinessTimeout)
        {
            return Wait(d, now, options.ObserveInterval);
        }
        throw new PermanentStepException($"the Sluice copy {d.RuntimeId} did not reach running: {observed.NativeState}{(observed.Message is null ? "" : ": " + observed.Message)}");
    }

    /// <summary>Stops the Sluice copy, gives ownership back to legacy, resumes the legacy copy from the savepoint, sees it running.</summary>
    private async Task<Outcome> RevertMigrateAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct)
    {
        switch (d.StepIndex)
        {
            case 0:
            {
                var record = await store.OwnershipAsync(d.Job, ct);
                var stopped = await StopSluiceCopyAsync(d, record, ct);
                if (stopped is null)
                {
                    return Wait(d, now, options.ObserveInterval);
                }
                if (!Holds(record, d))
                {
                    // Someone else holds the job now: stop what this cut-over started, touch nothing else.
                    return new Outcome(Finished(d, Final(d), now, d.Error),
                        $"{stopped}; not rolled back further: {d.Job} is {record.Describe()}, no longer held by this cut-over; left to its holder");
                }
                return new Outcome(d with { StepIndex = 1, Attempt = 0, NextAttemptAt = now }, $"{stopped}; ownership back to legacy at epoch {record.Epoch + 1}",
                    Ownership: new OwnershipChange(d.Job, JobOwner.Migrating, record.Epoch, JobOwner.Legacy, record.Savepoint));
            }
            case 1:
            {
                var name = LegacyName(await store.OwnershipAsync(d.Job, ct));
                if (await Legacy.IsRunningAsync(name, ct))
                {
                    return new Outcome(d with { StepIndex = 2, Attempt = 0, NextAttemptAt = now }, "the legacy copy is running");
                }
                var restore = RestoreOf(d);
                var resumed = await Legacy.StartAsync(name, restore, ct);
                return new Outcome(d with { StepIndex = 2, Attempt = 0, NextAttemptAt = now },
                    $"resumed the legacy copy as {resumed.RuntimeId}; restore: {Describe(restore)}");
            }
            default:
            {
                var observed = await Legacy.ObserveAsync(LegacyName(await store.OwnershipAsync(d.Job, ct)), ct);
                return observed.State switch
                {
                    RuntimeJobState.Running => new Outcome(Finished(d, Final(d), now, $"cut-over rolled back: {d.Error}"),
                        $"the legacy copy runs again ({observed.NativeState}); the cut-over is rolled back: {d.Error}"),
                    RuntimeJobState.Starting => Wait(d, now, options.ObserveInterval),
                    // The resumed copy died: start it again.
                    _ => new Outcome(d with { StepIndex = 1, Attempt = d.Attempt + 1, NextAttemptAt = now + options.Backoff(d.Attempt + 1) },
                        $"the resumed legacy copy is {observed.State} ({observed.NativeState}); resuming it again"),
                };
            }
        }
    }

    /// <summary>Cancels the Sluice copy if one may exist; a description once it is stopped, null while it still stops.</summary>
    private async Task<string?> StopSluiceCopyAsync(DeploymentRecord d, OwnershipRecord record, CancellationToken ct)
    {
        var driver = drivers.For(d.Fabric);
        var copy = d.RuntimeId is null ? null : SluiceCopy(d, driver);
        // A submit that failed may still have made the copy: the same key finds it again (submits are idempotent).
        // Only while this cut-over holds the job and the legacy copy is stopped, so finding it never makes a second copy.
        if (copy is null && d.Rendered is not null && Holds(record, d) && !await Legacy.IsRunningAsync(LegacyName(record), ct))
        {
            var key = new SubmissionKey(DeploymentEngine.JobRefOf(d.Job), d.Revision, d.Fabric, d.SubmitAttempt);
            try
            {
                copy = await driver.SubmitAsync(new SubmitRequest(key, renderer.Load(new RenderedArtifact(d.RenderedFormat!, d.Rendered)), RestoreOf(d)), ct);
            }
            catch (RuntimeDriverException refused) when (refused is not RuntimeUnavailableException)
            {
                // The runtime rejects the submission outright, so it never made a copy under this key either.
                return $"the runtime refuses submission {key} ({refused.Message}): no Sluice copy exists";
            }
        }
        if (copy is null)
        {
            return "nothing was submitted to Sluice";
        }
        await driver.CancelAsync(copy, ct);
        return (await driver.ObserveAsync(copy, ct)).IsActive ? null : $"stopped the Sluice copy {copy.RuntimeId}";
    }
}
