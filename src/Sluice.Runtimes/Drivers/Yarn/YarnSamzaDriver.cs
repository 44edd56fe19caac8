using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Sluice.Spec.V1;

namespace Sluice.Runtimes.Drivers.Yarn;

/// <summary>
/// Runs Samza jobs on YARN through the ResourceManager REST API: new-application, submit, application state, kill.
/// Each submission carries application tags naming its job, revision, attempt and fabric, so a re-run after a crash
/// finds it by tag instead of submitting again. The application master is Samza's job coordinator
/// (<c>__package/bin/run-jc.sh</c>) reading its configuration from <c>SAMZA_SUBMISSION_CONFIG</c>.
/// Samza keeps state in changelog topics: there are no savepoints, and suspend kills the application.
/// </summary>
public sealed class YarnSamzaDriver : IRuntimeDriver, IDisposable
{
    public const string DriverName = "samza-yarn";
    public const string SuspendedDiagnostics = "sluice: suspended";
    public const string CancelledDiagnostics = "sluice: cancelled";

    private static readonly HashSet<string> ActiveStates = ["NEW", "NEW_SAVING", "SUBMITTED", "ACCEPTED", "RUNNING"];

    private readonly YarnSamzaOptions options;
    private readonly HttpClient http;
    private readonly Dictionary<string, SamzaFabric> fabrics;
    private readonly ConcurrentDictionary<string, ResourceManagerClient> clients = new(StringComparer.Ordinal);

    public YarnSamzaDriver(IEnumerable<Fabric> fabrics, YarnSamzaOptions? options = null)
    {
        this.options = options ?? new YarnSamzaOptions();
        http = this.options.Handler is null ? new HttpClient() : new HttpClient(this.options.Handler, disposeHandler: false);
        http.Timeout = Timeout.InfiniteTimeSpan;
        this.fabrics = fabrics.Where(f => f.Samza is not null).ToDictionary(f => f.Name, f => f.Samza, StringComparer.Ordinal);
    }

    public string Name => DriverName;

    public async Task<RuntimeJobHandle> SubmitAsync(SubmitRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = request.Key;
        var artifact = request.Artifact as SamzaPropertiesArtifact
            ?? throw new ArgumentException($"artifact: the YARN driver submits Samza properties, not {request.Artifact.GetType().Name}");
        if (request.RestoreOrDefault.Mode == RestoreMode.Savepoint)
        {
            throw new NotSupportedException("restore: Samza has no savepoints; its stores restore from changelog topics (use last-state)");
        }
        var (rm, fabric) = Client(key.Fabric);
        var applicationName = ApplicationName(artifact);
        var package = PackageUri(artifact, fabric, key);

        var jobApps = await rm.AppsByTagAsync(JobTag(key.Job), cancellationToken).ConfigureAwait(false);
        var tags = Tags(key);
        var mine = jobApps.FirstOrDefault(app => tags.All(Tags(app).Contains));
        if (mine is not null)
        {
            return Handle(key, mine);
        }
        var active = jobApps.FirstOrDefault(app => ActiveStates.Contains(Text(app["state"]) ?? ""));
        if (active is not null)
        {
            var revision = Tags(active).FirstOrDefault(t => t.StartsWith("sluice-revision:", StringComparison.Ordinal))?["sluice-revision:".Length..];
            throw new RuntimeConflictException($"{key.Job} on fabric {key.Fabric} still runs revision {revision} ({Text(active["id"])} {Text(active["state"])}); suspend or cancel it before submitting revision {key.Revision}");
        }

        var (size, timestamp) = await rm.StatPackageAsync(package, cancellationToken).ConfigureAwait(false);
        var applicationId = await rm.NewApplicationAsync(cancellationToken).ConfigureAwait(false);
        var submission = Submission(applicationId, applicationName, artifact, fabric, package, size, timestamp, tags);
        await rm.SubmitAsync(applicationId, submission, cancellationToken).ConfigureAwait(false);
        return new RuntimeJobHandle(DriverName, key, applicationId);
    }

    public async Task<JobObservation> ObserveAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default)
    {
        var app = await Client(job.Key.Fabric).Rm.AppAsync(ApplicationId(job), cancellationToken).ConfigureAwait(false);
        if (app is null)
        {
            return new JobObservation(RuntimeJobState.NotFound, "absent", $"the ResourceManager knows no {job.RuntimeId}");
        }
        var state = Text(app["state"]) ?? "";
        var final = Text(app["finalStatus"]) ?? "";
        var diagnostics = Text(app["diagnostics"]);
        var native = $"{state}/{final}";
        return state switch
        {
            "NEW" or "NEW_SAVING" or "SUBMITTED" or "ACCEPTED" => new JobObservation(RuntimeJobState.Starting, native, diagnostics),
            "RUNNING" => new JobObservation(RuntimeJobState.Running, native),
            "FINISHED" when final == "SUCCEEDED" => new JobObservation(RuntimeJobState.Finished, native),
            "FINISHED" or "FAILED" => new JobObservation(RuntimeJobState.Failed, native, diagnostics),
            "KILLED" when diagnostics?.Contains(SuspendedDiagnostics, StringComparison.Ordinal) == true => new JobObservation(RuntimeJobState.Suspended, native),
            "KILLED" => new JobObservation(RuntimeJobState.Cancelled, native, diagnostics),
            _ => throw new RuntimeDriverException($"{job.RuntimeId}: unknown YARN application state '{state}'"),
        };
    }

    /// <summary>Kills the application; Samza's stores come back from their changelogs on the next submission.</summary>
    public Task SuspendAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default) =>
        KillAsync(job, SuspendedDiagnostics, cancellationToken);

    public Task CancelAsync(RuntimeJobHandle job, CancellationToken cancellationToken = default) =>
        KillAsync(job, CancelledDiagnostics, cancellationToken);

    public Task<SavepointResult> SavepointAsync(RuntimeJobHandle job, string savepointId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("savepoint: Samza has no savepoints; its stores restore from changelog topics (use upgrade mode last-state)");

    public void Dispose() => http.Dispose();

    private async Task KillAsync(RuntimeJobHandle job, string diagnostics, CancellationToken cancellationToken)
    {
        var rm = Client(job.Key.Fabric).Rm;
        var app = await rm.AppAsync(ApplicationId(job), cancellationToken).ConfigureAwait(false);
        if (app is null || !ActiveStates.Contains(Text(app["state"]) ?? ""))
        {
            return;
        }
        await rm.KillAsync(job.RuntimeId, diagnostics, cancellationToken).ConfigureAwait(false);
    }

    private static JsonObject Submission(string applicationId, string name, SamzaPropertiesArtifact artifact, SamzaFabric fabric, Uri package, long size, long timestamp, IReadOnlyList<string> tags)
    {
        var config = new JsonObject(artifact.Properties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
        var memory = Integer(artifact, "yarn.am.container.memory.mb", 1024);
        var queue = artifact.Get("yarn.queue") ?? (string.IsNullOrEmpty(fabric.YarnQueue) ? null : fabric.YarnQueue);
        var submission = new JsonObject
        {
            ["application-id"] = applicationId,
            ["application-name"] = name,
            ["application-type"] = "Samza",
            ["unmanaged-AM"] = false,
            ["am-container-spec"] = new JsonObject
            {
                ["local-resources"] = new JsonObject
                {
                    ["entry"] = new JsonArray(new JsonObject
                    {
                        ["key"] = "__package",
                        ["value"] = new JsonObject
                        {
                            ["resource"] = package.AbsoluteUri,
                            ["type"] = "ARCHIVE",
                            ["visibility"] = "APPLICATION",
                            ["size"] = size,
                            ["timestamp"] = timestamp,
                        },
                    }),
                },
                ["environment"] = new JsonObject
                {
                    ["entry"] = new JsonArray(
                        new JsonObject { ["key"] = "SAMZA_SUBMISSION_CONFIG", ["value"] = config.ToJsonString() },
                        new JsonObject { ["key"] = "SAMZA_LOG_DIR", ["value"] = "<LOG_DIR>" }),
                },
                ["commands"] = new JsonObject
                {
                    ["command"] = "ln -sfn <LOG_DIR> logs && exec ./__package/bin/run-jc.sh 1>logs/stdout 2>logs/stderr",
                },
            },
            ["resource"] = new JsonObject { ["memory"] = memory, ["vCores"] = 1 },
            ["application-tags"] = new JsonObject { ["tag"] = new JsonArray(tags.Select(t => (JsonNode?)t).ToArray()) },
        };
        if (queue is not null)
        {
            submission["queue"] = queue;
        }
        return submission;
    }

    private static string ApplicationName(SamzaPropertiesArtifact artifact)
    {
        var name = artifact.Get("job.name") ?? artifact.Get("app.name")
            ?? throw new ArgumentException("properties: job.name (or app.name) is required");
        var id = artifact.Get("job.id") ?? artifact.Get("app.id") ?? "1";
        return $"{name}_{id}";
    }

    private static Uri PackageUri(SamzaPropertiesArtifact artifact, SamzaFabric fabric, SubmissionKey key)
    {
        var path = artifact.Get("yarn.package.path")
            ?? (string.IsNullOrEmpty(fabric.PackageBase) ? null : $"{fabric.PackageBase.TrimEnd('/')}/{key.Job.Name}.tar.gz")
            ?? throw new ArgumentException("properties: yarn.package.path is required (or the fabric's samza.package_base)");
        return Uri.TryCreate(path, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"yarn.package.path: '{path}' is not an absolute URI");
    }

    private static int Integer(SamzaPropertiesArtifact artifact, string key, int fallback) =>
        artifact.Get(key) is not { } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value
        : throw new ArgumentException($"{key}: expected a positive integer, got '{text}'");

    // YARN lower-cases tags and limits them to 100 characters.
    private static string JobTag(JobRef job) => Tag($"sluice-job:{job.Namespace}.{job.Name}");

    private static IReadOnlyList<string> Tags(SubmissionKey key) =>
    [
        JobTag(key.Job),
        Tag($"sluice-revision:{key.Revision.ToString(CultureInfo.InvariantCulture)}"),
        Tag($"sluice-attempt:{key.Attempt.ToString(CultureInfo.InvariantCulture)}"),
        Tag($"sluice-fabric:{key.Fabric}"),
    ];

    private static string Tag(string tag) =>
        tag.Length <= 100 ? tag.ToLowerInvariant() : throw new ArgumentException($"job: YARN application tag '{tag}' is longer than 100 characters");

    private static HashSet<string> Tags(JsonObject app) =>
        (Text(app["applicationTags"]) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    private static RuntimeJobHandle Handle(SubmissionKey key, JsonObject app) =>
        new(DriverName, key, Text(app["id"]) ?? throw new RuntimeDriverException("the ResourceManager listed an application without id"));

    private static string ApplicationId(RuntimeJobHandle job) =>
        job.Driver == DriverName ? job.RuntimeId : throw new ArgumentException($"job: handle {job.RuntimeId} of driver {job.Driver} is not a YARN application");

    private (ResourceManagerClient Rm, SamzaFabric Fabric) Client(string fabric)
    {
        if (!fabrics.TryGetValue(fabric, out var samza))
        {
            throw new ArgumentException($"fabric: '{fabric}' has no samza section in the platform config");
        }
        var rm = clients.GetOrAdd(fabric, _ =>
        {
            var url = samza.ResourceManagerUrl;
            return Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseUri)
                ? new ResourceManagerClient(http, baseUri, options)
                : throw new ArgumentException($"fabrics[{fabric}].samza.resource_manager_url: '{url}' is not an absolute URL");
        });
        return (rm, samza);
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
