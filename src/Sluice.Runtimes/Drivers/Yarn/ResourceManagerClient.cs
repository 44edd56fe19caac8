using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Sluice.Runtimes.Drivers.Yarn;

/// <summary>
/// The YARN ResourceManager REST API (<c>/ws/v1/cluster/apps...</c>) for one fabric. Idempotent requests are retried
/// by a Polly pipeline on 5xx, connection failures and timeouts; a submission is never blindly re-posted.
/// </summary>
internal sealed class ResourceManagerClient(HttpClient http, Uri baseUri, YarnSamzaOptions options)
{
    private readonly ResiliencePipeline pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<TransientHttpException>().Handle<HttpRequestException>().Handle<TimeoutRejectedException>(),
            MaxRetryAttempts = Math.Max(1, options.MaxRetries),
            Delay = options.RetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .AddTimeout(options.RequestTimeout)
        .Build();

    private readonly ResiliencePipeline once = new ResiliencePipelineBuilder().AddTimeout(options.RequestTimeout).Build();

    public async Task<IReadOnlyList<JsonObject>> AppsByTagAsync(string tag, CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Get, $"ws/v1/cluster/apps?applicationTags={Uri.EscapeDataString(tag)}", null, pipeline, cancellationToken).ConfigureAwait(false);
        return body?["apps"]?["app"] is JsonArray apps ? apps.OfType<JsonObject>().ToList() : [];
    }

    public async Task<JsonObject?> AppAsync(string applicationId, CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Get, $"ws/v1/cluster/apps/{Uri.EscapeDataString(applicationId)}", null, pipeline, cancellationToken, allowNotFound: true).ConfigureAwait(false);
        return body?["app"] as JsonObject;
    }

    public async Task<string> NewApplicationAsync(CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Post, "ws/v1/cluster/apps/new-application", null, pipeline, cancellationToken).ConfigureAwait(false);
        return body?["application-id"]?.GetValue<string>() ?? throw new RuntimeDriverException($"{baseUri}: new-application returned no application-id");
    }

    /// <summary>
    /// Posts the submission once per try; after a failure it asks whether the application exists before trying again,
    /// so a submission whose answer was lost is not posted twice.
    /// </summary>
    public async Task SubmitAsync(string applicationId, JsonObject submission, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await SendAsync(HttpMethod.Post, "ws/v1/cluster/apps", submission, once, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is TransientHttpException or HttpRequestException or TimeoutRejectedException or RuntimeDriverException)
            {
                if (await AppAsync(applicationId, cancellationToken).ConfigureAwait(false) is not null)
                {
                    return;
                }
                if (e is RuntimeDriverException driverError)
                {
                    throw driverError;
                }
                if (attempt >= options.MaxRetries)
                {
                    throw new RuntimeUnavailableException($"{baseUri}: submitting {applicationId} failed after {options.MaxRetries} retries: {e.Message}", e);
                }
                await Task.Delay(options.RetryDelay * (attempt + 1), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Asks the ResourceManager to kill the application; returns the state it reports.</summary>
    public async Task<string?> KillAsync(string applicationId, string diagnostics, CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Put, $"ws/v1/cluster/apps/{Uri.EscapeDataString(applicationId)}/state",
            new JsonObject { ["state"] = "KILLED", ["diagnostics"] = diagnostics }, pipeline, cancellationToken, allowNotFound: true).ConfigureAwait(false);
        return body?["state"]?.GetValue<string>();
    }

    /// <summary>Size and modification time of a job package, which YARN checks when it localizes the package.</summary>
    public async Task<(long Size, long Timestamp)> StatPackageAsync(Uri package, CancellationToken cancellationToken)
    {
        switch (package.Scheme)
        {
            case "http" or "https":
                return await Run($"HEAD {package}", async ct =>
                {
                    using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, package), ct).ConfigureAwait(false);
                    ThrowIfTransient(response, $"HEAD {package}");
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new RuntimeDriverException($"yarn.package.path: {package} answered {(int)response.StatusCode}");
                    }
                    var size = response.Content.Headers.ContentLength ?? throw new RuntimeDriverException($"yarn.package.path: {package} sent no Content-Length");
                    var modified = response.Content.Headers.LastModified ?? throw new RuntimeDriverException($"yarn.package.path: {package} sent no Last-Modified");
                    return (size, modified.ToUnixTimeMilliseconds());
                }, pipeline, cancellationToken).ConfigureAwait(false);
            case "hdfs" when options.WebHdfs.TryGetValue(package.Authority, out var webHdfs):
                var status = new Uri(webHdfs, $"webhdfs/v1{package.AbsolutePath}?op=GETFILESTATUS");
                return await Run($"GET {status}", async ct =>
                {
                    using var response = await http.GetAsync(status, ct).ConfigureAwait(false);
                    ThrowIfTransient(response, $"GET {status}");
                    var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new RuntimeDriverException($"yarn.package.path: WebHDFS {status} answered {(int)response.StatusCode} {RemoteMessage(text)}");
                    }
                    var file = JsonNode.Parse(text)?["FileStatus"];
                    return (file?["length"]?.GetValue<long>() ?? throw new RuntimeDriverException($"yarn.package.path: WebHDFS gave no FileStatus.length for {package}"),
                        file["modificationTime"]?.GetValue<long>() ?? throw new RuntimeDriverException($"yarn.package.path: WebHDFS gave no FileStatus.modificationTime for {package}"));
                }, pipeline, cancellationToken).ConfigureAwait(false);
            case "hdfs":
                throw new ArgumentException($"yarn.package.path: no WebHDFS endpoint configured for HDFS authority '{package.Authority}' (YarnSamzaOptions.WebHdfs), needed to read the package's size and timestamp");
            default:
                throw new NotSupportedException($"yarn.package.path: '{package.Scheme}://' packages are not supported; use http(s):// or hdfs://");
        }
    }

    private async Task<JsonObject?> SendAsync(HttpMethod method, string path, JsonObject? body, ResiliencePipeline strategy, CancellationToken cancellationToken, bool allowNotFound = false)
    {
        var what = $"{method} {path}";
        return await Run(what, async ct =>
        {
            using var request = new HttpRequestMessage(method, Address(path));
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            ThrowIfTransient(response, what);
            if (allowNotFound && response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new RuntimeDriverException($"{baseUri}: {what} was rejected: {(int)response.StatusCode} {RemoteMessage(text)}");
            }
            return text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject;
        }, strategy, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> Run<T>(string what, Func<CancellationToken, Task<T>> call, ResiliencePipeline strategy, CancellationToken cancellationToken)
    {
        try
        {
            return await strategy.ExecuteAsync(async ct => await call(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (strategy == pipeline && e is TransientHttpException or HttpRequestException or TimeoutRejectedException)
        {
            throw new RuntimeUnavailableException($"{baseUri}: {what} failed after {options.MaxRetries} retries: {e.Message}", e);
        }
    }

    private Uri Address(string path)
    {
        var uri = new Uri(baseUri, path);
        return options.User is null ? uri : new Uri(uri + (uri.Query.Length == 0 ? "?" : "&") + "user.name=" + Uri.EscapeDataString(options.User));
    }

    private static void ThrowIfTransient(HttpResponseMessage response, string what)
    {
        if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new TransientHttpException($"{what}: {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    private static string RemoteMessage(string text)
    {
        try
        {
            return JsonNode.Parse(text)?["RemoteException"]?["message"]?.GetValue<string>() ?? text;
        }
        catch (JsonException)
        {
            return text;
        }
    }

    private sealed class TransientHttpException(string message) : Exception(message);
}
