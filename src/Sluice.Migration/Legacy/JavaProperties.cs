using System.Globalization;
using System.Text;

namespace Sluice.Migration.Legacy;

/// <summary>
/// A reader for the java.util.Properties text format, written here because no maintained .NET package reads it
/// faithfully. It follows Properties.load: natural lines end at \n, \r or \r\n; a line ending in an odd number of
/// backslashes continues on the next one (whose leading blanks are dropped); `#` or `!` as the first non-blank
/// character makes a comment; the key ends at the first unescaped `=`, `:` or blank, and one `=`/`:` with blanks
/// around it separates it from the value; \t \n \r \f \uXXXX are escapes and a backslash before any other
/// character stands for that character. A key written twice keeps its last value, as Java does.
/// </summary>
public static class JavaProperties
{
    public static IReadOnlyList<ConfigEntry> Parse(string text, string source)
    {
        var entries = new List<ConfigEntry>();
        var lines = SplitNaturalLines(text);
        for (var index = 0; index < lines.Count; index++)
        {
            var (start, content) = lines[index];
            var first = SkipBlanks(content, 0);
            if (first == content.Length || content[first] is '#' or '!')
            {
                continue;
            }
            // The logical line: join continuations, remembering where each piece started for error positions.
            var logical = new StringBuilder(content[first..]);
            var pieces = new List<(int Offset, int Line, int Column)> { (0, start, first + 1) };
            while (EndsWithOddBackslashes(logical) && index + 1 < lines.Count)
            {
                logical.Length--;
                index++;
                var next = lines[index];
                var skip = SkipBlanks(next.Content, 0);
                pieces.Add((logical.Length, next.Line, skip + 1));
                logical.Append(next.Content, skip, next.Content.Length - skip);
            }
            if (EndsWithOddBackslashes(logical))
            {
                // A continuation at the end of the file continues into nothing.
                logical.Length--;
            }
            entries.Add(ParseLogicalLine(logical.ToString(), pieces, source));
        }
        return entries
            .GroupBy(entry => entry.Key, StringComparer.Ordinal)
            .Select(group => group.Last())
            .OrderBy(entry => entry.Line)
            .ToList();
    }

    private static ConfigEntry ParseLogicalLine(string line, List<(int Offset, int Line, int Column)> pieces, string source)
    {
        var keyEnd = 0;
        while (keyEnd < line.Length && line[keyEnd] is not ('=' or ':' or ' ' or '\t' or '\f'))
        {
            keyEnd += line[keyEnd] == '\\' ? 2 : 1;
        }
        keyEnd = Math.Min(keyEnd, line.Length);
        var valueStart = SkipBlanks(line, keyEnd);
        if (valueStart < line.Length && line[valueStart] is '=' or ':')
        {
            valueStart = SkipBlanks(line, valueStart + 1);
        }
        var key = Unescape(line, 0, keyEnd, pieces, source);
        var value = Unescape(line, valueStart, line.Length, pieces, source);
        var (lineNumber, column) = Position(0, pieces);
        return new ConfigEntry(key, value, lineNumber, column);
    }

    private static string Unescape(string text, int from, int to, List<(int Offset, int Line, int Column)> pieces, string source)
    {
        var result = new StringBuilder(to - from);
        for (var index = from; index < to; index++)
        {
            var character = text[index];
            if (character != '\\' || index + 1 >= text.Length)
            {
                result.Append(character);
                continue;
            }
            var escaped = text[++index];
            switch (escaped)
            {
                case 't': result.Append('\t'); break;
                case 'n': result.Append('\n'); break;
                case 'r': result.Append('\r'); break;
                case 'f': result.Append('\f'); break;
                case 'u':
                    if (to - index - 1 < 4
                        || !int.TryParse(text.AsSpan(index + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        var (line, column) = Position(index - 1, pieces);
                        throw new LegacyConfigException(source, line, column, "malformed \\uXXXX escape: expected four hexadecimal digits after \\u");
                    }
                    result.Append((char)code);
                    index += 4;
                    break;
                default: result.Append(escaped); break;
            }
        }
        return result.ToString();
    }

    private static (int Line, int Column) Position(int offset, List<(int Offset, int Line, int Column)> pieces)
    {
        var piece = pieces.Last(candidate => candidate.Offset <= offset);
        return (piece.Line, piece.Column + offset - piece.Offset);
    }

    private static List<(int Line, string Content)> SplitNaturalLines(string text)
    {
        var lines = new List<(int, string)>();
        var start = 0;
        var number = 1;
        for (var index = 0; index <= text.Length; index++)
        {
            if (index == text.Length || text[index] is '\n' or '\r')
            {
                if (index < text.Length || start < text.Length)
                {
                    lines.Add((number, text[start..index]));
                }
                if (index < text.Length && text[index] == '\r' && index + 1 < text.Length && text[index + 1] == '\n')
                {
                    index++;
                }
                start = index + 1;
                number++;
            }
        }
        return lines;
    }

    private static bool EndsWithOddBackslashes(StringBuilder text)
    {
        var count = 0;
        for (var index = text.Length - 1; index >= 0 && text[index] == '\\'; index--)
        {
            count++;
        }
        return count % 2 == 1;
    }

    private static int SkipBlanks(string text, int from)
    {
        while (from < text.Length && text[from] is ' ' or '\t' or '\f')
        {
            from++;
        }
        return from;
    }
}
