using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using YamlDotNet.RepresentationModel;

namespace Sluice.Spec.Tests;

public class JsonSchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(JobSpecJsonSchema.Generate().ToJsonString());

    [Fact]
    public void Authored_spec_validates_against_the_generated_schema()
    {
        var result = Schema.Evaluate(ToJson(SpecTexts.Sessions), new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(result.IsValid, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Theory]
    [InlineData("mode: exactly-once", "mode: exactly-twice")]
    [InlineData("parallelism: 4", "parallelism: four")]
    [InlineData("ttl: 2h", "ttl: two-hours")]
    [InlineData("runtime: flink", "runtime: flink\nbogus: 1")]
    public void Schema_rejects_what_the_loader_rejects(string from, string to)
    {
        Assert.False(Schema.Evaluate(ToJson(SpecTexts.Sessions.Replace(from, to))).IsValid);
    }

    [Fact]
    public void Schema_rejects_both_artifact_kinds()
    {
        var text = SpecTexts.Sessions.Replace("  jar:", "  sql: {dialect: flink-sql, script: x}\n  jar:");

        Assert.False(Schema.Evaluate(ToJson(text)).IsValid);
    }

    /// <summary>YAML → JSON the way an editor's YAML language server does it (numbers and booleans typed).</summary>
    private static JsonElement ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return JsonSerializer.SerializeToElement(Convert(stream.Documents[0].RootNode));
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, Convert(p.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s when double.TryParse(s.Value, System.Globalization.CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "true" or "false" } s => JsonValue.Create(s.Value == "true"),
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => null,
    };
}
