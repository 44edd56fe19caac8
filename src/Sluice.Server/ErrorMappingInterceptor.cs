using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Sluice.Metadata;
using Sluice.Spec.V1;

namespace Sluice.Server;

/// <summary>
/// Maps the domain's refusals to gRPC status codes (and, through JSON transcoding, HTTP status codes):
/// validation → INVALID_ARGUMENT / 400 with one google.rpc.BadRequest field violation per error;
/// conflict → ABORTED / 409; not found → NOT_FOUND / 404. Anything else is logged and answered INTERNAL
/// without leaking its message.
/// </summary>
public sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception error) when (error is not RpcException)
        {
            throw Map(error, request, context);
        }
    }

    private RpcException Map(Exception error, object request, ServerCallContext context) => error switch
    {
        SpecValidationException invalid => InvalidArgument(invalid, SourceName(request)),
        ConflictException conflict => Status(Code.Aborted, conflict.Message, conflict.CurrentRevision is { } current
            ? Any.Pack(new ErrorInfo { Reason = "REVISION_CONFLICT", Domain = "sluice.dev", Metadata = { ["current_revision"] = current.ToString(System.Globalization.CultureInfo.InvariantCulture) } })
            : null),
        NotFoundException missing => Status(Code.NotFound, missing.Message, null),
        Deployment.Workflow.DeploymentRequestException refused => Status(refused.Error switch
        {
            Deployment.Workflow.DeploymentRequestError.NotFound => Code.NotFound,
            Deployment.Workflow.DeploymentRequestError.Invalid => Code.InvalidArgument,
            _ => Code.FailedPrecondition,
        }, refused.Message, null),
        OperationCanceledException when context.CancellationToken.IsCancellationRequested =>
            Status(Code.Cancelled, "the call was cancelled", null),
        _ => Internal(error, context),
    };

    private static RpcException InvalidArgument(SpecValidationException invalid, string? sourceName)
    {
        var badRequest = new BadRequest();
        foreach (var violation in invalid.Violations)
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation
            {
                Field = violation.Path,
                Description = Locate(violation, sourceName) + violation.Message,
            });
        }
        var summary = invalid.Violations.Count == 1
            ? Locate(invalid.Violations[0], sourceName) + invalid.Violations[0].Path + ": " + invalid.Violations[0].Message
            : $"{invalid.Violations.Count} validation errors";
        return Status(Code.InvalidArgument, summary, Any.Pack(badRequest));
    }

    /// <summary>"job.yaml:12:5: " when the error has a position in a file the caller sent as text.</summary>
    private static string Locate(Sluice.Metadata.FieldViolation violation, string? sourceName) =>
        violation.Line <= 0 ? ""
            : string.IsNullOrEmpty(sourceName) ? $"{violation.Line}:{violation.Column}: "
            : $"{sourceName}:{violation.Line}:{violation.Column}: ";

    private static string? SourceName(object request) => request is ApplyJobRequest { Source: { } source } ? source.FileName : null;

    private RpcException Internal(Exception error, ServerCallContext context)
    {
        logger.LogError(error, "{Method} failed", context.Method);
        return Status(Code.Internal, "internal error; see the server log", null);
    }

    private static RpcException Status(Code code, string message, Any? detail)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        if (detail is not null)
        {
            status.Details.Add(detail);
        }
        return status.ToRpcException();
    }
}
