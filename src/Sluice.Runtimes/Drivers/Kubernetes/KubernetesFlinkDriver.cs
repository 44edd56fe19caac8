using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using Sluice.Spec.V1;
using static Sluice.Runtimes.Drivers.Kubernetes.FlinkDeploymentStatus;

namespace Sluice.Runtimes.Drivers.Kubernetes;

/// <summary>
/// Runs FlinkDeployments through the Flink Kubernetes Operator. A fabric maps to a kubeconfig context and a
/// namespace (<see cref="FlinkFabric.KubeContext"/>, <see cref="FlinkFabric.Namespace"/>). One FlinkDeployment per job
/// and fabric; the submission it holds is recorded in its annotations, so a re-run after a crash finds it.
/// Savepoints are FlinkStateSnapshot resources named after the savepoint id.
/// </summary>
public sealed class KubernetesFlinkDriver : IRuntimeDriver, IDisposable
{
    public const string DriverName = "flink-kubernetes";
    public const string JobAnnotation = "sluice.io/job";
    public const string RevisionAnnotation = "sluice.io/revision";
    public const string AttemptAnnotation = "sluice.io/attempt";

    private readonly KubernetesFlinkOptions options;
    private readonly Dictionary<string, FlinkFabric> fabrics;
    private readonly ConcurrentDictionary<string, Lazy<FlinkResources>> clients = new(StringComparer.Ordinal);

    public KubernetesFlinkDriver(IEnumerable<Fabric> fabrics, KubernetesFlinkOptions? options = null)
    {
        this.options = options ?? new KubernetesFlinkOptions();
        this.fabrics = fabrics.Where(f => f.Flink is not null).ToDictionary(f => f.Name, f => f.Flink, StringComparer.Ordinal);
    }

    public string Name => DriverName;

    public async Task<RuntimeJobHandle> SubmitAsync(SubmitRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = request.Key;
        var artifact = request.Artifact as FlinkDeploymentArtifact
            ?? throw new ArgumentException($"artifact: the Flink driver submits a FlinkDeployment, not {request.Artifact.GetType().Name}");
        var api = Resources(key.Fabric);
        if (artifact.Namespace is { } ns && ns != api.Namespace)
        {
            throw new ArgumentException($"metadata.namespace: '{ns}' differs from fabric {key.Fabric}'s namespace '{api.Namespace}'");
        }
        var handle = new RuntimeJobHandle(DriverName, key, $"{api.Namespace}/{artifact.Name}");
        var existing = await api.GetAsync(FlinkResources.Deployments, artifact.Name, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            if (Holds(existing, key))
            {
                return handle;
            }
            var owner = Text(existing["metadata"]?["annotations"]?[JobAnnotation]);
            if (owner is not null && owner != key.Job.ToString())
            {
                throw new RuntimeConflictException($"FlinkDeployment {handle.RuntimeId} belongs to job {owner}, not {key.Job}");
            }
            var current = Observe(existing);
            if (current.IsActive)
            {
                throw new RuntimeConflictException($"{key.Job} on fabric {key.Fabric} still runs revision {Text(existing["metadata"]?["annotations"]?[RevisionAnnotation])} ({current.State}: {current.NativeState}); suspend or cancel it before submitting revision {key.Revision}");
            }
        }
        await api.ApplyAsync(FlinkResources.Deployments, artifact.Name, Desired(artifact, key, api.Namespace, request.RestoreOrDefault, existing), cancellationToken).ConfigureAwait(false);
        return handle;
    }

    public async Task<JobObservation> ObserveAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default)
    {
        var (api, name) = Locate(job);
        var deployment = await api.GetAsync(FlinkResources.Deployments, name, cancellationToken).ConfigureAwait(false);
        if (deployment is null)
        {
            return new JobObservation(RuntimeJobState.NotFound, "absent", $"no FlinkDeployment {job.RuntimeId}");
        }
        return Holds(deployment, job.Key)
            ? Observe(deployment)
            : new JobObservation(RuntimeJobState.NotFound, "replaced", $"FlinkDeployment {job.RuntimeId} now holds revision {Text(deployment["metadata"]?["annotations"]?[RevisionAnnotation])}");
    }

    public async Task SuspendAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default)
    {
        var (api, name) = Locate(job);
        for (var attempt = 0; attempt <= options.MaxConflictRetries; attempt++)
        {
            var deployment = await api.GetAsync(FlinkResources.Deployments, name, cancellationToken).ConfigureAwait(false);
            if (deployment is null || !Holds(deployment, job.Key) || Text(deployment["spec"]?["job"]?["state"]) == "suspended")
            {
                return;
            }
            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject { ["resourceVersion"] = ResourceVersion(deployment) },
                ["spec"] = new JsonObject { ["job"] = new JsonObject { ["state"] = "suspended" } },
            };
            if (await api.TryMergePatchAsync(FlinkResources.Deployments, name, patch, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
        throw new RuntimeDriverException($"suspend {job.RuntimeId}: the resource kept changing underneath ({options.MaxConflictRetries} conflicts)");
    }

    public async Task CancelAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default)
    {
        var (api, name) = Locate(job);
        for (var attempt = 0; attempt <= options.MaxConflictRetries; attempt++)
        {
            var deployment = await api.GetAsync(FlinkResources.Deployments, name, cancellationToken).ConfigureAwait(false);
            if (deployment is null || !Holds(deployment, job.Key) || deployment["metadata"]?["deletionTimestamp"] is not null)
            {
                return;
            }
            if (await api.TryDeleteAsync(FlinkResources.Deployments, name, ResourceVersion(deployment), cancellationToken).ConfigureAwait(false) is null or true)
            {
                return;
            }
        }
        throw new RuntimeDriverException($"cancel {job.RuntimeId}: the resource kept changing underneath ({options.MaxConflictRetries} conflicts)");
    }

    public async Task<SavepointResult> SavepointAsync(RuntimeJobHandle job, string savepointId, CancellationToken cancellationToken = default)
    {
        SavepointIds.Validate(savepointId);
        var (api, deploymentName) = Locate(job);
        var snapshotName = SnapshotName(deploymentName, savepointId);
        var snapshot = await api.GetAsync(FlinkResources.Snapshots, snapshotName, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            var state = await ObserveAsync(job, cancellationToken).ConfigureAwait(false);
            if (state.State != RuntimeJobState.Running)
            {
                throw new RuntimeDriverException($"savepoint: {job.Key} is {state.State} ({state.NativeState}), not running");
            }
            await api.TryCreateAsync(FlinkResources.Snapshots, Snapshot(snapshotName, deploymentName, api.Namespace, job.Key), cancellationToken).ConfigureAwait(false);
        }
        else if (Text(snapshot["metadata"]?["annotations"]?[JobAnnotation]) != job.Key.Job.ToString())
        {
            throw new RuntimeConflictException($"savepoint: FlinkStateSnapshot {snapshotName} exists but belongs to another job");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.SavepointTimeout);
        string? lastState = null;
        try
        {
            while (true)
            {
                snapshot = await api.GetAsync(FlinkResources.Snapshots, snapshotName, deadline.Token).ConfigureAwait(false)
                    ?? throw new RuntimeDriverException($"savepoint: FlinkStateSnapshot {snapshotName} disappeared");
                lastState = Text(snapshot["status"]?["state"]);
                switch (lastState)
                {
                    case "COMPLETED":
                        return Completed(snapshot, savepointId, job);
                    case "FAILED" or "ABANDONED":
                        throw new RuntimeDriverException($"savepoint {snapshotName} {lastState}: {Text(snapshot["status"]?["error"]) ?? "no error given"}");
                }
                await Task.Delay(options.SavepointPollInterval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RuntimeTimeoutException($"savepoint {snapshotName}: not completed after {options.SavepointTimeout} (state {lastState ?? "none"})", null);
        }
    }

    public void Dispose()
    {
        foreach (var client in clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }

    private static SavepointResult Completed(JsonObject snapshot, string savepointId, RuntimeJobHandle job)
    {
        var path = Text(snapshot["status"]?["path"]) ?? throw new RuntimeDriverException($"savepoint {savepointId}: COMPLETED without status.path");
        var revision = long.TryParse(Text(snapshot["metadata"]?["annotations"]?[RevisionAnnotation]), CultureInfo.InvariantCulture, out var r) ? r : job.Key.Revision;
        var takenAt = DateTimeOffset.TryParse(Text(snapshot["status"]?["resultTimestamp"]), CultureInfo.InvariantCulture, out var t) ? t : DateTimeOffset.UtcNow;
        return new SavepointResult(savepointId, path, revision, takenAt);
    }

    private static JsonObject Desired(FlinkDeploymentArtifact artifact, SubmissionKey key, string @namespace, RestorePlan restore, JsonObject? existing)
    {
        var resource = artifact.ToJson();
        var metadata = (JsonObject)resource["metadata"]!;
        metadata["namespace"] = @namespace;
        Child(metadata, "labels")["app.kubernetes.io/managed-by"] = "sluice";
        var annotations = Child(metadata, "annotations");
        annotations[JobAnnotation] = key.Job.ToString();
        annotations[RevisionAnnotation] = key.Revision.ToString(CultureInfo.InvariantCulture);
        annotations[AttemptAnnotation] = key.Attempt.ToString(CultureInfo.InvariantCulture);
        var spec = (JsonObject)resource["spec"]!;
        if (existing is not null)
        {
            // A resubmission must change the spec, or the operator would leave a failed or suspended job as it is.
            spec["restartNonce"] = (Number(existing["spec"]?["restartNonce"]) ?? 0) + 1;
        }
        var job = (JsonObject)spec["job"]!;
        job["state"] = "running";
        job.Remove("initialSavepointPath");
        switch (restore.Mode)
        {
            case RestoreMode.Stateless:
                job["upgradeMode"] = "stateless";
                break;
            case RestoreMode.LastState:
                job["upgradeMode"] = "last-state";
                break;
            case RestoreMode.Savepoint:
                job["upgradeMode"] = "savepoint";
                job["initialSavepointPath"] = restore.SavepointPath;
                if (existing is not null)
                {
                    // initialSavepointPath alone only counts on first deployment; bumping the redeploy nonce makes the
                    // operator redeploy the existing resource from exactly this path.
                    job["savepointRedeployNonce"] = (Number(existing["spec"]?["job"]?["savepointRedeployNonce"]) ?? 0) + 1;
                }
                break;
        }
        return resource;
    }

    private static JsonObject Snapshot(string name, string deployment, string @namespace, SubmissionKey key) => new()
    {
        ["apiVersion"] = FlinkDeploymentArtifact.ApiVersion,
        ["kind"] = "FlinkStateSnapshot",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = @namespace,
            ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "sluice" },
            ["annotations"] = new JsonObject
            {
                [JobAnnotation] = key.Job.ToString(),
                [RevisionAnnotation] = key.Revision.ToString(CultureInfo.InvariantCulture),
            },
        },
        ["spec"] = new JsonObject
        {
            ["backoffLimit"] = 1,
            ["jobReference"] = new JsonObject { ["kind"] = "FlinkDeployment", ["name"] = deployment },
            ["savepoint"] = new JsonObject { ["disposeOnDelete"] = false, ["formatType"] = "CANONICAL" },
        },
    };

    private static string SnapshotName(string deployment, string savepointId)
    {
        var name = $"{deployment}-{savepointId}";
        return name.Length <= 253 ? name : throw new ArgumentException($"savepointId: '{name}' is longer than 253 characters");
    }

    private static bool Holds(JsonObject deployment, SubmissionKey key)
    {
        var annotations = deployment["metadata"]?["annotations"];
        return Text(annotations?[JobAnnotation]) == key.Job.ToString()
            && Text(annotations?[RevisionAnnotation]) == key.Revision.ToString(CultureInfo.InvariantCulture)
            && Text(annotations?[AttemptAnnotation]) == key.Attempt.ToString(CultureInfo.InvariantCulture);
    }

    private static string ResourceVersion(JsonObject resource) =>
        Text(resource["metadata"]?["resourceVersion"]) ?? throw new RuntimeDriverException("Kubernetes API returned an object without metadata.resourceVersion");

    private static JsonObject Child(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject child)
        {
            return child;
        }
        child = new JsonObject();
        parent[name] = child;
        return child;
    }

    private (FlinkResources Api, string Name) Locate(RuntimeJobHandle job)
    {
        var slash = job.RuntimeId.IndexOf('/', StringComparison.Ordinal);
        if (job.Driver != DriverName || slash < 0)
        {
            throw new ArgumentException($"job: handle {job.RuntimeId} of driver {job.Driver} is not a FlinkDeployment handle");
        }
        return (Resources(job.Key.Fabric), job.RuntimeId[(slash + 1)..]);
    }

    private FlinkResources Resources(string fabric) =>
        clients.GetOrAdd(fabric, f => new Lazy<FlinkResources>(() => Connect(f))).Value;

    private FlinkResources Connect(string fabric)
    {
        if (!fabrics.TryGetValue(fabric, out var flink))
        {
            throw new ArgumentException($"fabric: '{fabric}' has no flink section in the platform config");
        }
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(options.KubeconfigPath, string.IsNullOrEmpty(flink.KubeContext) ? null : flink.KubeContext);
        var @namespace = !string.IsNullOrEmpty(flink.Namespace) ? flink.Namespace : config.Namespace ?? "default";
        return new FlinkResources(new k8s.Kubernetes(config), @namespace, options);
    }
}
