using System.Buffers.Text;
using System.Text;

namespace Sluice.Metadata;

/// <summary>
/// Opaque keyset page tokens: the sort key of the last item returned, tagged with the list it belongs to, so a
/// page never repeats or skips an item while others write.
/// </summary>
internal static class PageToken
{
    private const char Separator = '\n';

    public static string Encode(string list, params string[] key) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(list + Separator + string.Join(Separator, key)));

    /// <summary>The key parts, or null for an empty token; a token from another list or garbage is refused.</summary>
    public static string[]? Decode(string list, string token, int parts)
    {
        if (string.IsNullOrEmpty(token)) return null;
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw Invalid();
        }
        var fields = text.Split(Separator);
        if (fields.Length != parts + 1 || fields[0] != list) throw Invalid();
        return fields[1..];
    }

    public static long? DecodeNumber(string list, string token)
    {
        if (Decode(list, token, 1) is not { } parts) return null;
        return long.TryParse(parts[0], out var number) ? number : throw Invalid();
    }

    private static SpecValidationException Invalid() =>
        new("page_token", "is not a page token returned by this list (start over without one)");
}
