using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Sluice.Runtimes.Drivers.Kubernetes;

/// <summary>
/// The <c>flink.apache.org/v1beta1</c> custom resources of one fabric, through the official client's CustomObjects
/// API. Transient failures (5xx, 429, connection errors, timeouts) are retried by a Polly pipeline; 404 and 409 are
/// answers the caller handles.
/// </summary>
internal sealed class FlinkResources(IKubernetes client, string @namespace, KubernetesFlinkOptions options) : IDisposable
{
    public const string Group = "flink.apache.org";
    public const string Version = "v1beta1";
    public const string Deployments = "flinkdeployments";
    public const string Snapshots = "flinkstatesnapshots";
    public const string FieldManager = "sluice";

    private readonly ResiliencePipeline pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder()
                .Handle<HttpOperationException>(e => (int)e.Response.StatusCode >= 500 || e.Response.StatusCode == HttpStatusCode.TooManyRequests)
                .Handle<HttpRequestException>()
                .Handle<TimeoutRejectedException>(),
            MaxRetryAttempts = Math.Max(1, options.MaxRetries),
            Delay = options.RetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .AddTimeout(options.RequestTimeout)
        .Build();

    public string Namespace { get; } = @namespace;

    public async Task<JsonObject?> GetAsync(string plural, string name, CancellationToken cancellationToken)
    {
        try
        {
            var element = await Run($"GET {plural}/{name}", ct => client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(Group, Version, Namespace, plural, name, ct), cancellationToken).ConfigureAwait(false);
            return ToObject(element);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Server-side apply (<c>application/apply-patch+yaml</c>, field manager <c>sluice</c>, forced).</summary>
    public async Task<JsonObject> ApplyAsync(string plural, string name, JsonObject resource, CancellationToken cancellationToken)
    {
        var patch = new V1Patch(resource, V1Patch.PatchType.ApplyPatch);
        var element = await Run($"APPLY {plural}/{name}", ct => client.CustomObjects.PatchNamespacedCustomObjectAsync<JsonElement>(patch, Group, Version, Namespace, plural, name, fieldManager: FieldManager, force: true, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        return ToObject(element);
    }

    /// <summary>JSON merge patch; include <c>metadata.resourceVersion</c> to make it conditional (409 when stale).</summary>
    public async Task<bool> TryMergePatchAsync(string plural, string name, JsonObject patch, CancellationToken cancellationToken)
    {
        try
        {
            var body = new V1Patch(patch, V1Patch.PatchType.MergePatch);
            await Run($"PATCH {plural}/{name}", ct => client.CustomObjects.PatchNamespacedCustomObjectAsync<JsonElement>(body, Group, Version, Namespace, plural, name, fieldManager: FieldManager, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    /// <summary>Creates the resource; false when it already exists (409 AlreadyExists).</summary>
    public async Task<bool> TryCreateAsync(string plural, JsonObject resource, CancellationToken cancellationToken)
    {
        try
        {
            await Run($"POST {plural}", ct => client.CustomObjects.CreateNamespacedCustomObjectAsync<JsonElement>(resource, Group, Version, Namespace, plural, fieldManager: FieldManager, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    /// <summary>Deletes the resource if it is still at <paramref name="resourceVersion"/>; null when it is already gone, false on a stale version.</summary>
    public async Task<bool?> TryDeleteAsync(string plural, string name, string resourceVersion, CancellationToken cancellationToken)
    {
        try
        {
            var options = new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = resourceVersion }, PropagationPolicy = "Foreground" };
            await Run($"DELETE {plural}/{name}", ct => client.CustomObjects.DeleteNamespacedCustomObjectAsync<JsonElement>(Group, Version, Namespace, plural, name, options, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    public void Dispose() => client.Dispose();

    private async Task<T> Run<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(async ct => await call(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutRejectedException or HttpRequestException
            || (e is HttpOperationException h && ((int)h.Response.StatusCode >= 500 || h.Response.StatusCode == HttpStatusCode.TooManyRequests)))
        {
            throw new RuntimeUnavailableException($"Kubernetes API {what} in namespace {Namespace} failed after {options.MaxRetries} retries: {Describe(e)}", e);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.Conflict))
        {
            throw new RuntimeDriverException($"Kubernetes API {what} in namespace {Namespace} was rejected: {Describe(e)}", e);
        }
    }

    private static string Describe(Exception e) => e is HttpOperationException h
        ? $"{(int)h.Response.StatusCode} {StatusMessage(h.Response.Content)}"
        : e.Message;

    private static string StatusMessage(string? content)
    {
        try
        {
            return content is null ? "" : JsonNode.Parse(content)?["message"]?.GetValue<string>() ?? content;
        }
        catch (JsonException)
        {
            return content!;
        }
    }

    private static JsonObject ToObject(JsonElement element) =>
        JsonNode.Parse(element.GetRawText()) as JsonObject ?? throw new RuntimeDriverException("Kubernetes API returned a non-object");
}
