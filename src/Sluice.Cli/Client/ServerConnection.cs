using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;
using Sluice.Server;

namespace Sluice.Cli.Client;

/// <summary>The --server option every client command shares, and the gRPC channel it opens.</summary>
public static class ServerConnection
{
    public static readonly Option<Uri> ServerOption = new("--server")
    {
        Description = "Sluice API URL (the server's --listen); default $SLUICE_SERVER or http://127.0.0.1:7070",
        DefaultValueFactory = _ => new Uri(Environment.GetEnvironmentVariable("SLUICE_SERVER") ?? "http://127.0.0.1:7070"),
        Recursive = true,
        CustomParser = result => Formats.ParseUrl(result)!,
    };

    public static GrpcChannel Open(ParseResult parse) => GrpcChannel.ForAddress(parse.GetRequiredValue(ServerOption),
        new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } });

    /// <summary>Who is calling (placeholder until real identity): $SLUICE_ACTOR, else the OS user name.</summary>
    public static Grpc.Core.Metadata Headers(string? requestId = null)
    {
        var headers = new Grpc.Core.Metadata
        {
            { CallerHeaders.Actor, Environment.GetEnvironmentVariable("SLUICE_ACTOR") ?? Environment.UserName },
            { CallerHeaders.Client, "sluice-cli/0.1" },
        };
        if (requestId is not null)
        {
            headers.Add(CallerHeaders.RequestId, requestId);
        }
        return headers;
    }
}
