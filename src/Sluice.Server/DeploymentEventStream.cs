using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Store.Deployments;

namespace Sluice.Server;

/// <summary>
/// REST server-sent events for a deployment's progress: <c>GET /v1/deployments/{id}/events</c> answers
/// <c>text/event-stream</c>, one <c>event: deployment-event</c> per transition (the DeploymentEvent message as
/// proto3 JSON), ending after the last one.
/// </summary>
internal static class DeploymentEventStream
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public static void MapDeploymentEvents(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/v1/deployments/{id:long}/events", async (long id, HttpContext http) =>
        {
            var store = http.RequestServices.GetRequiredService<DeploymentStore>();
            var ct = http.RequestAborted;
            if (await store.GetAsync(id, ct) is null)
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                await http.Response.WriteAsync($"deployment {id} does not exist\n", ct);
                return;
            }
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            long after = 0;
            while (!ct.IsCancellationRequested)
            {
                var deployment = (await store.GetAsync(id, ct))!;
                foreach (var e in await store.EventsAsync(id, after, ct))
                {
                    after = e.Id;
                    var message = DeploymentGrpcService.ToMessage(e, deployment);
                    await http.Response.WriteAsync($"id: {e.Id}\nevent: deployment-event\ndata: {Json.Format(message)}\n\n", ct);
                }
                await http.Response.Body.FlushAsync(ct);
                if (deployment.State.IsTerminal()) return;
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
            }
        });
}
