using System.Diagnostics;
using Sluice.Deployment.Providers;
using Sluice.Migration.Cutover;
using Sluice.Runtimes.Drivers;
using Sluice.Spec.V1;
using Sluice.Store.Deployments;
using JobRef = Sluice.Runtimes.Drivers.JobRef;

namespace Sluice.Deployment.Workflow;

/// <summary>
/// Runs one step of a deployment and persists its outcome as one fenced transition. Like the Flink Kubernetes
/// Operator's reconciler, each step observes first, validates, then acts, and every action is idempotent on a key
/// derived from the deployment (resource name, savepoint id, submission key), so a re-run after a crash finds what
/// the first run made. Stateless: everything it knows is in the deployment row.
/// </summary>
public sealed class DeploymentEngine(
    DeploymentStore store,
    IJobSpecSource specs,
    IArtifactRenderer renderer,
    IEnumerable<IResourceProvider> providers,
    IRuntimeDriverSelector drivers,
    WorkflowOptions? options = null,
    EngineMetrics? metrics = null,
    ILegacyControlPlane? legacy = null)
{
    private readonly WorkflowOptions _options = options ?? new WorkflowOptions();
    private readonly IReadOnlyList<IResourceProvider> _providers = providers.ToList();
    private CutoverEngine Cutover => field ??= new CutoverEngine(store, specs, renderer, _providers, drivers, legacy, _options);

    public DeploymentStore Store => store;

    /// <summary>
    /// Runs <paramref name="deployment"/>'s current step and answers the stored row after it. Throws
    /// <see cref="FencedOutException"/> when the worker no longer owns the shard and
    /// <see cref="DeploymentChangedException"/> when the row changed underneath (the caller re-reads it).
    /// </summary>
    public async Task<DeploymentRecord> StepAsync(ShardFence fence, DeploymentRecord deployment, CancellationToken ct = default) =>
        (await RunStepAsync(fence, deployment, ct)).Stored;

    /// <summary>
    /// <see cref="StepAsync"/>, also answering the engine's own time in the step (not inside providers and drivers);
    /// null for cut-over steps, which do not split their time.
    /// </summary>
    public async Task<(DeploymentRecord Stored, TimeSpan? Overhead)> RunStepAsync(ShardFence fence, DeploymentRecord deployment,
        CancellationToken ct = default)
    {
        if (CutoverEngine.Handles(deployment.Kind)) return (await Cutover.StepAsync(fence, deployment, ct), null);
        var started = Stopwatch.GetTimestamp();
        var step = new StepContext(deployment, _options.Time.GetUtcNow());
        Outcome outcome;
        if (deployment.CancelRequested)
        {
            outcome = step.Finish(DeploymentState.Cancelled, $"cancelled on request during {deployment.State.ToKebab()}", "cancelled on request");
        }
        else
        {
            try
            {
                outcome = await RunAsync(step, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (PermanentStepException error)
            {
                outcome = await FailAsync(step, error.Message, ct);
            }
            catch (Exception error) when (error is not FencedOutException and not DeploymentChangedException)
            {
                outcome = await RetryOrFailAsync(step, error.Message, ct);
            }
        }
        var decided = Stopwatch.GetTimestamp();
        var stored = await store.TransitionAsync(fence, deployment, outcome.Next, outcome.Detail, step.Now, outcome.Resource, outcome.FollowUp, ct);
        var ended = Stopwatch.GetTimestamp();
        metrics?.Record(deployment.Id, deployment.CreatedAt, step.Now, _options.Time.GetUtcNow(), ended - started, step.ExternalTicks,
            ended - decided, stored.State.IsTerminal());
        return (stored, Stopwatch.GetElapsedTime(0, ended - started - step.ExternalTicks));
    }

    private Task<Outcome> RunAsync(StepContext step, CancellationToken ct) => step.Deployment.State switch
    {
        DeploymentState.Queued => QueuedAsync(step, ct),
        DeploymentState.Pending => AdmitAsync(step, ct),
        DeploymentState.Admitted => ChoosePathAsync(step, ct),
        DeploymentState.Provisioning => ProvisionAsync(step, ct),
        DeploymentState.Rendering => RenderAsync(step, ct),
        DeploymentState.Savepointing => SavepointAsync(step, ct),
        DeploymentState.Stopping => StopAsync(step, ct),
        DeploymentState.Submitting => SubmitAsync(step, ct),
        DeploymentState.Observing => ObserveAsync(step, ct),
        DeploymentState.Releasing => ReleaseAsync(step, ct),
        var state => throw new InvalidOperationException($"deployment {step.Deployment.Id} is {state}: nothing to run"),
    };

    private async Task<Outcome> QueuedAsync(StepContext step, CancellationToken ct)
    {
        var d = step.Deployment;
        var first = await store.FirstUnfinishedIdAsync(d.Job, d.Fabric, ct);
        if (first != d.Id)
        {
            return step.Wait(_options.QueuedRecheck);
        }
        // Requests racing into an empty slot can each miss the other's queued row at creation; the newest still wins here.
        if (await store.NewestQueuedIdAsync(d.Job, d.Fabric, ct) is { } newer && newer > d.Id)
        {
            var reason = $"superseded by deployment {newer} before it started";
            return step.Finish(DeploymentState.Superseded, reason, reason);
        }
        return step.Advance(DeploymentState.Pending, $"its turn: the (job, fabric) slot {d.ActiveKey} is free") with
        {
            Next = step.Advanced(DeploymentState.Pending) with { HoldsSlot = true },
        };
    }

    /// <summary>Validates the request against its revision (placement, resource plan); refusals fail it for good.</summary>
    private async Task<Outcome> AdmitAsync(StepContext step, CancellationToken ct)
    {
        var d = step.Deployment;
        var spec = await SpecAsync(d, ct);
        if (IsDeploy(d.Kind) && spec.Placement is { Fabrics.Count: > 0 } placement && !placement.Fabrics.Contains(d.Fabric))
        {
            throw new PermanentStepException($"placement.fabrics: revision {d.Revision} of {d.Job} does not name fabric '{d.Fabric}' " +
                                             $"(it names {string.Join(", ", placement.Fabrics)})");
        }
        var plan = IsDeploy(d.Kind) ? Plan(d, spec) : [];
        return step.Advance(DeploymentState.Admitted,
            $"admitted {d.Kind.ToString().ToLowerInvariant()} of revision {d.Revision} on {d.Fabric}" +
            (d.Kind == DeploymentKind.Scale ? $" to parallelism {spec.Resources?.Parallelism}" : "") + $" (upgrade mode {UpgradeModeName(spec)}); " +
            (plan.Count > 0 ? $"needs {string.Join(", ", plan.Select(r => $"{r.Request.Kind.ToKebab()} '{r.Request.Name}'"))}" : "needs no resources"));
    }

    /// <summary>Observes what runs now on the fabric and chooses the path: provision and replace, or stop what runs.</summary>
    private async Task<Outcome> ChoosePathAsync(StepContext step, CancellationToken ct)
    {
        var d = step.Deployment;
        var spec = await SpecAsync(d, ct);
        var (previousId, submitAttempt) = await SubmissionHistoryAsync(d, ct);
        var plan = IsDeploy(d.Kind) ? Plan(d, spec) : [];
        DeploymentState next;
        string path;
        if (IsDeploy(d.Kind))
        {
            next = plan.Count > 0 ? DeploymentState.Provisioning : DeploymentState.Rendering;
            path = plan.Count > 0 ? $"{plan.Count} resources to provision" : "no resources to provision";
        }
        else if (previousId is null || await store.GetAsync(previousId.Value, ct) is not { } previous)
        {
            next = d.Kind == DeploymentKind.Delete ? DeploymentState.Releasing : DeploymentState.Succeeded;
            path = "nothing was ever submitted on this fabric";
        }
        else
        {
            var takesSavepoint = WantsSavepoint(spec, d.Kind) && (await ObservePreviousAsync(step, previous, ct)).State == RuntimeJobState.Running;
            next = takesSavepoint ? DeploymentState.Savepointing : DeploymentState.Stopping;
            path = takesSavepoint ? $"savepoint then stop run {previous.RuntimeId}" : $"stop run {previous.RuntimeId} without a savepoint";
        }
        var outcome = next == DeploymentState.Succeeded ? step.Finish(next, path, null) : step.Advance(next, path);
        return outcome with { Next = outcome.Next with { PreviousId = previousId, SubmitAttempt = submitAttempt } };
    }

    /// <summary>
    /// The previous submission's id and this deployment's own submission attempt: recorded on the row when it took
    /// the slot at creation (a positive attempt), read now when it waited in the queue.
    /// </summary>
    private async Task<(long? PreviousId, int SubmitAttempt)> SubmissionHistoryAsync(DeploymentRecord d, CancellationToken ct)
    {
        if (d.SubmitAttempt > 0) return (d.PreviousId, d.SubmitAttempt);
        var previous = await store.FindLastSubmissionAsync(d.Job, d.Fabric, d.Id, ct);
        return (previous?.Id, await store.NextSubmitAttemptAsync(d.Job, d.Fabric, d.Revision, d.Id, ct));
    }

    private async Task<Outcome> ProvisionAsync(StepContext step, CancellationToken ct)
    {
        var d = step.Deployment;
        var plan = Plan(d, await SpecAsync(d, ct));
        if (d.StepIndex >= plan.Count)
        {
            return step.Advance(DeploymentState.Rendering, "all resources provisioned");
        }
        var (provider, request) = plan[d.StepIndex];
        var made = await step.External(() => provider.ProvisionAsync(request, ct));
        var detail = DescribeProvisioned(made, request, d.StepIndex, plan.Count);
        var resource = new ResourceWrite(request.Kind, request.Name, made.ExternalId, ResourceStatus.Provisioned, d.Revision);
        var outcome = d.StepIndex + 1 < plan.Count
            ? step.Advance(DeploymentState.Provisioning, detail) with { Next = step.Advanced(DeploymentState.Provisioning) with { StepIndex = d.StepIndex + 1 } }
            : step.Advance(DeploymentState.Rendering, detail);
        return outcome with { Resource = resource };
    }

    /// <summary>Renders and stores the runtime configuration before anything is submitted, then decides how to replace what runs.</summary>
    private async Task<Outcome> RenderAsync(StepContext step, CancellationToken ct)
    {
        var d = step.Deployment;
        var spec = await SpecAsync(d, ct);
        var rendered = renderer.Render(spec, d.Revision, d.Fabric);
        var previous = d.PreviousId is { } previousId ? await store.GetAsync(previousId, ct) : null;
        var running = previous is null ? null : await ObservePreviousAsync(step, previous, ct);
        DeploymentState next;
        string path;
        if (running is null || !running.IsActive)
        {
            next = DeploymentState.Submitting;
            path = previous is null ? "nothing runs yet" : $"run {previous.RuntimeId} is {running!.State}";
        }
        else if (WantsSavepoint(spec, d.Kind) && running.State == RuntimeJobState.Running)
        {
            next = DeploymentState.Savepointing;
            path = $"run {previous!.RuntimeId} of revision {previous.Revision} is running: savepoint, stop, then submit";
        }
        else
        {
            next = DeploymentState.Stopping;
            path = $"run {previous!.RuntimeId} of revision {previous.Revision} is {running.State}: stop, then submit";
        }
        var outcome = step.Advance(next, $"rendered {rendered.Format} ({rendered.Text.Length} bytes); {path}");
        return outcome with { Next = outcome.Next with { RenderedFormat = rendered.Format, Rendered = rendered.Text } };
    }

    private async Task<Outcome> SavepointAsync(StepContext step, CancellationToken ct)
    {
        var d = step.Deployment;
        var previous = await PreviousAsync(d, ct);
        var driver = drivers.For(d.Fabric);
        // Named after this deployment: a re-run after a crash gets the same savepoint back, never a second one.
        var savepointId = $"sp-d{d.Id}";
        var result = await step.External(() => driver.SavepointAsync(Handle(previous, driver), savepointId, ct));
        var outcome = step.Advance(DeploymentState.Stopping,
            $"savepoint {savepointId} of revision {result.Revision} (run {previous.RuntimeId}) at {result.Location}");
        return outcome with
        {
            Next = outcome.Next with { Restore = RestoreKind.Savepoint, RestorePath = result.Location },
            Resource = new ResourceWrite(ResourceKind.Savepoint, savepointId, result.Location, ResourceStatus.Provisioned, result.Revision),
        };
    }

    private async Task<Outcome> StopAsync(StepContext step, CancellationToken ct)
    {
        var d = step.Deployment;
        var previous = await PreviousAsync(d, ct);
        var driver = drivers.For(d.Fabric);
        var handle = Handle(previous, driver);
        if (d.Kind == DeploymentKind.Delete)
        {
            await step.External(() => driver.CancelAsync(handle, ct));
        }
        else
        {
            await step.External(() => driver.SuspendAsync(handle, ct));
        }
        var observation = await step.External(() => driver.ObserveAsync(handle, ct));
        if (observation.IsActive)
        {
            return step.Wait(_options.ObserveInterval);
        }
        var detail = $"stopped run {previous.RuntimeId} of revision {previous.Revision}: {observation.State} ({observation.NativeState})";
        return d.Kind switch
        {
            DeploymentKind.Suspend => step.Finish(DeploymentState.Succeeded, detail, null),
            DeploymentKind.Delete => step.Advance(DeploymentState.Releasing, detail),
            _ => step.Advance(DeploymentState.Submitting, detail),
        };
    }

    private async Task<Outcome> SubmitAsync(StepContext step, CancellationToken ct)
    {
        var d = step.Deployment;
        if (d.Rendered is null || d.RenderedFormat is null)
        {
            throw new InvalidOperationException($"deployment {d.Id} reached Submitting without a stored rendering");
        }
        var spec = await SpecAsync(d, ct);
        CutoverOwnership.CheckSluiceMayStart(d, await store.OwnershipAsync(d.Job, ct));
        var (restore, restoreText) = await RestorePlanAsync(d, spec, ct);
        var driver = drivers.For(d.Fabric);
        var key = new SubmissionKey(JobRefOf(d.Job), d.Revision, d.Fabric, d.SubmitAttempt);
        var artifact = renderer.Load(new RenderedArtifact(d.RenderedFormat, d.Rendered));
        var handle = await step.External(() => driver.SubmitAsync(new SubmitRequest(key, artifact, restore), ct));
        var outcome = step.Advance(DeploymentState.Observing, $"submitted {key} as {handle.RuntimeId}; restore: {restoreText}");
        // Attempt carries over: it counts the runs that died, so resubmissions stop at the limit.
        return outcome with { Next = outcome.Next with { Driver = handle.Driver, RuntimeId = handle.RuntimeId, Attempt = d.Attempt } };
    }

    private async Task<Outcome> ObserveAsync(StepContext step, CancellationToken ct)
    {
        var d = step.Deployment;
        var driver = drivers.For(d.Fabric);
        var observation = await step.External(() => driver.ObserveAsync(Handle(d, driver), ct));
        switch (observation.State)
        {
            case RuntimeJobState.Running:
                return step.Finish(DeploymentState.Succeeded, $"running: {observation.NativeState}", null);
            case RuntimeJobState.Starting or RuntimeJobState.NotFound when step.Now - d.StepStartedAt < _options.ReadinessTimeout:
                return step.Wait(_options.ObserveInterval);
            case RuntimeJobState.Starting or RuntimeJobState.NotFound:
                return await FailAsync(step, $"not running after the readiness timeout of {_options.ReadinessTimeout}: " +
                                             $"{observation.NativeState}{(observation.Message is null ? "" : ": " + observation.Message)}", ct);
            default:
                // The run died: resubmit as a new attempt after a backoff, or give up with the runtime's own words.
                var error = $"{observation.NativeState}{(observation.Message is null ? "" : ": " + observation.Message)}";
                var attempt = d.Attempt + 1;
                if (attempt >= _options.MaxAttempts)
                {
                    return await FailAsync(step, error, ct);
                }
                var delay = _options.Backoff(attempt);
                return new Outcome(
                    step.Advanced(DeploymentState.Submitting) with
                    {
                        Attempt = attempt, SubmitAttempt = d.SubmitAttempt + 1, Error = error, NextAttemptAt = step.Now + delay,
                    },
                    $"run {d.RuntimeId} {observation.State}: {error}; resubmitting (attempt {attempt + 1} of {_options.MaxAttempts}) in {delay.TotalMilliseconds:F0} ms");
        }
    }

    /// <summary>Delete: releases the job's resources on the fabric one per step (savepoints are kept for the GC).</summary>
    private async Task<Outcome> ReleaseAsync(StepContext step, CancellationToken ct)
    {
        var d = step.Deployment;
        var held = (await store.ResourcesAsync(d.Job, d.Fabric, ct))
            .FirstOrDefault(r => r.Status == ResourceStatus.Provisioned && r.Kind != ResourceKind.Savepoint);
        if (held is null)
        {
            return step.Finish(DeploymentState.Succeeded, "all resources released; savepoints are retained", null);
        }
        var provider = _providers.FirstOrDefault(p => p.Kind == held.Kind)
                       ?? throw new PermanentStepException($"no provider for {held.Kind.ToKebab()} resources is configured");
        // Observe, then act: a resource someone already removed is recorded as released, not released twice.
        var exists = (await step.External(() => provider.ObserveAsync(held.ExternalId, ct))).Exists;
        if (exists)
        {
            await step.External(() => provider.ReleaseAsync(held.ExternalId, ct));
        }
        var detail = exists ? $"released {held.Kind.ToKebab()} '{held.Name}' ({held.ExternalId})" : $"{held.Kind.ToKebab()} '{held.Name}' ({held.ExternalId}) was already gone";
        return step.Advance(DeploymentState.Releasing, detail) with
        {
            Resource = new ResourceWrite(held.Kind, held.Name, held.ExternalId, ResourceStatus.Released, held.Revision),
        };
    }

    private async Task<Outcome> RetryOrFailAsync(StepContext step, string error, CancellationToken ct)
    {
        var d = step.Deployment;
        var attempt = d.Attempt + 1;
        if (attempt >= _options.MaxAttempts)
        {
            return await FailAsync(step, error, ct);
        }
        var delay = _options.Backoff(attempt);
        return new Outcome(d with { Attempt = attempt, Error = error, NextAttemptAt = step.Now + delay },
            $"{d.State.ToKebab()} failed (attempt {attempt} of {_options.MaxAttempts}): {error}; retrying in {delay.TotalMilliseconds:F0} ms");
    }

    private async Task<Outcome> FailAsync(StepContext step, string error, CancellationToken ct)
    {
        var d = step.Deployment;
        var outcome = step.Finish(DeploymentState.Failed, $"failed in {d.State.ToKebab()}: {error}", error);
        if (!d.AutoRollback || !IsDeploy(d.Kind) || d.Kind == DeploymentKind.Rollback)
        {
            return outcome;
        }
        var target = await store.FindRollbackRevisionAsync(d.Job, d.Fabric, ct);
        return target is null
            ? outcome with { Detail = outcome.Detail + "; no earlier revision reached running, nothing to roll back to" }
            : outcome with
            {
                Detail = outcome.Detail + $"; rolling back to revision {target}",
                FollowUp = new NewDeployment(d.Job, target.Value, d.Fabric, DeploymentKind.Rollback, "auto-rollback", RollbackOf: d.Id),
            };
    }

    private List<(IResourceProvider Provider, ResourceRequest Request)> Plan(DeploymentRecord d, JobSpec spec) => PlanResources(_providers, d, spec);

    /// <summary>Every provider's requests for the revision, in provider order: the Provisioning step's index runs over it.</summary>
    internal static List<(IResourceProvider Provider, ResourceRequest Request)> PlanResources(IReadOnlyList<IResourceProvider> providers,
        DeploymentRecord d, JobSpec spec)
    {
        var owner = new ResourceOwner(JobRefOf(d.Job), d.Revision, d.Fabric);
        try
        {
            return providers.SelectMany(p => p.Plan(spec, owner).Select(r => (p, r))).ToList();
        }
        catch (ArgumentException error)
        {
            throw new PermanentStepException(error.Message);
        }
    }

    private async Task<(RestorePlan Plan, string Text)> RestorePlanAsync(DeploymentRecord d, JobSpec spec, CancellationToken ct)
    {
        if (spec.State?.Stateful != true || UpgradeMode(spec) == Spec.V1.UpgradeMode.Stateless)
        {
            return (RestorePlan.Stateless, "stateless: starts with empty state");
        }
        if (d.Restore == RestoreKind.Savepoint && d.RestorePath is { } taken)
        {
            return (RestorePlan.FromSavepoint(taken), $"savepoint {taken} taken by this deployment");
        }
        if (UpgradeMode(spec) == Spec.V1.UpgradeMode.LastState && d.PreviousId is not null)
        {
            return (RestorePlan.LastState, "last-state: the latest retained checkpoint of the previous run");
        }
        if (await store.FindLatestSavepointAsync(d.Job, d.Fabric, ct) is { } savepoint)
        {
            return (RestorePlan.FromSavepoint(savepoint.ExternalId),
                $"savepoint {savepoint.ExternalId} of revision {savepoint.Revision} (the latest retained)");
        }
        return (RestorePlan.Stateless, "no savepoint or checkpoint exists yet: starts with empty state");
    }

    private async Task<JobObservation> ObservePreviousAsync(StepContext step, DeploymentRecord previous, CancellationToken ct)
    {
        var driver = drivers.For(previous.Fabric);
        return await step.External(() => driver.ObserveAsync(Handle(previous, driver), ct));
    }

    private async Task<DeploymentRecord> PreviousAsync(DeploymentRecord d, CancellationToken ct) =>
        d.PreviousId is { } id && await store.GetAsync(id, ct) is { } previous
            ? previous
            : throw new InvalidOperationException($"deployment {d.Id} is {d.State} but records no previous run");

    private async Task<JobSpec> SpecAsync(DeploymentRecord d, CancellationToken ct) =>
        await specs.GetRevisionAsync(d.Job, d.Revision, ct)
        ?? throw new PermanentStepException($"revision {d.Revision} of job {d.Job} does not exist");

    private static RuntimeJobHandle Handle(DeploymentRecord d, IRuntimeDriver driver) =>
        new(d.Driver ?? driver.Name, new SubmissionKey(JobRefOf(d.Job), d.Revision, d.Fabric, d.SubmitAttempt),
            d.RuntimeId ?? throw new InvalidOperationException($"deployment {d.Id} has no runtime id"));

    /// <summary>The Provisioning step's event: made or found, which of how many, and where the user finds it.</summary>
    internal static string DescribeProvisioned(ProvisionedResource made, ResourceRequest request, int index, int count) =>
        $"{(made.Changed ? "provisioned" : "found")} {request.Kind.ToKebab()} '{request.Name}' ({index + 1}/{count}): " +
        $"{made.ExternalId}{(made.Location is null ? "" : " at " + made.Location)}";

    public static JobRef JobRefOf(string job)
    {
        var slash = job.IndexOf('/');
        return slash > 0 ? new JobRef(job[..slash], job[(slash + 1)..]) : throw new ArgumentException($"job: expected namespace/name, got '{job}'");
    }

    private static bool IsDeploy(DeploymentKind kind) => kind is not (DeploymentKind.Suspend or DeploymentKind.Delete);

    private static UpgradeMode UpgradeMode(JobSpec spec) =>
        spec.Upgrade?.Mode is { } mode and not Spec.V1.UpgradeMode.Unspecified ? mode
        : spec.State?.Stateful == true ? Spec.V1.UpgradeMode.Savepoint : Spec.V1.UpgradeMode.Stateless;

    private static string UpgradeModeName(JobSpec spec) => UpgradeMode(spec) switch
    {
        Spec.V1.UpgradeMode.Savepoint => "savepoint",
        Spec.V1.UpgradeMode.LastState => "last-state",
        _ => "stateless",
    };

    /// <summary>Savepoint before replacing (or, per the upgrade policy, before suspending or deleting) a stateful run.</summary>
    private static bool WantsSavepoint(JobSpec spec, DeploymentKind kind) =>
        spec.State?.Stateful == true && UpgradeMode(spec) == Spec.V1.UpgradeMode.Savepoint && kind != DeploymentKind.Delete
        || spec.State?.Stateful == true && kind == DeploymentKind.Delete && UpgradeMode(spec) != Spec.V1.UpgradeMode.Stateless;

    private sealed record Outcome(DeploymentRecord Next, string? Detail, ResourceWrite? Resource = null, NewDeployment? FollowUp = null);

    private sealed class StepContext(DeploymentRecord deployment, DateTimeOffset now)
    {
        public DeploymentRecord Deployment { get; } = deployment;
        public DateTimeOffset Now { get; } = now;
        public long ExternalTicks { get; private set; }

        public DeploymentRecord Advanced(DeploymentState state) => Deployment with
        {
            State = state, StepIndex = 0, Attempt = 0, Error = null, NextAttemptAt = Now, StepStartedAt = Now,
        };

        public Outcome Advance(DeploymentState state, string detail) => new(Advanced(state), detail);

        public Outcome Finish(DeploymentState state, string detail, string? error) =>
            new(Advanced(state) with { Error = error, HoldsSlot = false }, detail);

        /// <summary>Runs the same step again later without an event (waiting on the runtime or on the slot).</summary>
        public Outcome Wait(TimeSpan delay) => new(Deployment with { NextAttemptAt = Now + delay }, null);

        public async Task<T> External<T>(Func<Task<T>> call)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                return await call();
            }
            finally
            {
                ExternalTicks += Stopwatch.GetTimestamp() - started;
            }
        }

        public Task External(Func<Task> call) => External(async () =>
        {
            await call();
            return true;
        });
    }
}
