using Sluice.Migration.Legacy;

namespace Sluice.Migration.Tests;

public sealed class JavaPropertiesTests
{
    private static Dictionary<string, string> Parse(string text) =>
        JavaProperties.Parse(text, "test.properties").ToDictionary(entry => entry.Key, entry => entry.Value);

    [Fact]
    public void Separators_are_equals_colon_or_blanks_with_blanks_around_them()
    {
        var parsed = Parse("a=1\nb : 2\nc 3\nd\t=\t4\ne=\nf\n  g = x = y\n");
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["c"] = "3", ["d"] = "4", ["e"] = "", ["f"] = "", ["g"] = "x = y" }, parsed);
    }

    [Fact]
    public void Comments_start_with_hash_or_bang_after_leading_blanks_only()
    {
        var parsed = Parse("# comment\n  ! another\n #indented=comment\nkey=value # not a comment\n");
        Assert.Equal(new Dictionary<string, string> { ["key"] = "value # not a comment" }, parsed);
    }

    [Fact]
    public void A_trailing_odd_backslash_continues_the_line_and_drops_the_next_lines_leading_blanks()
    {
        var parsed = Parse("task.inputs=kafka.a,\\\n    kafka.b,\\\n\tkafka.c\nescaped=ends with \\\\\nnext=1\n");
        Assert.Equal("kafka.a,kafka.b,kafka.c", parsed["task.inputs"]);
        Assert.Equal("ends with \\", parsed["escaped"]);
        Assert.Equal("1", parsed["next"]);
    }

    [Fact]
    public void A_continuation_line_that_starts_with_a_hash_is_not_a_comment()
    {
        Assert.Equal("a#b", Parse("k=a\\\n  #b\n")["k"]);
    }

    [Fact]
    public void Escapes_in_keys_and_values_are_resolved()
    {
        var parsed = Parse("key\\ with\\:separators=tab\\there\nunicode=caf\\u00e9 \\u20ac\nother=\\q\\=\n");
        Assert.Equal("tab\there", parsed["key with:separators"]);
        Assert.Equal("café €", parsed["unicode"]);
        Assert.Equal("q=", parsed["other"]);
    }

    [Fact]
    public void Line_endings_may_be_lf_cr_or_crlf_and_the_last_value_wins()
    {
        var entries = JavaProperties.Parse("a=1\r\nb=2\rc=3\na=4", "x.properties");
        Assert.Equal(["b", "c", "a"], entries.Select(entry => entry.Key).ToArray());
        Assert.Equal("4", entries.Single(entry => entry.Key == "a").Value);
        Assert.Equal(4, entries.Single(entry => entry.Key == "a").Line);
    }

    [Fact]
    public void A_malformed_unicode_escape_is_an_error_at_its_line_and_column()
    {
        var error = Assert.Throws<LegacyConfigException>(() => JavaProperties.Parse("ok=1\n  bad=ab\\u12G4\n", "job.properties"));
        Assert.Equal(2, error.Line);
        Assert.Equal(9, error.Column);
        Assert.StartsWith("job.properties:2:9: malformed \\uXXXX escape", error.Message);
    }

    [Fact]
    public void A_truncated_unicode_escape_in_a_continued_line_is_placed_on_the_continuation()
    {
        var error = Assert.Throws<LegacyConfigException>(() => JavaProperties.Parse("k=a\\\n   b\\u12\n", "job.properties"));
        Assert.Equal((2, 5), (error.Line, error.Column));
    }
}
