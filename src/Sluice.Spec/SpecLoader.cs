using Google.Protobuf;
using Sluice.Spec.V1;

namespace Sluice.Spec;

/// <summary>Files and text → validated JobSpec / PlatformConfig, every diagnostic placed at its line:column.</summary>
public static class SpecLoader
{
    public static LoadResult<JobSpec> LoadJobSpecFile(string path, PlatformConfig? platform = null) =>
        ParseJobSpec(ReadFile(path, out var error) ?? "", path, platform, error);

    public static LoadResult<JobSpec> ParseJobSpec(string text, string sourceName, PlatformConfig? platform = null) =>
        ParseJobSpec(text, sourceName, platform, null);

    public static LoadResult<PlatformConfig> LoadPlatformFile(string path) =>
        ParsePlatform(ReadFile(path, out var error) ?? "", path, error);

    public static LoadResult<PlatformConfig> ParsePlatform(string text, string sourceName) =>
        ParsePlatform(text, sourceName, null);

    private static LoadResult<JobSpec> ParseJobSpec(string text, string source, PlatformConfig? platform, Diagnostic? readError) =>
        Parse<JobSpec>(text, source, readError, spec => SpecValidator.Validate(spec, platform));

    private static LoadResult<PlatformConfig> ParsePlatform(string text, string source, Diagnostic? readError) =>
        Parse<PlatformConfig>(text, source, readError, PlatformValidator.Validate);

    private static LoadResult<T> Parse<T>(string text, string source, Diagnostic? readError, Func<T, IReadOnlyList<Diagnostic>> validate)
        where T : class, IMessage<T>, new()
    {
        if (readError is not null)
        {
            return new LoadResult<T>(null, [readError], source);
        }
        var (message, diagnostics, sourceMap) = ProtoYamlReader.Read<T>(text);
        var all = diagnostics.ToList();
        if (message is not null)
        {
            // A field that failed to parse reads as unset; its rule findings ("is required") would only repeat
            // the parse error, so rules are not reported on or under a path that already has one.
            var broken = diagnostics.Select(d => d.Path).ToList();
            all.AddRange(validate(message)
                .Where(d => !broken.Any(path => IsAtOrUnder(d.Path, path)))
                .Select(sourceMap.Locate));
        }
        var ordered = all.OrderBy(d => d.Line).ThenBy(d => d.Column).ToList();
        return new LoadResult<T>(ordered.Any(d => d.IsError) ? null : message, ordered, source);
    }

    private static bool IsAtOrUnder(string path, string ancestor) =>
        path == ancestor || (path.StartsWith(ancestor, StringComparison.Ordinal) && path.Length > ancestor.Length && path[ancestor.Length] is '.' or '[');

    private static string? ReadFile(string path, out Diagnostic? error)
    {
        error = null;
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = Diagnostic.Error("", $"cannot read {path}: {e.Message}");
            return null;
        }
    }
}
