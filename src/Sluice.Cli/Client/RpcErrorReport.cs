using Google.Rpc;
using Grpc.Core;

namespace Sluice.Cli.Client;

/// <summary>Turns a failed call into what a user reads: the status, then one line per field violation.</summary>
public static class RpcErrorReport
{
    public static int Print(RpcException error)
    {
        Console.Error.WriteLine($"error: {Describe(error.StatusCode)}: {error.Status.Detail}");
        var violations = error.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations ?? [];
        foreach (var violation in violations)
        {
            Console.Error.WriteLine($"  {violation.Field}: {violation.Description}");
        }
        return error.StatusCode switch
        {
            StatusCode.InvalidArgument => 2,
            StatusCode.Unavailable => 3,
            _ => 1,
        };
    }

    private static string Describe(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument => "invalid",
        StatusCode.NotFound => "not found",
        StatusCode.Aborted => "conflict",
        StatusCode.AlreadyExists => "already exists",
        StatusCode.Unavailable => "server unavailable",
        _ => code.ToString(),
    };
}
