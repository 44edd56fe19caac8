using System.CommandLine;
using Grpc.Core;
using Sluice.Spec.V1;

namespace Sluice.Cli.Client;

/// <summary>Runs one client command against the server and turns failed calls into readable errors and exit codes.</summary>
public static class ClientCall
{
    public static async Task<int> RunAsync(ParseResult parse, Func<MetadataService.MetadataServiceClient, Task<int>> body)
    {
        using var channel = ServerConnection.Open(parse);
        try
        {
            return await body(new MetadataService.MetadataServiceClient(channel));
        }
        catch (RpcException error)
        {
            return RpcErrorReport.Print(error);
        }
    }

    public static CallOptions Options(CancellationToken cancellation, string? requestId = null) =>
        new(headers: ServerConnection.Headers(requestId), cancellationToken: cancellation);
}
