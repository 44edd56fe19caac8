using Sluice.Migration.Cutover;
using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Rendering;
using Sluice.Runtimes.Samza;
using Sluice.Store.Deployments;
using Sluice.Store.Ownership;
using System.Text.Json.Nodes;

namespace Sluice.Deployment.Workflow;

/// <summary>
/// The guarded cut-over as deployment steps (kinds <see cref="DeploymentKind.Migrate"/> and <see cref="DeploymentKind.Eject"/>).
/// Migrate: claim the job's ownership record (legacy → migrating, fenced) → savepoint the legacy copy → stop it →
/// provision → render → submit on Sluice restoring from exactly that savepoint → observe running → flip ownership to
/// Sluice in the same transaction as the success. Eject runs the same guard the other way: claim (sluice → migrating)
/// → savepoint and stop the Sluice copy → write the legacy config and hand ownership to legacy → start the legacy copy.
/// Any failure before the flip (or hand-over) goes to <see cref="DeploymentState.Reverting"/>: the new copy is stopped,
/// ownership goes back, and the old copy resumes from the same savepoint. At no step do both copies run: a copy is
/// started only after the other side's copy is seen stopped. Every step is idempotent on the deployment id.
/// </summary>
public sealed class CutoverEngine(
    DeploymentStore store,
    IJobSpecSource specs,
    IArtifactRenderer renderer,
    IReadOnlyDictionary<ResourceKind, IResourceProvisioner> provisioners,
    IRuntimeDriverSelector drivers,
    ILegacyControlPlane? legacyControlPlane,
    WorkflowOptions options)
{
    public static bool Handles(DeploymentKind kind) => kind is DeploymentKind.Migrate or DeploymentKind.Eject;

    private ILegacyControlPlane Legacy => legacyControlPlane
        ?? throw new PermanentStepException("this worker has no legacy control plane configured (the server's --legacy folder), so it cannot run a cut-over");

    public async Task<DeploymentRecord> StepAsync(ShardFence fence, DeploymentRecord d, CancellationToken ct)
    {
        var now = options.Time.GetUtcNow();
        Outcome outcome;
        try
        {
            outcome = d.CancelRequested && d.State != DeploymentState.Reverting && !IsHandedOver(d)
                ? Cancel(d, now)
                : await RunAsync(d, now, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error) when (error is not FencedOutException and not DeploymentChangedException)
        {
            outcome = Failure(d, now, error);
        }
        try
        {
            return outcome.Ownership is null
                ? await store.TransitionAsync(fence, d, outcome.Next, outcome.Detail, now, outcome.Resource, null, ct)
                : await store.TransitionAsync(fence, d, outcome.Next, outcome.Detail, now, outcome.Ownership, outcome.Resource, ct);
        }
        catch (OwnershipConflictException conflict)
        {
            // The record moved on underneath (another cut-over, an operator): this deployment no longer holds the job.
            var lost = Failure(d, now, new PermanentStepException(conflict.Message));
            return await store.TransitionAsync(fence, d, lost.Next, lost.Detail, now, resource: null, followUp: null, ct: ct);
        }
    }

    private Task<Outcome> RunAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct) => (d.Kind, d.State) switch
    {
        (_, DeploymentState.Queued) => QueuedAsync(d, now, ct),
        (DeploymentKind.Migrate, DeploymentState.Pending) => ClaimFromLegacyAsync(d, now, ct),
        (DeploymentKind.Migrate, DeploymentState.Savepointing) => SavepointLegacyAsync(d, now, ct),
        (DeploymentKind.Migrate, DeploymentState.Stopping) => StopLegacyAsync(d, now, ct),
        (DeploymentKind.Migrate, DeploymentState.Provisioning) => ProvisionAsync(d, now, ct),
        (DeploymentKind.Migrate, DeploymentState.Rendering) => RenderAsync(d, now, ct),
        (DeploymentKind.Migrate, DeploymentState.Submitting) => SubmitToSluiceAsync(d, now, ct),
        (DeploymentKind.Migrate, DeploymentState.Observing) => ObserveSluiceAndFlipAsync(d, now, ct),
        (DeploymentKind.Migrate, DeploymentState.Reverting) => RevertMigrateAsync(d, now, ct),
        (DeploymentKind.Eject, DeploymentState.Pending) => ClaimFromSluiceAsync(d, now, ct),
        (DeploymentKind.Eject, DeploymentState.Savepointing) => SavepointSluiceAsync(d, now, ct),
        (DeploymentKind.Eject, DeploymentState.Stopping) => StopSluiceAsync(d, now, ct),
        (DeploymentKind.Eject, DeploymentState.Submitting) => HandOverToLegacyAsync(d, now, ct),
        (DeploymentKind.Eject, DeploymentState.Observing) => StartLegacyAsync(d, now, ct),
        (DeploymentKind.Eject, DeploymentState.Reverting) => RevertEjectAsync(d, now, ct),
        var (kind, state) => throw new InvalidOperationException($"deployment {d.Id} ({kind}) is {state}: nothing to run"),
    };

    private async Task<Outcome> QueuedAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct) =>
        await store.FirstUnfinishedIdAsync(d.Job, d.Fabric, ct) != d.Id
            ? Wait(d, now, options.QueuedRecheck)
            : new Outcome(Advanced(d, DeploymentState.Pending, now) with { HoldsSlot = true }, $"its turn: the (job, fabric) slot {d.ActiveKey} is free");

    // ---- migrate: legacy → Sluice ---------------------------------------------------------------------------------

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
        var plan = ResourcePlan.For(d.Job, d.Fabric, await SpecAsync(d, ct));
        return new Outcome(Advanced(d, plan.Count > 0 ? DeploymentState.Provisioning : DeploymentState.Rendering, now),
            $"stopped the legacy copy: {observed.State} ({observed.NativeState}); {plan.Count} resources to provision");
    }

    private async Task<Outcome> ProvisionAsync(DeploymentRecord d, DateTimeOffset now, CancellationToken ct)
    {
        var plan = ResourcePlan.For(d.Job, d.Fabric, await SpecAsync(d, ct));
        if (d.StepIndex >= plan.Count)
        {
            return new Outcome(Advanced(d, DeploymentState.Rendering, now), "all resources provisioned");
        }
        var request = plan[d.StepIndex];
        var provisioner = provisioners.GetValueOrDefault(request.Kind)
                          ?? throw new PermanentStepException($"no provider for {request.Kind.ToKebab()} resources is configured");
        var externalId = await provisioner.ProvisionAsync(request, ct);
        var next = d.StepIndex + 1 < plan.Count
            ? Advanced(d, DeploymentState.Provisioning, now) with { StepIndex = d.StepIndex + 1 }
            : Advanced(d, DeploymentState.Rendering, now);
        return new Outcome(next, $"provisioned {request.Kind.ToKebab()} '{request.Name}' ({d.StepIndex + 1}/{plan.Count}): {externalId}",
            new ResourceWrite(request.Kind, request.Name, externalId, ResourceStatus.Provisioned, d.Revision));
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
                if (!Holds(record, d))
                {
                    return new Outcome(Finished(d, Final(d), now, d.Error),
                        $"not rolled back: {d.Job} is {record.Describe()}, no longer held by this cut-over; left to its holder");
                }
                var stopped = await StopSluiceCopyAsync(d, record, ct);
                if (stopped is null)
                {
                    return Wait(d, now, options.ObserveInterval);
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
                    _ => throw new InvalidOperationException($"the resumed legacy copy is {observed.State} ({observed.NativeState})"),
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
        // Only while the legacy copy is stopped, so finding it never makes a second running copy.
        if (copy is null && d.Rendered is not null && d.SubmitAttempt > 0 && !await Legacy.IsRunningAsync(LegacyName(record), ct))
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

    // ---- eject: Sluice → legacy -----------------------------------------------------------------------------------

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
        var restore = RestoreOf(d);
        var started = await Legacy.StartAsync(name, restore, ct);
        return new Outcome(d with { NextAttemptAt = now + options.ObserveInterval }, $"started the legacy copy as {started.RuntimeId}; restore: {Describe(restore)}");
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
                    _ => throw new InvalidOperationException($"the resumed Sluice copy is {observed.State} ({observed.NativeState})"),
                };
            }
        }
    }

    // ---- failures -------------------------------------------------------------------------------------------------

    /// <summary>
    /// Before the claim nothing changed: the deployment fails. While it holds the job, a step is retried with backoff
    /// and, once out of attempts (or at once for a permanent error), reverted. A revert is retried until it is done.
    /// After an eject's hand-over the legacy side owns the job: its start is retried, then the deployment fails.
    /// </summary>
    private Outcome Failure(DeploymentRecord d, DateTimeOffset now, Exception error)
    {
        var attempt = d.Attempt + 1;
        var retry = new Outcome(d with { Attempt = attempt, Error = error.Message, NextAttemptAt = now + options.Backoff(attempt) },
            $"{d.State.ToKebab()} failed (attempt {attempt} of {options.MaxAttempts}): {error.Message}; retrying in {options.Backoff(attempt).TotalMilliseconds:F0} ms");
        if (d.State == DeploymentState.Reverting)
        {
            return retry with
            {
                Next = retry.Next with { Error = d.Error },
                Detail = $"reverting failed (attempt {attempt}): {error.Message}; retrying in {options.Backoff(attempt).TotalMilliseconds:F0} ms",
            };
        }
        var permanent = error is PermanentStepException || attempt >= options.MaxAttempts;
        if (d.State is DeploymentState.Queued or DeploymentState.Pending)
        {
            return permanent ? new Outcome(Finished(d, DeploymentState.Failed, now, error.Message), $"failed in {d.State.ToKebab()}: {error.Message}") : retry;
        }
        if (IsHandedOver(d))
        {
            return permanent
                ? new Outcome(Finished(d, DeploymentState.Failed, now, $"ejected, but the legacy copy did not start: {error.Message}"),
                    $"failed to start the legacy copy: {error.Message}; the legacy control plane owns {d.Job} and must start it")
                : retry;
        }
        return permanent
            ? new Outcome(Advanced(d, DeploymentState.Reverting, now) with { Error = $"{d.State.ToKebab()}: {error.Message}" },
                $"failed in {d.State.ToKebab()}: {error.Message}; reverting to the {(d.Kind == DeploymentKind.Migrate ? "legacy" : "Sluice")} copy")
            : retry;
    }

    private static Outcome Cancel(DeploymentRecord d, DateTimeOffset now) => d.State is DeploymentState.Queued or DeploymentState.Pending
        ? new Outcome(Finished(d, DeploymentState.Cancelled, now, "cancelled on request"), $"cancelled on request during {d.State.ToKebab()}")
        : new Outcome(Advanced(d, DeploymentState.Reverting, now) with { Error = "cancelled on request" },
            $"cancelled on request during {d.State.ToKebab()}: reverting");

    // ---- helpers --------------------------------------------------------------------------------------------------

    /// <summary>An eject past its hand-over: the legacy side owns the job, there is nothing to revert.</summary>
    private static bool IsHandedOver(DeploymentRecord d) => d.Kind == DeploymentKind.Eject && d.State == DeploymentState.Observing;

    private static DeploymentState Final(DeploymentRecord d) => d.CancelRequested ? DeploymentState.Cancelled : DeploymentState.Failed;

    private static bool Holds(OwnershipRecord record, DeploymentRecord d) => record.Owner == JobOwner.Migrating && record.DeploymentId == d.Id;

    /// <summary>The ownership record, which this deployment must still hold; the fence of every step after the claim.</summary>
    private async Task<OwnershipRecord> HeldAsync(DeploymentRecord d, CancellationToken ct)
    {
        var record = await store.OwnershipAsync(d.Job, ct);
        return Holds(record, d)
            ? record
            : throw new PermanentStepException($"{d.Job} is {record.Describe()}: this cut-over (deployment {d.Id}) no longer holds it");
    }

    private static string LegacyName(OwnershipRecord record) => record.LegacyName
        ?? throw new PermanentStepException($"{record.Job} has no legacy name: it was never imported from a legacy control plane");

    private async Task<Spec.V1.JobSpec> SpecAsync(DeploymentRecord d, CancellationToken ct) =>
        await specs.GetRevisionAsync(d.Job, d.Revision, ct) ?? throw new PermanentStepException($"revision {d.Revision} of job {d.Job} does not exist");

    private async Task<DeploymentRecord> PreviousAsync(DeploymentRecord d, CancellationToken ct) =>
        d.PreviousId is { } id && await store.GetAsync(id, ct) is { } previous
            ? previous
            : throw new InvalidOperationException($"deployment {d.Id} is {d.State} but records no previous run");

    private static RestorePlan RestoreOf(DeploymentRecord d) => d.RestorePath is { } savepoint ? RestorePlan.FromSavepoint(savepoint) : RestorePlan.LastState;

    private static string Describe(RestorePlan restore) =>
        restore.SavepointPath is { } path ? $"savepoint {path}" : "last state (changelogs and the last checkpoint)";

    private static RuntimeJobHandle SluiceCopy(DeploymentRecord d, IRuntimeDriver driver) =>
        new(d.Driver ?? driver.Name, new SubmissionKey(DeploymentEngine.JobRefOf(d.Job), d.Revision, d.Fabric, d.SubmitAttempt),
            d.RuntimeId ?? throw new InvalidOperationException($"deployment {d.Id} has no runtime id"));

    /// <summary>The legacy config of an ejected job: the framework config Sluice ran it with, as the legacy control plane reads it.</summary>
    private static (string Extension, string Text) LegacyConfig(DeploymentRecord previous, string name) => previous.RenderedFormat switch
    {
        CompilerRenderer.FlinkFormat => (".yaml", YamlWriter.Write(JsonNode.Parse(previous.Rendered!)!)),
        CompilerRenderer.SamzaFormat => (".properties", SamzaPropertiesWriter.Write(
            new SamzaJobConfig(System.Text.Json.JsonSerializer.Deserialize<string[][]>(previous.Rendered!)!.Select(pair => KeyValuePair.Create(pair[0], pair[1])).ToList(), []),
            $"{name}: ejected from Sluice (revision {previous.Revision} as deployment {previous.Id} ran it)")),
        var format => throw new PermanentStepException($"run {previous.RuntimeId} was rendered as '{format}': no legacy config can be written for it"),
    };

    private static DeploymentRecord Advanced(DeploymentRecord d, DeploymentState state, DateTimeOffset now) => d with
    {
        State = state, StepIndex = 0, Attempt = 0, Error = null, NextAttemptAt = now, StepStartedAt = now,
    };

    private static DeploymentRecord Finished(DeploymentRecord d, DeploymentState state, DateTimeOffset now, string? error) =>
        Advanced(d, state, now) with { Error = error, HoldsSlot = false };

    private static Outcome Wait(DeploymentRecord d, DateTimeOffset now, TimeSpan delay) => new(d with { NextAttemptAt = now + delay }, null);

    private sealed record Outcome(DeploymentRecord Next, string? Detail, ResourceWrite? Resource = null, OwnershipChange? Ownership = null);
}
