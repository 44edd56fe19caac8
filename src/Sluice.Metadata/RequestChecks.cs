using Sluice.Spec;
using Sluice.Store;

namespace Sluice.Metadata;

internal static class RequestChecks
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public static int PageSize(int requested)
    {
        if (requested < 0 || requested > MaxPageSize)
            throw new SpecValidationException("page_size", $"must be between 1 and {MaxPageSize} (0 means {DefaultPageSize}), got {requested}");
        return requested == 0 ? DefaultPageSize : requested;
    }

    /// <summary>The idempotency key, or null when the caller sent none.</summary>
    public static string? RequestId(string requestId)
    {
        if (string.IsNullOrEmpty(requestId)) return null;
        if (requestId.Length > StoreLimits.RequestIdLength || requestId.Any(char.IsControl))
            throw new SpecValidationException("request_id", $"must be at most {StoreLimits.RequestIdLength} printable characters");
        return requestId;
    }

    public static void JobName(string @namespace, string name)
    {
        var violations = new List<FieldViolation>();
        if (!Names.IsDns1123Label(@namespace))
            violations.Add(new FieldViolation("namespace", 0, 0, $"'{@namespace}' is not {Names.Dns1123Expected}"));
        if (!Names.IsDns1123Label(name))
            violations.Add(new FieldViolation("name", 0, 0, $"'{name}' is not {Names.Dns1123Expected}"));
        if (violations.Count > 0) throw new SpecValidationException(violations);
    }

    /// <summary>A dataset URI as stored (DatasetUri lower-cases the system): "KAFKA://c/T" finds "kafka://c/T".</summary>
    public static string DatasetUri(string uri)
    {
        var trimmed = uri.Trim();
        var scheme = trimmed.IndexOf("://", StringComparison.Ordinal);
        return scheme < 0 ? trimmed : trimmed[..scheme].ToLowerInvariant() + trimmed[scheme..];
    }

    public static string Target(string @namespace, string name) => $"job/{@namespace}/{name}";
}
