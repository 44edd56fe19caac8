using System.Text;
using Sluice.Sql.Syntax;

namespace Sluice.Sql;

public enum SqlSeverity
{
    Error,
    Warning,
}

/// <summary>One finding about a script, at a line and column, reported the way a compiler does.</summary>
public sealed record SqlDiagnostic(SqlSeverity Severity, SqlPosition Position, string Message)
{
    public bool IsError => Severity == SqlSeverity.Error;

    public static SqlDiagnostic Error(SqlPosition position, string message) => new(SqlSeverity.Error, position, message);

    public static SqlDiagnostic Warning(SqlPosition position, string message) => new(SqlSeverity.Warning, position, message);

    /// <summary>`file:line:column: error: message`, then the offending line and a caret under the column.</summary>
    public string Format(SourceText source)
    {
        var text = new StringBuilder();
        text.Append(source.Name).Append(':').Append(Position.Line).Append(':').Append(Position.Column).Append(": ")
            .Append(IsError ? "error" : "warning").Append(": ").Append(Message);
        var line = source.LineText(Position.Line);
        if (line.Length > 0 || Position.Column > 1)
        {
            text.Append('\n').Append("  ").Append(line.Replace('\t', ' '));
            text.Append('\n').Append("  ").Append(' ', Math.Max(0, Position.Column - 1)).Append('^');
        }
        return text.ToString();
    }

    public override string ToString() => $"{Position.Line}:{Position.Column}: {(IsError ? "error" : "warning")}: {Message}";
}

/// <summary>The only exception the SQL front end throws: the script has errors, all of them listed.</summary>
public sealed class SqlParseException : Exception
{
    public SqlParseException(SourceText source, IReadOnlyList<SqlDiagnostic> diagnostics)
        : base(string.Join("\n", diagnostics.Select(d => d.Format(source))))
    {
        Source = source;
        Diagnostics = diagnostics;
    }

    public new SourceText Source { get; }

    public IReadOnlyList<SqlDiagnostic> Diagnostics { get; }
}
