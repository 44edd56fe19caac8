using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Sluice.Runtimes.Tests.Drivers.Yarn;

public enum YarnBehavior
{
    Normal,
    NeverReady,
}

/// <summary>
/// A YARN ResourceManager's REST API over real HTTP (<c>/ws/v1/cluster/apps</c>, new-application, app, state get/put,
/// tag queries) with RemoteException error bodies, plus a package server answering HEAD with size and Last-Modified
/// and a WebHDFS GETFILESTATUS.
/// Applications move NEW_SAVING → SUBMITTED → ACCEPTED → RUNNING; a package whose size or timestamp differs from
/// the submission fails localization as YARN's would.
/// </summary>
internal sealed class FakeResourceManager : IAsyncDisposable
{
    public static readonly DateTimeOffset PackageModified = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    public const int PackageSize = 4096;

    private readonly object gate = new();
    private readonly long clusterTimestamp = 1767225600000;
    private readonly HashSet<string> issued = [];
    private readonly Dictionary<string, App> apps = new(StringComparer.Ordinal);
    private readonly List<RecordedRequest> requests = [];
    private readonly HashSet<string> failing = [];
    private readonly CancellationTokenSource stop = new();
    private WebApplication? app;
    private Task? scheduler;
    private int sequence;
    private int failNext;
    private int failStatus;
    private int delayNext;
    private TimeSpan delay;

    public string Url { get; private set; } = "";

    public string PackageUrl(string job) => $"{Url}/packages/{job}.tar.gz";

    public ConcurrentDictionary<string, YarnBehavior> Behaviors { get; } = new();

    /// <summary>Makes the running application of a Samza job fail, as a job does after running a while.</summary>
    public void FailJob(string jobName)
    {
        lock (gate)
        {
            failing.Add(jobName);
        }
    }

    /// <summary>Fail the next submission after the RM accepted it, as if its answer were lost.</summary>
    public bool LoseNextSubmitAnswer { get; set; }

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

    public IReadOnlyList<JsonObject> Submissions
    {
        get
        {
            lock (gate)
            {
                return apps.Values.Select(a => (JsonObject)a.Submission.DeepClone()).ToList();
            }
        }
    }

    public static async Task<FakeResourceManager> StartAsync(TimeSpan? tick = null)
    {
        var rm = new FakeResourceManager();
        (rm.app, rm.Url) = await TestHttpServer.StartAsync(rm.Map);
        rm.scheduler = rm.RunAsync(tick ?? TimeSpan.FromMilliseconds(5));
        return rm;
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

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        if (scheduler is not null)
        {
            await scheduler;
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
                if (context.Request.Path.StartsWithSegments("/ws") && failNext > 0)
                {
                    failNext--;
                    fail = failStatus;
                }
                else if (context.Request.Path.StartsWithSegments("/ws") && delayNext > 0)
                {
                    delayNext--;
                    wait = delay;
                }
            }
            if (fail != 0)
            {
                context.Response.StatusCode = fail;
                await context.Response.WriteAsync("<html><body>Service Unavailable</body></html>");
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
        web.MapMethods("/packages/{file}", ["HEAD"], (HttpContext c) =>
        {
            c.Response.ContentLength = PackageSize;
            c.Response.Headers.LastModified = PackageModified.ToString("R", CultureInfo.InvariantCulture);
            return Results.Empty;
        });
        web.MapGet("/webhdfs/v1/{**path}", (HttpContext c, string path) => c.Request.Query["op"] == "GETFILESTATUS"
            ? Json(new JsonObject
            {
                ["FileStatus"] = new JsonObject
                {
                    ["length"] = PackageSize,
                    ["modificationTime"] = PackageModified.ToUnixTimeMilliseconds(),
                    ["pathSuffix"] = "",
                    ["type"] = "FILE",
                },
            }, 200)
            : Remote(400, "IllegalArgumentException", $"Invalid value for webhdfs parameter \"op\": {c.Request.Query["op"]}"));
        web.MapPost("/ws/v1/cluster/apps/new-application", () =>
        {
            lock (gate)
            {
                var id = $"application_{clusterTimestamp}_{++sequence:D4}";
                issued.Add(id);
                return Json(new JsonObject { ["application-id"] = id, ["maximum-resource-capability"] = new JsonObject { ["memory"] = 8192, ["vCores"] = 32 } }, 200);
            }
        });
        web.MapPost("/ws/v1/cluster/apps", async (HttpContext c) => Submit(await Body(c)));
        web.MapGet("/ws/v1/cluster/apps", (HttpContext c) => List(c.Request.Query["applicationTags"].ToString()));
        web.MapGet("/ws/v1/cluster/apps/{id}", (string id) =>
        {
            lock (gate)
            {
                return apps.TryGetValue(id, out var a) ? Json(new JsonObject { ["app"] = a.ToJson() }, 200) : NotFound(id);
            }
        });
        web.MapGet("/ws/v1/cluster/apps/{id}/state", (string id) =>
        {
            lock (gate)
            {
                return apps.TryGetValue(id, out var a) ? Json(new JsonObject { ["state"] = a.State }, 200) : NotFound(id);
            }
        });
        web.MapPut("/ws/v1/cluster/apps/{id}/state", async (HttpContext c, string id) => Kill(id, await Body(c)));
    }

    private IResult Submit(string body)
    {
        lock (gate)
        {
            var submission = JsonNode.Parse(body) as JsonObject;
            var id = (string?)submission?["application-id"];
            if (submission is null || id is null || !issued.Contains(id))
            {
                return Remote(400, "BadRequestException", $"java.lang.Exception: application-id {id} was not issued by this ResourceManager");
            }
            if (apps.ContainsKey(id))
            {
                return Remote(400, "BadRequestException", $"org.apache.hadoop.yarn.exceptions.YarnException: Application with id {id} is already present! Cannot add a duplicate!");
            }
            if (submission["am-container-spec"]?["commands"]?["command"] is null || submission["resource"]?["memory"] is null || submission["resource"]?["vCores"] is null)
            {
                return Remote(400, "BadRequestException", "java.lang.Exception: am-container-spec.commands.command and resource.{memory,vCores} are required");
            }
            var tags = submission["application-tags"]?["tag"]?.AsArray().Select(t => ((string)t!).ToLowerInvariant()).ToList() ?? [];
            var name = (string?)submission["application-name"] ?? "N/A";
            apps[id] = new App(id, name, (string?)submission["queue"] ?? "default", (string?)submission["application-type"] ?? "YARN", tags, submission, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            if (LoseNextSubmitAnswer)
            {
                LoseNextSubmitAnswer = false;
                return Results.StatusCode(502);
            }
            return Results.Text("", statusCode: 202);
        }
    }

    private IResult List(string tagFilter)
    {
        lock (gate)
        {
            var wanted = tagFilter.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(t => t.ToLowerInvariant()).ToHashSet();
            var matching = apps.Values.Where(a => wanted.Count == 0 || a.Tags.Any(wanted.Contains)).Select(a => (JsonNode?)a.ToJson()).ToArray();
            return Json(new JsonObject { ["apps"] = matching.Length == 0 ? null : new JsonObject { ["app"] = new JsonArray(matching) } }, 200);
        }
    }

    private IResult Kill(string id, string body)
    {
        lock (gate)
        {
            if (!apps.TryGetValue(id, out var a))
            {
                return NotFound(id);
            }
            var request = JsonNode.Parse(body) as JsonObject;
            if ((string?)request?["state"] != "KILLED")
            {
                return Remote(400, "BadRequestException", "java.lang.Exception: Only 'KILLED' is allowed as a target state.");
            }
            if (a.IsFinal)
            {
                return Json(new JsonObject { ["state"] = a.State }, 200);
            }
            a.KillRequested = (string?)request["diagnostics"] ?? "Application killed by user.";
            return Json(new JsonObject { ["state"] = a.State }, 202);
        }
    }

    private async Task RunAsync(TimeSpan tick)
    {
        using var timer = new PeriodicTimer(tick);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                lock (gate)
                {
                    foreach (var a in apps.Values.Where(a => !a.IsFinal))
                    {
                        Advance(a);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Advance(App a)
    {
        if (a.KillRequested is { } diagnostics)
        {
            a.Finish("KILLED", "KILLED", diagnostics);
            return;
        }
        var job = a.Name.Split('_')[0];
        var behavior = Behaviors.GetValueOrDefault(job);
        switch (a.State)
        {
            case "NEW_SAVING":
                a.State = "SUBMITTED";
                break;
            case "SUBMITTED":
                a.State = "ACCEPTED";
                a.Diagnostics = "[Mon Jan 01 00:00:00 +0000 2026] Scheduler has assigned a container for AM, waiting for AM container to be allocated, launched and register with RM.";
                break;
            case "ACCEPTED" when !PackageMatches(a):
                a.Finish("FAILED", "FAILED", $"Application {a.Id} failed 1 times due to AM Container exited with exitCode: -1000. Resource {PackageOf(a)} changed on src filesystem");
                break;
            case "ACCEPTED" when behavior == YarnBehavior.NeverReady:
                break;
            case "ACCEPTED":
                a.State = "RUNNING";
                a.Diagnostics = "";
                break;
            case "RUNNING" when failing.Remove(job):
                a.Finish("FAILED", "FAILED", "Application application failed 2 times due to AM Container exited with exitCode: 1. SamzaException: org.apache.kafka.common.errors.TopicAuthorizationException");
                break;
        }
    }

    private static string? PackageOf(App a) => (string?)a.Submission["am-container-spec"]?["local-resources"]?["entry"]?[0]?["value"]?["resource"];

    private static bool PackageMatches(App a)
    {
        var value = a.Submission["am-container-spec"]?["local-resources"]?["entry"]?[0]?["value"];
        return value is not null
            && (long?)value["size"] == PackageSize
            && (long?)value["timestamp"] == PackageModified.ToUnixTimeMilliseconds();
    }

    private static IResult NotFound(string id) => Remote(404, "NotFoundException", $"java.lang.Exception: app with id: {id} not found");

    private static IResult Remote(int code, string exception, string message) => Json(new JsonObject
    {
        ["RemoteException"] = new JsonObject
        {
            ["exception"] = exception,
            ["message"] = message,
            ["javaClassName"] = $"org.apache.hadoop.yarn.webapp.{exception}",
        },
    }, code);

    private static IResult Json(JsonNode node, int code) => Results.Text(node.ToJsonString(), "application/json", statusCode: code);

    private static async Task<string> Body(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        return await reader.ReadToEndAsync();
    }

    private sealed class App(string id, string name, string queue, string type, List<string> tags, JsonObject submission, long startedTime)
    {
        public string Id { get; } = id;

        public string Name { get; } = name;

        public List<string> Tags { get; } = tags;

        public JsonObject Submission { get; } = submission;

        public string State { get; set; } = "NEW_SAVING";

        public string FinalStatus { get; private set; } = "UNDEFINED";

        public string Diagnostics { get; set; } = "";

        public string? KillRequested { get; set; }

        public long FinishedTime { get; private set; }

        public bool IsFinal => State is "FINISHED" or "FAILED" or "KILLED";

        public void Finish(string state, string finalStatus, string diagnostics)
        {
            (State, FinalStatus, Diagnostics) = (state, finalStatus, diagnostics);
            FinishedTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        }

        public JsonObject ToJson() => new()
        {
            ["id"] = Id,
            ["user"] = "samza",
            ["name"] = Name,
            ["queue"] = queue,
            ["state"] = State,
            ["finalStatus"] = FinalStatus,
            ["progress"] = State == "RUNNING" ? 50.0 : 0.0,
            ["trackingUI"] = State == "RUNNING" ? "ApplicationMaster" : "UNASSIGNED",
            ["diagnostics"] = Diagnostics,
            ["clusterId"] = 1767225600000,
            ["applicationType"] = type,
            ["applicationTags"] = string.Join(',', Tags),
            ["startedTime"] = startedTime,
            ["finishedTime"] = FinishedTime,
            ["elapsedTime"] = (IsFinal ? FinishedTime : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) - startedTime,
        };
    }
}
