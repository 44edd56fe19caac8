using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Migration.Annotations;
using Sluice.Migration.Legacy;
using Sluice.Runtimes.Drivers;
using YamlDotNet.RepresentationModel;

namespace Sluice.Migration.Cutover;

/// <summary>
/// A legacy control plane that keeps each job's config in a folder (`&lt;name&gt;.properties` or `&lt;name&gt;.yaml`,
/// annotations in `annotations/&lt;name&gt;.yaml`) and runs it through a runtime driver as revision 0 of the job, on the
/// fabric its config implies (where a cut-over's Sluice copy runs too, so both sides see the same savepoints).
/// Its running copies are recorded in `.legacy-runs.json`, so a restarted control plane still finds them.
/// </summary>
public sealed class FolderLegacyControlPlane(string folder, IRuntimeDriver driver, ReferenceData reference) : ILegacyControlPlane
{
    private const long LegacyRevision = 0;
    private readonly Lock _gate = new();

    public MigrationResult Import(string name)
    {
        var annotationsPath = Path.Combine(folder, "annotations", name + ".yaml");
        var annotations = File.Exists(annotationsPath) ? AnnotationsLoader.LoadFile(annotationsPath) : MigrationAnnotations.None;
        return Migrator.ImportFile(ConfigPath(name), annotations, reference);
    }

    public async Task<bool> IsRunningAsync(string name, CancellationToken cancellationToken = default) =>
        (await ObserveAsync(name, cancellationToken)).IsActive;

    public async Task<JobObservation> ObserveAsync(string name, CancellationToken cancellationToken = default) =>
        Runs().TryGetValue(name, out var run)
            ? await driver.ObserveAsync(run.Handle(driver.Name), cancellationToken)
            : new JobObservation(RuntimeJobState.NotFound, "NEVER_STARTED", $"the legacy control plane has never started {name}");

    public async Task<RuntimeJobHandle> StartAsync(string name, RestorePlan restore, CancellationToken cancellationToken = default)
    {
        var imported = Import(name);
        var job = new JobRef(imported.Import.Spec.Namespace, imported.Import.Spec.Name);
        var fabric = imported.Import.Fabric.Name;
        var attempt = Runs().TryGetValue(name, out var previous) ? previous.Attempt + 1 : 1;
        var key = new SubmissionKey(job, LegacyRevision, fabric, attempt);
        var handle = await driver.SubmitAsync(new SubmitRequest(key, Artifact(ConfigPath(name)), restore), cancellationToken);
        Record(name, new LegacyRun(job.Namespace, job.Name, attempt, handle.RuntimeId, fabric));
        return handle;
    }

    public async Task<string?> SavepointAsync(string name, string savepointId, CancellationToken cancellationToken = default) =>
        Path.GetExtension(ConfigPath(name)) == ".properties"
            ? null
            : (await driver.SavepointAsync(RunningCopy(name), savepointId, cancellationToken)).Location;

    public Task SuspendAsync(string name, CancellationToken cancellationToken = default) => driver.SuspendAsync(RunningCopy(name), cancellationToken);

    private RuntimeJobHandle RunningCopy(string name) => Runs().TryGetValue(name, out var run)
        ? run.Handle(driver.Name)
        : throw new InvalidOperationException($"{name}: the legacy control plane has never started it");

    public Task WriteConfigAsync(string name, string extension, string text, CancellationToken cancellationToken = default)
    {
        foreach (var existing in Candidates(name).Where(File.Exists))
        {
            File.Move(existing, existing + ".before-eject", overwrite: true);
        }
        var path = Path.Combine(folder, name + extension);
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
        return Task.CompletedTask;
    }

    private string ConfigPath(string name) =>
        Candidates(name).FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException($"{name}: no {name}.properties, {name}.yaml or {name}.yml in {folder}");

    private IEnumerable<string> Candidates(string name) => new[] { ".properties", ".yaml", ".yml" }.Select(extension => Path.Combine(folder, name + extension));

    /// <summary>The legacy file as the driver runs it: Samza properties, or the FlinkDeployment document.</summary>
    private static RuntimeArtifact Artifact(string path)
    {
        var text = File.ReadAllText(path);
        if (Path.GetExtension(path) == ".properties")
        {
            return new SamzaPropertiesArtifact(JavaProperties.Parse(text, path).Select(entry => KeyValuePair.Create(entry.Key, entry.Value)));
        }
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var deployment = stream.Documents.Select(document => Sluice.Runtimes.Rendering.YamlJson.Convert(document.RootNode)).OfType<JsonObject>()
            .FirstOrDefault(node => node["kind"]?.GetValue<string>() == "FlinkDeployment" && node["spec"]?["job"] is not null)
            ?? throw new InvalidDataException($"{path}: no FlinkDeployment with a job to run");
        return FlinkDeploymentArtifact.FromJson(deployment);
    }

    private sealed record LegacyRun(string Namespace, string Name, int Attempt, string RuntimeId, string Fabric)
    {
        public RuntimeJobHandle Handle(string driverName) =>
            new(driverName, new SubmissionKey(new JobRef(Namespace, Name), LegacyRevision, Fabric, Attempt), RuntimeId);
    }

    private string StatePath => Path.Combine(folder, ".legacy-runs.json");

    private Dictionary<string, LegacyRun> Runs()
    {
        lock (_gate)
        {
            return File.Exists(StatePath)
                ? JsonSerializer.Deserialize<Dictionary<string, LegacyRun>>(File.ReadAllText(StatePath)) ?? []
                : [];
        }
    }

    private void Record(string name, LegacyRun run)
    {
        lock (_gate)
        {
            var runs = Runs();
            runs[name] = run;
            File.WriteAllText(StatePath + ".tmp", JsonSerializer.Serialize(runs));
            File.Move(StatePath + ".tmp", StatePath, overwrite: true);
        }
    }
}
