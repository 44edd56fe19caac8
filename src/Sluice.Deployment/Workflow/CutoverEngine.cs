using Sluice.Deployment.Providers;
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
public sealed partial class CutoverEngine(
    DeploymentStore store,
    IJobSpecSource specs,
    IArtifactRenderer renderer,
    IReadOnlyList<IResourceProvider> providers,
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
