using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Runtimes.Drivers.Local;

/// <summary>
/// The embedded default's data plane: an in-process simulator of Flink and Samza job lifecycles. It writes what it
/// "runs" (the FlinkDeployment YAML, the Samza properties) under <c>&lt;Folder&gt;/&lt;fabric&gt;/jobs/</c> and keeps a record
/// of every submission, stop and savepoint. With a folder the record is a journal
/// (<c>&lt;fabric&gt;/runtime-journal.jsonl</c>) that a new driver instance replays, so a worker that crashed and came back
/// sees the same jobs. Several instances (in one or many processes) may share a folder: each mutation holds an
/// exclusive lock on the journal and first applies what the others appended. Safe to share between threads.
/// </summary>
public sealed class LocalRuntimeDriver : IRuntimeDriver
{
    public const string DriverName = "local";
    public const string JournalFileName = "runtime-journal.jsonl";
    private static readonly TimeSpan JournalLockTimeout = TimeSpan.FromSeconds(30);

    private static readonly JsonSerializerOptions JournalJson = new()
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly LocalRuntimeOptions options;
    private readonly Random fates;
    private readonly object gate = new();
    private readonly Dictionary<string, FabricLedger> fabrics = new(StringComparer.Ordinal);

    public LocalRuntimeDriver(LocalRuntimeOptions? options = null)
    {
        this.options = options ?? new LocalRuntimeOptions();
        fates = new Random(this.options.Seed);
    }

    public string Name => DriverName;

    /// <summary>Every submission on the fabric, in submission order.</summary>
    public IReadOnlyList<LocalRun> Runs(string fabric)
    {
        lock (gate)
        {
            return Ledger(fabric).Runs.ToList();
        }
    }

    /// <summary>The submissions that are starting, running or stopping now.</summary>
    public IReadOnlyList<LocalRun> ActiveRuns(string fabric)
    {
        var now = options.Time.GetUtcNow();
        return Runs(fabric).Where(r => Observe(r, now).IsActive).ToList();
    }

    public IReadOnlyList<LocalSavepoint> Savepoints(string fabric)
    {
        lock (gate)
        {
            return Ledger(fabric).Savepoints.Values.ToList();
        }
    }

    public async Task<RuntimeJobHandle> SubmitAsync(SubmitRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = request.Key;
        var kind = request.Artifact switch
        {
            FlinkDeploymentArtifact => LocalRuntimeKind.Flink,
            SamzaPropertiesArtifact => LocalRuntimeKind.Samza,
            _ => throw new ArgumentException($"artifact: the local driver runs FlinkDeployment or Samza properties, not {request.Artifact.GetType().Name}"),
        };
        await options.Faults.BeforeAsync("submit", cancellationToken).ConfigureAwait(false);
        LocalRun run;
        lock (gate)
        {
            using var journalLock = LockJournal(key.Fabric);
            var ledger = Ledger(key.Fabric);
            if (ledger.ByKey.TryGetValue(key, out var existing))
            {
                return Handle(existing);
            }
            var now = options.Time.GetUtcNow();
            var active = ledger.RunsOf(key.Job).FirstOrDefault(r => Observe(r, now).IsActive);
            if (active is not null)
            {
                throw new RuntimeConflictException($"{key.Job} on fabric {key.Fabric} still runs revision {active.Key.Revision} (run {active.RunId}); suspend or cancel it before submitting revision {key.Revision}");
            }
            var restore = request.RestoreOrDefault;
            var restoredFrom = ResolveRestore(ledger, key, restore, kind, now);
            var runId = $"{key.Job.Namespace}.{key.Job.Name}.r{key.Revision}.a{key.Attempt}";
            var artifactPath = WriteArtifact(key, request.Artifact);
            run = new LocalRun(runId, key, kind, now, restore.Mode, restoredFrom, artifactPath,
                CrashesDuringStart: Draw(options.CrashDuringStartRate),
                FailsAfterRunning: Draw(options.FailureRate));
            ledger.Add(run);
            Append(key.Fabric, new JournalEntry(JournalOp.Submit, Run: run));
        }
        options.Faults.After("submit");
        return Handle(run);
    }

    public async Task<JobObservation> ObserveAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default)
    {
        await options.Faults.BeforeAsync("observe", cancellationToken).ConfigureAwait(false);
        lock (gate)
        {
            return Ledger(job.Key.Fabric).Find(job.RuntimeId) is { } run
                ? Observe(run, options.Time.GetUtcNow())
                : new JobObservation(RuntimeJobState.NotFound, "UNKNOWN", $"no local run {job.RuntimeId}");
        }
    }

    public Task SuspendAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default) =>
        StopAsync(job, LocalStopKind.Suspended, "suspend", cancellationToken);

    public Task CancelAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default) =>
        StopAsync(job, LocalStopKind.Cancelled, "cancel", cancellationToken);

    public async Task<SavepointResult> SavepointAsync(RuntimeJobHandle job, string savepointId, CancellationToken cancellationToken = default)
    {
        SavepointIds.Validate(savepointId);
        await options.Faults.BeforeAsync("savepoint", cancellationToken).ConfigureAwait(false);
        LocalSavepoint savepoint;
        lock (gate)
        {
            using var journalLock = LockJournal(job.Key.Fabric);
            var ledger = Ledger(job.Key.Fabric);
            var run = ledger.Find(job.RuntimeId) ?? throw new RuntimeDriverException($"savepoint: no local run {job.RuntimeId}");
            if (run.Kind == LocalRuntimeKind.Samza)
            {
                throw new NotSupportedException("savepoint: Samza has no savepoints; its stores restore from changelog topics (use upgrade mode last-state)");
            }
            if (ledger.SavepointOf(run.RunId, savepointId) is { } existing)
            {
                return Result(existing);
            }
            var now = options.Time.GetUtcNow();
            var state = Observe(run, now);
            if (state.State != RuntimeJobState.Running)
            {
                throw new RuntimeDriverException($"savepoint: {run.Key} is {state.State}, not running");
            }
            savepoint = new LocalSavepoint(savepointId, run.RunId, run.Key, SavepointLocation(run.Key, savepointId), now);
            WriteSavepointMetadata(savepoint);
            ledger.Add(savepoint);
            Append(run.Key.Fabric, new JournalEntry(JournalOp.Savepoint, Savepoint: savepoint));
        }
        options.Faults.After("savepoint");
        return Result(savepoint);
    }

    private async Task StopAsync(RuntimeJobHandle job, LocalStopKind stop, string operation, CancellationToken cancellationToken)
    {
        await options.Faults.BeforeAsync(operation, cancellationToken).ConfigureAwait(false);
        lock (gate)
        {
            using var journalLock = LockJournal(job.Key.Fabric);
            var ledger = Ledger(job.Key.Fabric);
            if (ledger.Find(job.RuntimeId) is not { } run || run.Stop is not null)
            {
                return;
            }
            var now = options.Time.GetUtcNow();
            if (Observe(run, now).State is RuntimeJobState.Failed or RuntimeJobState.Finished)
            {
                return;
            }
            ledger.Replace(run with { Stop = stop, StoppedAt = now });
            Append(job.Key.Fabric, new JournalEntry(JournalOp.Stop, RunId: run.RunId, Stop: stop, At: now));
        }
        options.Faults.After(operation);
    }

    private string? ResolveRestore(FabricLedger ledger, SubmissionKey key, RestorePlan restore, LocalRuntimeKind kind, DateTimeOffset now)
    {
        switch (restore.Mode)
        {
            case RestoreMode.Stateless:
                return null;
            case RestoreMode.Savepoint when kind == LocalRuntimeKind.Samza:
                throw new NotSupportedException("restore: Samza has no savepoints; its stores restore from changelog topics (use last-state)");
            case RestoreMode.Savepoint:
                var savepoint = ledger.SavepointAt(restore.SavepointPath!);
                if (savepoint is null || savepoint.Key.Job != key.Job)
                {
                    throw new ArgumentException($"restore.savepointPath: no savepoint of {key.Job} on fabric {key.Fabric} at '{restore.SavepointPath}'");
                }
                return savepoint.Location;
            case RestoreMode.LastState:
                // The latest retained checkpoint belongs to the most recent earlier run that got to run.
                var previous = ledger.RunsOf(key.Job).LastOrDefault(r => r.SubmittedAt + options.StartTime <= (r.StoppedAt ?? now) && !r.CrashesDuringStart);
                return previous is null ? null : CheckpointLocation(previous);
            default:
                throw new ArgumentOutOfRangeException(nameof(restore), restore.Mode, "restore.mode: unknown");
        }
    }

    private JobObservation Observe(LocalRun run, DateTimeOffset now) => run.ObserveAt(now, options.StartTime, options.FailAfter);

    private bool Draw(double probability) => probability > 0 && fates.NextDouble() < probability;

    private RuntimeJobHandle Handle(LocalRun run) => new(DriverName, run.Key, run.RunId);

    private static SavepointResult Result(LocalSavepoint s) => new(s.SavepointId, s.Location, s.Key.Revision, s.TakenAt);

    private string? FabricFolder(string fabric) => options.Folder is null ? null : Path.Combine(Path.GetFullPath(options.Folder), fabric);

    private string? WriteArtifact(SubmissionKey key, RuntimeArtifact artifact)
    {
        if (FabricFolder(key.Fabric) is not { } folder)
        {
            return null;
        }
        var (suffix, content) = artifact switch
        {
            FlinkDeploymentArtifact flink => ("flinkdeployment.yaml", flink.ToYaml()),
            SamzaPropertiesArtifact samza => ("samza.properties", samza.ToPropertiesText()),
            _ => throw new ArgumentException("artifact: unsupported"),
        };
        var path = Path.Combine(folder, "jobs", key.Job.Namespace, key.Job.Name, $"r{key.Revision}-a{key.Attempt}.{suffix}");
        WriteFileAtomically(path, content);
        return path;
    }

    private string SavepointLocation(SubmissionKey key, string savepointId) =>
        FabricFolder(key.Fabric) is { } folder
            ? new Uri(Path.Combine(folder, "savepoints", key.Job.Namespace, key.Job.Name, savepointId)).AbsoluteUri
            : $"local://{key.Fabric}/savepoints/{key.Job.Namespace}/{key.Job.Name}/{savepointId}";

    private string CheckpointLocation(LocalRun run) =>
        FabricFolder(run.Key.Fabric) is { } folder
            ? new Uri(Path.Combine(folder, "checkpoints", run.Key.Job.Namespace, run.Key.Job.Name, run.RunId, "chk-latest")).AbsoluteUri
            : $"local://{run.Key.Fabric}/checkpoints/{run.Key.Job.Namespace}/{run.Key.Job.Name}/{run.RunId}/chk-latest";

    private void WriteSavepointMetadata(LocalSavepoint savepoint)
    {
        if (FabricFolder(savepoint.Key.Fabric) is null)
        {
            return;
        }
        var folder = new Uri(savepoint.Location).LocalPath;
        WriteFileAtomically(Path.Combine(folder, "_metadata.json"), JsonSerializer.Serialize(savepoint, JournalJson));
    }

    private static void WriteFileAtomically(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// Excludes other driver instances (other processes) from the fabric's journal while this one reads it, decides
    /// and appends. Null without a folder.
    /// </summary>
    private IDisposable? LockJournal(string fabric)
    {
        if (FabricFolder(fabric) is not { } folder)
        {
            return null;
        }
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, JournalFileName + ".lock");
        var deadline = DateTime.UtcNow + JournalLockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(1);
            }
        }
    }

    /// <summary>Appends under the journal lock, after cutting off a line torn by a writer that crashed mid-append.</summary>
    private void Append(string fabric, JournalEntry entry)
    {
        if (FabricFolder(fabric) is not { } folder)
        {
            return;
        }
        var ledger = fabrics[fabric];
        using var journal = new FileStream(Path.Combine(folder, JournalFileName), FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite);
        journal.SetLength(ledger.Offset);
        journal.Seek(0, SeekOrigin.End);
        var line = System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, JournalJson) + "\n");
        journal.Write(line);
        ledger.Offset += line.Length;
        ledger.Lines++;
    }

    /// <summary>The fabric's record, brought up to date with what other instances appended to its journal.</summary>
    private FabricLedger Ledger(string fabric)
    {
        if (!fabrics.TryGetValue(fabric, out var ledger))
        {
            fabrics[fabric] = ledger = new FabricLedger();
        }
        if (FabricFolder(fabric) is { } folder)
        {
            CatchUp(ledger, Path.Combine(folder, JournalFileName));
        }
        return ledger;
    }

    /// <summary>Applies the journal's complete lines past the ledger's offset; a torn last line is left unread.</summary>
    private static void CatchUp(FabricLedger ledger, string journal)
    {
        if (!File.Exists(journal))
        {
            return;
        }
        byte[] tail;
        using (var stream = new FileStream(journal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            if (stream.Length <= ledger.Offset)
            {
                return;
            }
            stream.Seek(ledger.Offset, SeekOrigin.Begin);
            tail = new byte[stream.Length - ledger.Offset];
            stream.ReadExactly(tail);
        }
        var start = 0;
        for (var end = Array.IndexOf(tail, (byte)'\n'); end >= 0; end = Array.IndexOf(tail, (byte)'\n', start))
        {
            var lineNumber = ledger.Lines + 1;
            Apply(ledger, System.Text.Encoding.UTF8.GetString(tail, start, end - start), $"{journal}:{lineNumber}");
            ledger.Offset += end - start + 1;
            ledger.Lines = lineNumber;
            start = end + 1;
        }
    }

    private static void Apply(FabricLedger ledger, string line, string where)
    {
        JournalEntry? entry;
        try
        {
            entry = JsonSerializer.Deserialize<JournalEntry>(line, JournalJson);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{where}: unreadable journal entry: {e.Message}", e);
        }
        switch (entry)
        {
            case { Op: JournalOp.Submit, Run: { } run }:
                ledger.Add(run);
                break;
            case { Op: JournalOp.Stop, RunId: { } runId, Stop: { } stop } when ledger.Find(runId) is { } stopped:
                ledger.Replace(stopped with { Stop = stop, StoppedAt = entry.At });
                break;
            case { Op: JournalOp.Savepoint, Savepoint: { } savepoint }:
                ledger.Add(savepoint);
                break;
            default:
                throw new InvalidDataException($"{where}: unreadable journal entry");
        }
    }

    private enum JournalOp
    {
        Submit,
        Stop,
        Savepoint,
    }

    private sealed record JournalEntry(
        JournalOp Op,
        LocalRun? Run = null,
        string? RunId = null,
        LocalStopKind? Stop = null,
        DateTimeOffset? At = null,
        LocalSavepoint? Savepoint = null);

    private sealed class FabricLedger
    {
        private readonly Dictionary<string, int> indexById = new(StringComparer.Ordinal);
        private readonly Dictionary<JobRef, List<int>> indexesByJob = [];
        private readonly Dictionary<string, LocalSavepoint> savepointsByLocation = new(StringComparer.Ordinal);

        /// <summary>Bytes and lines of the journal already applied.</summary>
        public long Offset { get; set; }

        public long Lines { get; set; }

        public List<LocalRun> Runs { get; } = [];

        public Dictionary<SubmissionKey, LocalRun> ByKey { get; } = [];

        public Dictionary<(string RunId, string SavepointId), LocalSavepoint> Savepoints { get; } = [];

        public void Add(LocalRun run)
        {
            indexById[run.RunId] = Runs.Count;
            if (!indexesByJob.TryGetValue(run.Key.Job, out var indexes))
            {
                indexesByJob[run.Key.Job] = indexes = [];
            }
            indexes.Add(Runs.Count);
            Runs.Add(run);
            ByKey[run.Key] = run;
        }

        public void Replace(LocalRun run)
        {
            Runs[indexById[run.RunId]] = run;
            ByKey[run.Key] = run;
        }

        public LocalRun? Find(string runId) => indexById.TryGetValue(runId, out var i) ? Runs[i] : null;

        public IEnumerable<LocalRun> RunsOf(JobRef job) =>
            indexesByJob.TryGetValue(job, out var indexes) ? indexes.Select(i => Runs[i]) : [];

        public void Add(LocalSavepoint savepoint)
        {
            Savepoints[(savepoint.RunId, savepoint.SavepointId)] = savepoint;
            savepointsByLocation[savepoint.Location] = savepoint;
        }

        public LocalSavepoint? SavepointOf(string runId, string savepointId) =>
            Savepoints.TryGetValue((runId, savepointId), out var s) ? s : null;

        public LocalSavepoint? SavepointAt(string location) =>
            savepointsByLocation.TryGetValue(location, out var s) ? s : null;
    }
}
