using System.CommandLine;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;

namespace Sluice.Cli.Client;

/// <summary>Shared option and value formatting of the client commands.</summary>
public static class Formats
{
    public static Option<OutputFormat> OutputOption(OutputFormat fallback = OutputFormat.Table) => new("--output", "-o")
    {
        Description = "Output format: table, yaml or json",
        DefaultValueFactory = _ => fallback,
        CustomParser = result => result.Tokens.Single().Value.ToLowerInvariant() switch
        {
            "table" => OutputFormat.Table,
            "yaml" => OutputFormat.Yaml,
            "json" => OutputFormat.Json,
            var other => Fail(result, other),
        },
    };

    /// <summary>Parser for URL options (System.CommandLine has no built-in Uri conversion).</summary>
    public static Uri? ParseUrl(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            return url;
        }
        result.AddError($"'{text}' is not an http:// URL (expected e.g. http://127.0.0.1:7070)");
        return null;
    }

    public static string Time(Timestamp? time) =>
        time is null ? "" : time.ToDateTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>"sha256:0123456789ab" — enough of the hash to tell revisions apart in a table.</summary>
    public static string ShortHash(string hash) => hash.Length > 19 ? hash[..19] : hash;

    /// <summary>Proto enum values as users write them: SourceKind.FlinkSql (SOURCE_KIND_FLINK_SQL) → flink-sql.</summary>
    public static string Kebab(System.Enum value) =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static OutputFormat Fail(System.CommandLine.Parsing.ArgumentResult result, string value)
    {
        result.AddError($"--output must be table, yaml or json (got '{value}')");
        return OutputFormat.Table;
    }
}
