namespace Sluice.Migration.Legacy;

/// <summary>A legacy config or annotations file that cannot be read: the message names the file and line:column.</summary>
public sealed class LegacyConfigException(string file, int line, int column, string message)
    : Exception($"{file}:{line}:{column}: {message}")
{
    public string File { get; } = file;

    public int Line { get; } = line;

    public int Column { get; } = column;
}
