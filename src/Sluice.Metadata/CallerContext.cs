namespace Sluice.Metadata;

/// <summary>
/// Who is calling and through what. Every command records <see cref="Actor"/> on its audit row.
/// Until authentication lands the server passes a placeholder identity (see <see cref="Anonymous"/>).
/// </summary>
/// <param name="Actor">The authenticated identity, e.g. "alice@example.com" or "svc:autoscaler".</param>
/// <param name="Client">The calling tool and version, e.g. "sluice-cli/0.1" or "grpc".</param>
public sealed record CallerContext(string Actor, string Client)
{
    public static CallerContext Anonymous(string client) => new("anonymous", client);
}
