using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;

namespace Sluice.Cli.Client;

/// <summary>The --server option every client command shares, and the gRPC channel it opens.</summary>
public static class ServerConnection
{
    public const string ActorHeader = "x-sluice-actor";
    public const string RequestIdHeader = "x-sluice-request-id";

    public static readonly Option<Uri> ServerOption = new("--server")
    {
        Description = "Sluice API URL (the server's --listen); default $SLUICE_SERVER or http://127.0.0.1:7070",
        DefaultValueFactory = _ => new Uri(Environment.GetEnvironmentVariable("SLUICE_SERVER") ?? "http://127.0.0.1:7070"),
        Recursive = true,
    };

    public static GrpcChannel Open(ParseResult parse) => GrpcChannel.ForAddress(parse.GetRequiredValue(ServerOption),
        new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } });

    /// <summary>Who is calling (placeholder until real identity): $SLUICE_ACTOR, else the OS user name.</summary>
    public static Metadata Headers(string? requestId = null)
    {
        var headers = new Metadata { { ActorHeader, Environment.GetEnvironmentVariable("SLUICE_ACTOR") ?? Environment.UserName } };
        if (requestId is not null)
        {
            headers.Add(RequestIdHeader, requestId);
        }
        return headers;
    }
}
