using Sluice.Store;

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

    internal void Check()
    {
        if (string.IsNullOrWhiteSpace(Actor) || Actor.Length > StoreLimits.ActorLength)
            throw new SpecValidationException("actor", "the caller's identity must be 1 to 256 characters");
        if (Client is null || Client.Length > StoreLimits.ClientLength)
            throw new SpecValidationException("client", "the client name must be at most 128 characters");
    }
}
