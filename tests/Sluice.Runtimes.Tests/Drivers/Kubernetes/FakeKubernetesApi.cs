using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Runtimes.Rendering;
using Sluice.Runtimes.Tests.Compilers;
using Sluice.Runtimes.Validation;

namespace Sluice.Runtimes.Tests.Drivers.Kubernetes;

public enum FlinkBehavior
{
    Normal,
    NeverReady,
}

/// <summary>
/// A Kubernetes API server for the flink.apache.org/v1beta1 resources, over real HTTP: GET/POST/PATCH (server-side
/// apply and JSON merge patch)/DELETE and the status subresource, with resourceVersion and generation bookkeeping,
/// 404/409/422 Status responses, bearer-token auth, and every written object checked against the operator's CRD
/// schema. A simulated Flink Kubernetes Operator moves <c>status</c> through the documented lifecycle.
/// </summary>
internal sealed class FakeKubernetesApi : IAsyncDisposable
{
    public const string Token = "test-token";
    private const string Prefix = "/apis/flink.apache.org/v1beta1/namespaces/{ns}/{plural}";

    private readonly object gate = new();
    private readonly Dictionary<(string Plural, string Ns, string Name), JsonObject> objects = [];
    private readonly Dictionary<(string Ns, string Name), Simulation> simulations = [];
    private readonly List<RecordedRequest> requests = [];
    private readonly HashSet<string> failing = [];
    private readonly CancellationTokenSource stop = new();
    private static readonly Dictionary<string, CustomResourceSchema> Schemas = new(StringComparer.Ordinal)
    {
        ["flinkdeployments"] = CustomResourceSchemaTests.FlinkDeployment,
        ["flinkstatesnapshots"] = CustomResourceSchema.Load(Path.Combine(RepositoryPaths.Reference, "flink-operator", "flinkstatesnapshots.flink.apache.org-v1.yml"), "v1beta1"),
    };
    private WebApplication? app;
    private Task? operatorLoop;
    private long resourceVersion = 1000;
    private int savepointCounter;
    private int failNext;
    private int failStatus;
    private int delayNext;
    private TimeSpan delay;

    public string Url { get; private set; } = "";

    public ConcurrentDictionary<string, FlinkBehavior> Behaviors { get; } = new();

    public bool FailSnapshots { get; set; }

    /// <summary>Makes the running job of a deployment fail, as a job does after running a while.</summary>
    public void FailJob(string name)
    {
        lock (gate)
        {
            failing.Add(name);
        }
    }

    /// <summary>What each deployment restored from when the operator last deployed it (null: empty state).</summary>
    public Dictionary<string, List<string?>> RestoredFrom { get; } = [];

    /// <summary>Runs once, inside the next JSON merge patch, before its resourceVersion check (e.g. to make it stale).</summary>
    public Action? BeforeNextMergePatch { get; set; }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return requests.ToList();
            }
        }
    }

    public static async Task<FakeKubernetesApi> StartAsync(TimeSpan? tick = null)
    {
        var api = new FakeKubernetesApi();
        (api.app, api.Url) = await TestHttpServer.StartAsync(api.Map);
        api.operatorLoop = api.RunOperatorAsync(tick ?? TimeSpan.FromMilliseconds(5));
        return api;
    }

    public string WriteKubeconfig(string folder, params (string Context, string Namespace)[] contexts)
    {
        var path = Path.Combine(folder, "kubeconfig");
        var contextYaml = string.Concat(contexts.Select(c => $"""
            - name: {c.Context}
              context:
                cluster: fake
                user: sluice
                namespace: {c.Namespace}

            """));
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {Url}
            users:
            - name: sluice
              user:
                token: {Token}
            contexts:
            {contextYaml}current-context: {contexts[0].Context}

            """);
        return path;
    }

    public void FailNext(int count, int status = 503)
    {
        lock (gate)
        {
            (failNext, failStatus) = (count, status);
        }
    }

    public void DelayNext(int count, TimeSpan by)
    {
        lock (gate)
        {
            (delayNext, delay) = (count, by);
        }
    }

    public JsonObject? Get(string plural, string ns, string name)
    {
        lock (gate)
        {
            return objects.TryGetValue((plural, ns, name), out var o) ? (JsonObject)o.DeepClone() : null;
        }
    }

    /// <summary>A write by someone else (e.g. the operator updating status): bumps the resourceVersion.</summary>
    public void Touch(string plural, string ns, string name)
    {
        lock (gate)
        {
            objects[(plural, ns, name)]["metadata"]!["resourceVersion"] = NextVersion();
        }
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        if (operatorLoop is not null)
        {
            await operatorLoop;
        }
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    private void Map(WebApplication web)
    {
        web.Use(async (context, next) =>
        {
            int fail = 0;
            TimeSpan wait = TimeSpan.Zero;
            lock (gate)
            {
                requests.Add(new RecordedRequest(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "", context.Request.ContentType));
                if (failNext > 0)
                {
                    failNext--;
                    fail = failStatus;
                }
                else if (delayNext > 0)
                {
                    delayNext--;
                    wait = delay;
                }
            }
            if (context.Request.Headers.Authorization != $"Bearer {Token}")
            {
                await Status(401, "Unauthorized", "Unauthorized").ExecuteAsync(context);
                return;
            }
            if (fail != 0)
            {
                await Status(fail, "ServiceUnavailable", "the server is currently unable to handle the request").ExecuteAsync(context);
                return;
            }
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            await next(context);
        });
        web.MapGet(Prefix + "/{name}", (string ns, string plural, string name) => Read(plural, ns, name));
        web.MapGet(Prefix + "/{name}/status", (string ns, string plural, string name) => Read(plural, ns, name));
        web.MapPost(Prefix, async (HttpContext c, string ns, string plural) => Create(plural, ns, await Body(c)));
        web.MapMethods(Prefix + "/{name}", ["PATCH"], async (HttpContext c, string ns, string plural, string name) =>
            Patch(plural, ns, name, c.Request.ContentType ?? "", c.Request.Query["fieldManager"].ToString(), await Body(c)));
        web.MapDelete(Prefix + "/{name}", async (HttpContext c, string ns, string plural, string name) => Delete(plural, ns, name, await Body(c)));
        web.MapPut(Prefix + "/{name}/status", async (HttpContext c, string ns, string plural, string name) => ReplaceStatus(plural, ns, name, await Body(c)));
    }

    private IResult Read(string plural, string ns, string name)
    {
        lock (gate)
        {
            return Known(plural) is { } unknown ? unknown
                : objects.TryGetValue((plural, ns, name), out var o) ? Json(o, 200)
                : NotFound(plural, name);
        }
    }

    private IResult Create(string plural, string ns, string body)
    {
        lock (gate)
        {
            if (Known(plural) is { } unknown)
            {
                return unknown;
            }
            if (ParseObject(body) is not { } obj || Text(obj["metadata"]?["name"]) is not { } name)
            {
                return Status(400, "BadRequest", "the body must be an object with metadata.name");
            }
            if (objects.ContainsKey((plural, ns, name)))
            {
                return Status(409, "AlreadyExists", $"{plural}.flink.apache.org \"{name}\" already exists");
            }
            return Store(plural, ns, name, obj, 201);
        }
    }

    private IResult Patch(string plural, string ns, string name, string contentType, string fieldManager, string body)
    {
        lock (gate)
        {
            if (Known(plural) is { } unknown)
            {
                return unknown;
            }
            var patch = contentType.StartsWith("application/apply-patch+yaml", StringComparison.Ordinal)
                ? YamlJson.Parse(body) as JsonObject
                : ParseObject(body);
            if (patch is null)
            {
                return Status(400, "BadRequest", "the patch body must be an object");
            }
            objects.TryGetValue((plural, ns, name), out var existing);
            if (contentType.StartsWith("application/apply-patch+yaml", StringComparison.Ordinal))
            {
                if (string.IsNullOrEmpty(fieldManager))
                {
                    return Status(400, "BadRequest", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
                }
                if (Text(patch["metadata"]?["name"]) != name)
                {
                    return Status(400, "BadRequest", "metadata.name must match the name in the URL");
                }
                if (existing is null)
                {
                    return Store(plural, ns, name, patch, 201);
                }
                var applied = (JsonObject)existing.DeepClone();
                foreach (var map in new[] { "labels", "annotations" })
                {
                    if (patch["metadata"]?[map] is JsonObject entries)
                    {
                        var target = applied["metadata"]![map] as JsonObject ?? new JsonObject();
                        applied["metadata"]![map] = target;
                        foreach (var (k, v) in entries)
                        {
                            target[k] = v?.DeepClone();
                        }
                    }
                }
                applied["spec"] = patch["spec"]?.DeepClone();
                return Update(plural, ns, name, existing, applied);
            }
            if (contentType.StartsWith("application/merge-patch+json", StringComparison.Ordinal))
            {
                if (existing is null)
                {
                    return NotFound(plural, name);
                }
                BeforeNextMergePatch?.Invoke();
                BeforeNextMergePatch = null;
                if (Text(patch["metadata"]?["resourceVersion"]) is { } expected && expected != Text(existing["metadata"]!["resourceVersion"]))
                {
                    return Conflict(plural, name);
                }
                patch.Remove("status");
                var merged = (JsonObject)existing.DeepClone();
                Merge(merged, patch);
                return Update(plural, ns, name, existing, merged);
            }
            return Status(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        }
    }

    private IResult Delete(string plural, string ns, string name, string body)
    {
        lock (gate)
        {
            if (Known(plural) is { } unknown)
            {
                return unknown;
            }
            if (!objects.TryGetValue((plural, ns, name), out var existing))
            {
                return NotFound(plural, name);
            }
            var options = string.IsNullOrWhiteSpace(body) ? null : ParseObject(body);
            if (Text(options?["preconditions"]?["resourceVersion"]) is { } expected && expected != Text(existing["metadata"]!["resourceVersion"]))
            {
                return Conflict(plural, name);
            }
            if (plural == "flinkdeployments")
            {
                // The operator's finalizer keeps the resource until it has stopped the job.
                existing["metadata"]!["deletionTimestamp"] ??= DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                existing["metadata"]!["resourceVersion"] = NextVersion();
                return Json(existing, 200);
            }
            objects.Remove((plural, ns, name));
            return Json(new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Success" }, 200);
        }
    }

    private IResult ReplaceStatus(string plural, string ns, string name, string body)
    {
        lock (gate)
        {
            if (!objects.TryGetValue((plural, ns, name), out var existing))
            {
                return NotFound(plural, name);
            }
            if (ParseObject(body) is not { } obj)
            {
                return Status(400, "BadRequest", "the body must be an object");
            }
            if (Text(obj["metadata"]?["resourceVersion"]) != Text(existing["metadata"]!["resourceVersion"]))
            {
                return Conflict(plural, name);
            }
            existing["status"] = obj["status"]?.DeepClone();
            existing["metadata"]!["resourceVersion"] = NextVersion();
            return Json(existing, 200);
        }
    }

    private IResult Store(string plural, string ns, string name, JsonObject obj, int code)
    {
        if (Text(obj["metadata"]?["namespace"]) is { } given && given != ns)
        {
            return Status(400, "BadRequest", $"the namespace of the provided object ({given}) does not match the namespace sent on the request ({ns})");
        }
        obj.Remove("status");
        var metadata = (JsonObject)obj["metadata"]!;
        metadata["namespace"] = ns;
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        metadata["generation"] = 1L;
        if (Invalid(plural, obj) is { } invalid)
        {
            return Status(422, "Invalid", $"{plural}.flink.apache.org \"{name}\" is invalid: {invalid}");
        }
        metadata["resourceVersion"] = NextVersion();
        objects[(plural, ns, name)] = obj;
        return Json(obj, code);
    }

    private IResult Update(string plural, string ns, string name, JsonObject existing, JsonObject updated)
    {
        if (Invalid(plural, updated) is { } invalid)
        {
            return Status(422, "Invalid", $"{plural}.flink.apache.org \"{name}\" is invalid: {invalid}");
        }
        if (JsonNode.DeepEquals(existing, updated))
        {
            return Json(existing, 200);
        }
        if (!JsonNode.DeepEquals(existing["spec"], updated["spec"]))
        {
            updated["metadata"]!["generation"] = Number(existing["metadata"]!["generation"])!.Value + 1;
        }
        updated["metadata"]!["resourceVersion"] = NextVersion();
        objects[(plural, ns, name)] = updated;
        return Json(updated, 200);
    }

    private async Task RunOperatorAsync(TimeSpan tick)
    {
        using var timer = new PeriodicTimer(tick);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                lock (gate)
                {
                    foreach (var key in objects.Keys.Where(k => k.Plural == "flinkdeployments").ToList())
                    {
                        ReconcileDeployment(key);
                    }
                    foreach (var key in objects.Keys.Where(k => k.Plural == "flinkstatesnapshots").ToList())
                    {
                        ReconcileSnapshot(key);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void ReconcileDeployment((string Plural, string Ns, string Name) key)
    {
        var deployment = objects[key];
        var metadata = (JsonObject)deployment["metadata"]!;
        var status = deployment["status"] as JsonObject ?? new JsonObject();
        deployment["status"] = status;
        var jobStatus = status["jobStatus"] as JsonObject ?? new JsonObject();
        status["jobStatus"] = jobStatus;
        if (!simulations.TryGetValue((key.Ns, key.Name), out var sim))
        {
            simulations[(key.Ns, key.Name)] = sim = new Simulation();
        }
        if (metadata["deletionTimestamp"] is not null)
        {
            if (Text(status["lifecycleState"]) != "DELETING")
            {
                status["lifecycleState"] = "DELETING";
                jobStatus["state"] = "CANCELLING";
                metadata["resourceVersion"] = NextVersion();
            }
            else
            {
                objects.Remove(key);
                simulations.Remove((key.Ns, key.Name));
            }
            return;
        }
        var spec = deployment["spec"]!["job"]!;
        var generation = Number(metadata["generation"])!.Value;
        if (sim.Generation != generation)
        {
            var firstDeploy = sim.Generation == 0;
            sim.Generation = generation;
            sim.Phase = 0;
            status["observedGeneration"] = generation;
            status["reconciliationStatus"] = new JsonObject { ["state"] = "UPGRADING", ["lastReconciledSpec"] = deployment["spec"]!.ToJsonString() };
            if (Text(spec["state"]) == "suspended")
            {
                if (Text(spec["upgradeMode"]) == "savepoint" && Text(jobStatus["state"]) == "RUNNING")
                {
                    var location = NextSavepointPath(key.Ns, key.Name);
                    jobStatus["savepointInfo"] = new JsonObject
                    {
                        ["lastSavepoint"] = new JsonObject { ["location"] = location, ["timeStamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ["triggerType"] = "UPGRADE", ["formatType"] = "CANONICAL" },
                    };
                    jobStatus["upgradeSavepointPath"] = location;
                }
                jobStatus["state"] = "SUSPENDED";
                status["lifecycleState"] = "SUSPENDED";
                status["jobManagerDeploymentStatus"] = "MISSING";
                status["reconciliationStatus"]!["state"] = "DEPLOYED";
            }
            else
            {
                var nonce = Number(spec["savepointRedeployNonce"]) ?? 0;
                var restored = Text(spec["initialSavepointPath"]) is { } initial && (firstDeploy || nonce != sim.RedeployNonce)
                    ? initial
                    : Text(spec["upgradeMode"]) switch
                    {
                        "savepoint" when !firstDeploy => Text(jobStatus["upgradeSavepointPath"]),
                        "last-state" when !firstDeploy => "last-state",
                        _ => null,
                    };
                sim.RedeployNonce = nonce;
                if (!RestoredFrom.TryGetValue(key.Name, out var history))
                {
                    RestoredFrom[key.Name] = history = [];
                }
                history.Add(restored);
                status["lifecycleState"] = firstDeploy ? "CREATED" : "UPGRADING";
                status["jobManagerDeploymentStatus"] = "DEPLOYING";
                status.Remove("error");
                jobStatus["state"] = "RECONCILING";
            }
            metadata["resourceVersion"] = NextVersion();
            return;
        }
        if (Text(spec["state"]) == "suspended" || Text(status["lifecycleState"]) == "FAILED")
        {
            return;
        }
        var behavior = Behaviors.GetValueOrDefault(key.Name);
        sim.Phase++;
        switch (sim.Phase)
        {
            case 1:
                status["lifecycleState"] = "DEPLOYED";
                status["reconciliationStatus"]!["state"] = "DEPLOYED";
                break;
            case 2 when behavior == FlinkBehavior.NeverReady:
                sim.Phase = 1;
                return;
            case 2:
                status["jobManagerDeploymentStatus"] = "READY";
                jobStatus["state"] = "RUNNING";
                jobStatus["jobId"] = Guid.NewGuid().ToString("N");
                jobStatus["jobName"] = key.Name;
                jobStatus["startTime"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
                break;
            case 3:
                status["lifecycleState"] = "STABLE";
                status["reconciliationStatus"]!["lastStableSpec"] = deployment["spec"]!.ToJsonString();
                break;
            case > 3 when Text(jobStatus["state"]) == "RUNNING" && failing.Remove(key.Name):
                jobStatus["state"] = "FAILED";
                status["lifecycleState"] = "FAILED";
                status["error"] = """{"type":"org.apache.flink.runtime.JobException","message":"Recovery is suppressed by NoRestartBackoffTimeStrategy"}""";
                break;
            default:
                return;
        }
        metadata["resourceVersion"] = NextVersion();
    }

    private void ReconcileSnapshot((string Plural, string Ns, string Name) key)
    {
        var snapshot = objects[key];
        var status = snapshot["status"] as JsonObject ?? new JsonObject();
        snapshot["status"] = status;
        var deploymentName = Text(snapshot["spec"]?["jobReference"]?["name"]) ?? "";
        objects.TryGetValue(("flinkdeployments", key.Ns, deploymentName), out var deployment);
        switch (Text(status["state"]))
        {
            case null:
                status["state"] = "TRIGGER_PENDING";
                break;
            case "TRIGGER_PENDING" when Text(deployment?["status"]?["jobStatus"]?["state"]) != "RUNNING":
                status["state"] = "FAILED";
                status["error"] = $"Job of {deploymentName} is not running";
                break;
            case "TRIGGER_PENDING":
                status["state"] = "IN_PROGRESS";
                status["triggerId"] = Guid.NewGuid().ToString("N");
                status["triggerTimestamp"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
                break;
            case "IN_PROGRESS" when FailSnapshots:
                status["state"] = "FAILED";
                status["error"] = "java.util.concurrent.TimeoutException: savepoint timed out";
                break;
            case "IN_PROGRESS":
                status["state"] = "COMPLETED";
                status["path"] = NextSavepointPath(key.Ns, deploymentName);
                status["resultTimestamp"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
                break;
            default:
                return;
        }
        snapshot["metadata"]!["resourceVersion"] = NextVersion();
    }

    private string NextSavepointPath(string ns, string deployment) =>
        $"s3://flink-savepoints/{ns}/{deployment}/savepoint-{++savepointCounter:D4}";

    private string NextVersion() => (++resourceVersion).ToString(CultureInfo.InvariantCulture);

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch.ToList())
        {
            if (value is null)
            {
                target.Remove(name);
            }
            else if (value is JsonObject child && target[name] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                target[name] = value.DeepClone();
            }
        }
    }

    /// <summary>Like the API server: the CRD's structural schema, checked on every write.</summary>
    private static string? Invalid(string plural, JsonObject resource) =>
        Schemas[plural].Validate(resource) is { Count: > 0 } violations ? string.Join("; ", violations) : null;

    private static IResult? Known(string plural) =>
        plural is "flinkdeployments" or "flinkstatesnapshots" ? null : Status(404, "NotFound", "the server could not find the requested resource");

    private static IResult NotFound(string plural, string name) =>
        Status(404, "NotFound", $"{plural}.flink.apache.org \"{name}\" not found");

    private static IResult Conflict(string plural, string name) =>
        Status(409, "Conflict", $"Operation cannot be fulfilled on {plural}.flink.apache.org \"{name}\": the object has been modified; please apply your changes to the latest version and try again");

    private static IResult Status(int code, string reason, string message) => Json(new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    }, code);

    private static IResult Json(JsonNode node, int code) => Results.Text(node.ToJsonString(), "application/json", statusCode: code);

    private static JsonObject? ParseObject(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static async Task<string> Body(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        return await reader.ReadToEndAsync();
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static long? Number(JsonNode? node) =>
        node is JsonValue v && long.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    private sealed class Simulation
    {
        public long Generation { get; set; }

        public int Phase { get; set; }

        public long RedeployNonce { get; set; }
    }
}
