using System.Text.Json.Nodes;
using Sluice.Runtimes.Rendering;

namespace Sluice.Runtimes.Tests.Compilers;

public class YamlWriterTests
{
    [Theory]
    [InlineData("")]
    [InlineData("true")]
    [InlineData("off")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("1")]
    [InlineData("-1.5e3")]
    [InlineData(".inf")]
    [InlineData("0x1F")]
    [InlineData("12:30")]
    [InlineData("2048m")]
    [InlineData("a: b")]
    [InlineData("- item")]
    [InlineData("#not a comment")]
    [InlineData("'quoted'")]
    [InlineData("{braces}")]
    [InlineData("SELECT 1;\n  -- indented line \nFROM t\n")]
    [InlineData("  leading and trailing  ")]
    public void Strings_read_back_as_the_same_strings(string text)
    {
        var tree = new JsonObject { ["value"] = text, ["list"] = new JsonArray(text) };

        var readBack = YamlJson.Parse(YamlWriter.Write(tree))!;

        Assert.Equal(text, readBack["value"]!.GetValue<string>());
        Assert.Equal(text, readBack["list"]![0]!.GetValue<string>());
    }

    [Fact]
    public void Numbers_booleans_and_key_order_survive()
    {
        var tree = new JsonObject { ["z"] = 1, ["a"] = 0.5, ["m"] = true, ["k"] = null };

        var yaml = YamlWriter.Write(tree);

        Assert.Equal("z: 1\na: 0.5\nm: true\nk: null\n", yaml);
        Assert.True(JsonNode.DeepEquals(tree, YamlJson.Parse(yaml)));
    }
}
