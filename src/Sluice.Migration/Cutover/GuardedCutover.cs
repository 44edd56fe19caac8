using Sluice.Migration.Report;
using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Flink;
using Sluice.Runtimes.Samza;

namespace Sluice.Migration.Cutover;

/// <summary>The points a cut-over passes; an observer sees each one (tests check the running copies there).</summary>
public enum CutoverStep
{
    Claimed,
    SourceStopped,
    TargetSubmitted,
    TargetRunning,
    Flipped,
    RolledBack,
}

public sealed record CutoverOptions(string Fabric, TimeSpan StartTimeout, TimeSpan PollInterval);

/// <param name="Running">The copy running when the cut-over ended: the new one on success, the resumed one after a rollback.</param>
public sealed record CutoverResult(bool Succeeded, JobOwner Owner, string? Savepoint, RuntimeJobHandle? Running, string? Error);

/// <summary>
/// Moves a proven job between its legacy control plane and Sluice without ever running both copies: claim the
/// fenced ownership record (→ migrating), stop the source keeping its state (a savepoint), start the target restoring
/// from it, and flip ownership only once the target runs. Any failure before the flip stops the target and resumes
/// the source from the same savepoint, and gives ownership back.
/// </summary>
public sealed class GuardedCutover(ILegacyControlPlane legacy, IRuntimeDriver driver, IOwnershipStore ownership, CutoverOptions options,
    Action<CutoverStep>? observer = null)
{
    /// <summary>The revision Sluice runs a migrated job as (the legacy copy is revision 0).</summary>
    public const long MigratedRevision = 1;

    /// <summary>`sluice migrate NAME`: legacy → Sluice.</summary>
    public async Task<CutoverResult> MigrateAsync(string name, CancellationToken cancellationToken = default)
    {
        var imported = legacy.Import(name);
        if (imported.Report.Status != MigrationStatus.Proven)
        {
            throw new InvalidOperationException($"{name}: the migration is {MappingReport.StatusText(imported.Report.Status)}, not proven; `sluice migrate import` shows why");
        }
        var job = new JobRef(imported.Import.Spec.Namespace, imported.Import.Spec.Name);
        var current = await ownership.GetAsync(job, cancellationToken);
        var claim = await ownership.TransitionAsync(job, JobOwner.Legacy, current.Epoch, JobOwner.Migrating, null, cancellationToken);
        string? savepoint = null;
        var submitted = false;
        RuntimeJobHandle? running = null;
        SubmitRequest? request = null;
        OwnershipGuardedDriver? target = null;
        try
        {
            observer?.Invoke(CutoverStep.Claimed);
            savepoint = await legacy.SavepointAsync(name, $"cutover-{claim.Epoch}", cancellationToken);
            // Record where the state is before the source stops, so a rollback (or a crashed cut-over's) finds it.
            claim = await ownership.TransitionAsync(job, JobOwner.Migrating, claim.Epoch, JobOwner.Migrating, savepoint, cancellationToken);
            await legacy.SuspendAsync(name, cancellationToken);
            observer?.Invoke(CutoverStep.SourceStopped);
            target = new OwnershipGuardedDriver(driver, ownership, JobOwner.Sluice).Fenced(claim.Epoch);
            request = new SubmitRequest(new SubmissionKey(job, MigratedRevision, options.Fabric), Render(imported), Restore(savepoint));
            submitted = true;
            running = await target.SubmitAsync(request, cancellationToken);
            observer?.Invoke(CutoverStep.TargetSubmitted);
            await driver.WaitUntilRunningAsync(running, options.StartTimeout, options.PollInterval, cancellationToken);
            observer?.Invoke(CutoverStep.TargetRunning);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            return await RollBackAsync(name, job, claim, savepoint, submitted ? request : null, running, target, failure, cancellationToken);
        }
        await ownership.TransitionAsync(job, JobOwner.Migrating, claim.Epoch, JobOwner.Sluice, savepoint, cancellationToken);
        observer?.Invoke(CutoverStep.Flipped);
        return new CutoverResult(true, JobOwner.Sluice, savepoint, running, null);
    }

    private async Task<CutoverResult> RollBackAsync(string name, JobRef job, OwnershipRecord claim, string? savepoint, SubmitRequest? request,
        RuntimeJobHandle? started, OwnershipGuardedDriver? target, Exception failure, CancellationToken cancellationToken)
    {
        // A submission that failed may still have created the copy; the same key finds it again (submits are idempotent).
        // Never while the legacy copy still runs: finding it must not start a second copy.
        var copy = started;
        if (copy is null && request is not null && target is not null && !await legacy.IsRunningAsync(name, cancellationToken))
        {
            copy = await TryAsync(() => target.SubmitAsync(request, cancellationToken));
        }
        if (copy is not null)
        {
            await driver.CancelAsync(copy, cancellationToken);
        }
        var restore = await ownership.GetAsync(job, cancellationToken);
        await ownership.TransitionAsync(job, JobOwner.Migrating, restore.Epoch, JobOwner.Legacy, savepoint, cancellationToken);
        RuntimeJobHandle? resumed = null;
        if (!await legacy.IsRunningAsync(name, cancellationToken))
        {
            resumed = await legacy.StartAsync(name, Restore(savepoint), cancellationToken);
            await driver.WaitUntilRunningAsync(resumed, options.StartTimeout, options.PollInterval, cancellationToken);
        }
        observer?.Invoke(CutoverStep.RolledBack);
        return new CutoverResult(false, JobOwner.Legacy, savepoint, resumed, $"cut-over of {job} failed and was rolled back: {failure.Message}");
    }

    /// <summary>
    /// `sluice migrate NAME --recover`: after the process running a cut-over died, a job still `migrating` away from
    /// its legacy side goes back to it, exactly as a rollback would (the Sluice copy stopped, the legacy copy resumed from
    /// the recorded savepoint). Null when the job is not migrating. Recovering an interrupted eject is not implemented.
    /// </summary>
    public async Task<CutoverResult?> RecoverAsync(string name, CancellationToken cancellationToken = default)
    {
        var imported = legacy.Import(name);
        var job = new JobRef(imported.Import.Spec.Namespace, imported.Import.Spec.Name);
        var record = await ownership.GetAsync(job, cancellationToken);
        if (record.Owner != JobOwner.Migrating)
        {
            return null;
        }
        if (record.From != JobOwner.Legacy)
        {
            throw new NotSupportedException($"{job}: recovering an interrupted eject (from {record.From}) is not implemented; resume the Sluice copy from {record.Savepoint ?? "its last checkpoint"} by hand");
        }
        var request = new SubmitRequest(new SubmissionKey(job, MigratedRevision, options.Fabric), Render(imported), Restore(record.Savepoint));
        var target = new OwnershipGuardedDriver(driver, ownership, JobOwner.Sluice).Fenced(record.Epoch);
        return await RollBackAsync(name, job, record, record.Savepoint, request, null, target,
            new InvalidOperationException("the process running the cut-over stopped before the flip"), cancellationToken);
    }

    /// <summary>
    /// `sluice migrate NAME --back` (eject): Sluice → legacy. Writes the legacy config (Sluice's rendering of the job),
    /// then the same guarded steps in reverse; a failure before the flip resumes the Sluice copy.
    /// </summary>
    public async Task<CutoverResult> EjectAsync(string name, RuntimeJobHandle sluiceCopy, CancellationToken cancellationToken = default)
    {
        var imported = legacy.Import(name);
        var job = sluiceCopy.Key.Job;
        var current = await ownership.GetAsync(job, cancellationToken);
        var claim = await ownership.TransitionAsync(job, JobOwner.Sluice, current.Epoch, JobOwner.Migrating, null, cancellationToken);
        observer?.Invoke(CutoverStep.Claimed);
        string? savepoint = null;
        try
        {
            var flink = imported.Report.Runtime == "flink";
            savepoint = flink ? (await driver.SavepointAsync(sluiceCopy, $"eject-{claim.Epoch}", cancellationToken)).Location : null;
            await driver.SuspendAsync(sluiceCopy, cancellationToken);
            claim = await ownership.TransitionAsync(job, JobOwner.Migrating, claim.Epoch, JobOwner.Migrating, savepoint, cancellationToken);
            observer?.Invoke(CutoverStep.SourceStopped);
            await legacy.WriteConfigAsync(name, flink ? ".yaml" : ".properties", imported.Rendered!, cancellationToken);
            // The legacy side starts the job only after ownership is back; from here on a failure is the legacy side's to retry.
            await ownership.TransitionAsync(job, JobOwner.Migrating, claim.Epoch, JobOwner.Legacy, savepoint, cancellationToken);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            var record = await ownership.GetAsync(job, cancellationToken);
            await ownership.TransitionAsync(job, JobOwner.Migrating, record.Epoch, JobOwner.Sluice, savepoint, cancellationToken);
            var resumed = sluiceCopy;
            if (!(await driver.ObserveAsync(sluiceCopy, cancellationToken)).IsActive)
            {
                resumed = await new OwnershipGuardedDriver(driver, ownership, JobOwner.Sluice).SubmitAsync(
                    new SubmitRequest(sluiceCopy.Key with { Attempt = sluiceCopy.Key.Attempt + 1 }, Render(imported), Restore(savepoint)), cancellationToken);
                await driver.WaitUntilRunningAsync(resumed, options.StartTimeout, options.PollInterval, cancellationToken);
            }
            observer?.Invoke(CutoverStep.RolledBack);
            return new CutoverResult(false, JobOwner.Sluice, savepoint, resumed, $"eject of {job} failed and was rolled back: {failure.Message}");
        }
        observer?.Invoke(CutoverStep.Flipped);
        var started = await legacy.StartAsync(name, Restore(savepoint), cancellationToken);
        await driver.WaitUntilRunningAsync(started, options.StartTimeout, options.PollInterval, cancellationToken);
        return new CutoverResult(true, JobOwner.Legacy, savepoint, started, null);
    }

    /// <summary>Flink restores from the savepoint; Samza (no savepoints) from its changelogs and last checkpoint.</summary>
    private static RestorePlan Restore(string? savepoint) => savepoint is null ? RestorePlan.LastState : RestorePlan.FromSavepoint(savepoint);

    private static RuntimeArtifact Render(MigrationResult imported)
    {
        var import = imported.Import;
        return imported.Report.Runtime == "flink"
            // Through JSON text: the drivers' YAML writer reads numbers as long or double, not the int the manifest writer puts in.
            ? FlinkDeploymentArtifact.Parse(FlinkManifestWriter.ToJson(FlinkDeploymentCompiler.Compile(import.Spec, import.Platform, import.Fabric).Manifest).ToJsonString())
            : new SamzaPropertiesArtifact(SamzaJobCompiler.Compile(import.Spec, import.Platform, import.Fabric).Properties);
    }

    private static async Task<T?> TryAsync<T>(Func<Task<T>> action)
        where T : class
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is RuntimeDriverException or OwnershipConflictException or Sluice.Runtimes.Faults.InjectedFaultException or Sluice.Runtimes.Faults.InjectedCrashException)
        {
            return null;
        }
    }
}
