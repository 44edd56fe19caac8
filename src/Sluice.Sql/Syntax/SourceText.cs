namespace Sluice.Sql.Syntax;

/// <summary>A script's text with the offsets of its line starts, so positions are kept as offsets and turned into
/// line:column only when someone asks (errors, the analysis summary).</summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    public SourceText(string text, string name)
    {
        Text = text;
        Name = name;
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }
        _lineStarts = starts.ToArray();
    }

    public string Text { get; }

    public string Name { get; }

    public SqlPosition PositionOf(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var line = Array.BinarySearch(_lineStarts, offset);
        if (line < 0)
        {
            line = ~line - 1;
        }
        return new SqlPosition(offset, line + 1, offset - _lineStarts[line] + 1);
    }

    /// <summary>The text of the 1-based line, without its line break.</summary>
    public string LineText(int line)
    {
        if (line < 1 || line > _lineStarts.Length)
        {
            return "";
        }
        var start = _lineStarts[line - 1];
        var end = line < _lineStarts.Length ? _lineStarts[line] : Text.Length;
        return Text[start..end].TrimEnd('\n', '\r');
    }
}

/// <summary>A place in a script: the character offset and its 1-based line and column.</summary>
public readonly record struct SqlPosition(int Offset, int Line, int Column)
{
    public override string ToString() => $"{Line}:{Column}";
}
