using Grpc.Core;
using Sluice.Metadata;

namespace Sluice.Server;

/// <summary>
/// The caller's identity placeholder and idempotency key, read from request headers (gRPC metadata; with REST
/// transcoding the HTTP headers of the same names): <c>x-sluice-actor</c> (default "anonymous"),
/// <c>x-sluice-client</c> (default the user agent) and <c>x-sluice-request-id</c>.
/// </summary>
public static class CallerHeaders
{
    public const string Actor = "x-sluice-actor";
    public const string Client = "x-sluice-client";
    public const string RequestId = "x-sluice-request-id";

    public static CallerContext Caller(ServerCallContext context)
    {
        var actor = context.RequestHeaders.GetValue(Actor);
        var client = context.RequestHeaders.GetValue(Client) ?? context.RequestHeaders.GetValue("user-agent") ?? "unknown";
        return string.IsNullOrWhiteSpace(actor) ? CallerContext.Anonymous(client) : new CallerContext(actor.Trim(), client);
    }

    /// <summary>The request id from the body when set, else from the header, else empty (no idempotency).</summary>
    public static string RequestIdOr(string fromBody, ServerCallContext context) =>
        fromBody.Length > 0 ? fromBody : context.RequestHeaders.GetValue(RequestId) ?? "";
}
