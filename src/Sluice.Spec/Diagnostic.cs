namespace Sluice.Spec;

public enum DiagnosticSeverity
{
    Error,
    Warning,
}

/// <summary>
/// One finding about an input: where it is (field path, and line:column when the input was text) and what was
/// expected. Line and column are 1-based; 0 means the position is not known (a spec built in code).
/// </summary>
public sealed record Diagnostic(DiagnosticSeverity Severity, string Path, string Message, int Line = 0, int Column = 0)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    public static Diagnostic Error(string path, string message) => new(DiagnosticSeverity.Error, path, message);

    public static Diagnostic Warning(string path, string message) => new(DiagnosticSeverity.Warning, path, message);

    public Diagnostic At(SourcePosition position) => this with { Line = position.Line, Column = position.Column };

    /// <summary>`file:line:column: error: path: message`, the shape compilers and editors understand.</summary>
    public string Format(string? source = null)
    {
        var where = Line > 0 ? $"{source ?? "<input>"}:{Line}:{Column}" : source ?? "<input>";
        var severity = IsError ? "error" : "warning";
        var field = Path.Length > 0 ? $"{Path}: " : "";
        return $"{where}: {severity}: {field}{Message}";
    }

    public override string ToString() => Format();
}

public readonly record struct SourcePosition(int Line, int Column);

/// <summary>A loaded value with every diagnostic found; <see cref="Value"/> is null when any is an error.</summary>
public sealed record LoadResult<T>(T? Value, IReadOnlyList<Diagnostic> Diagnostics, string Source)
    where T : class
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.IsError);

    public IEnumerable<Diagnostic> Warnings => Diagnostics.Where(d => !d.IsError);
}
