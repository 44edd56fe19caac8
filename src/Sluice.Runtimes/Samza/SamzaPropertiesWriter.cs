using System.Globalization;
using System.Text;

namespace Sluice.Runtimes.Samza;

/// <summary>Writes a Samza config as a Java .properties file (the format Samza's PropertiesConfigFactory reads).</summary>
public static class SamzaPropertiesWriter
{
    public static string Write(SamzaJobConfig config, string header)
    {
        var text = new StringBuilder();
        foreach (var line in header.Split('\n'))
        {
            text.Append("# ").Append(line).Append('\n');
        }
        foreach (var (key, value) in config.Properties)
        {
            text.Append(Escape(key, isKey: true)).Append('=').Append(Escape(value, isKey: false)).Append('\n');
        }
        return text.ToString();
    }

    // java.util.Properties escaping: separators and comment characters in keys, leading blanks, control
    // characters, and non-ASCII as \uXXXX so the file reads the same in ISO-8859-1.
    private static string Escape(string text, bool isKey)
    {
        var escaped = new StringBuilder(text.Length);
        for (var index = 0; index < text.Length; index++)
        {
            var character = text[index];
            switch (character)
            {
                case '\\': escaped.Append(@"\\"); break;
                case '\n': escaped.Append(@"\n"); break;
                case '\r': escaped.Append(@"\r"); break;
                case '\t': escaped.Append(@"\t"); break;
                case '\f': escaped.Append(@"\f"); break;
                case ' ' when isKey || index == 0: escaped.Append(@"\ "); break;
                case '=' or ':' or '#' or '!' when isKey || index == 0: escaped.Append('\\').Append(character); break;
                case < ' ' or > '~': escaped.Append(@"\u").Append(((int)character).ToString("X4", CultureInfo.InvariantCulture)); break;
                default: escaped.Append(character); break;
            }
        }
        return escaped.ToString();
    }
}
