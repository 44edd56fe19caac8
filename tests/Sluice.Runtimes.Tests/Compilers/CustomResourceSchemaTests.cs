using System.Text.Json.Nodes;
using Sluice.Runtimes.Flink;
using Sluice.Runtimes.Rendering;
using Sluice.Runtimes.Validation;

namespace Sluice.Runtimes.Tests.Compilers;

public class CustomResourceSchemaTests
{
    internal static readonly CustomResourceSchema FlinkDeployment =
        CustomResourceSchema.Load(RepositoryPaths.FlinkDeploymentCrd, "v1beta1");

    private static JsonObject ValidManifest()
    {
        var platform = TestSpecs.Platform();
        var manifest = FlinkDeploymentCompiler.Compile(TestSpecs.WindowedAggregation(), platform, TestSpecs.East(platform)).Manifest;
        return (JsonObject)YamlJson.Parse(FlinkManifestWriter.ToYaml(manifest))!;
    }

    [Fact]
    public void The_schema_comes_from_the_crd_file()
    {
        Assert.Equal("flink.apache.org/v1beta1", FlinkDeployment.ApiVersion);
        Assert.Equal("FlinkDeployment", FlinkDeployment.Kind);
        var upgradeMode = FlinkDeployment.Translated["properties"]!["spec"]!["properties"]!["job"]!["properties"]!["upgradeMode"]!;
        Assert.Equal(["last-state", "savepoint", "stateless"], upgradeMode["enum"]!.AsArray().Select(value => value!.GetValue<string>()));
    }

    [Theory]
    [InlineData("autoscaling.yaml")]
    [InlineData("basic-checkpoint-ha.yaml")]
    public void The_operators_own_examples_pass(string example)
    {
        var path = Path.Combine(RepositoryPaths.Reference, "flink-operator", "examples", example);

        Assert.Empty(FlinkDeployment.Validate(YamlJson.Parse(File.ReadAllText(path))!));
    }

    [Fact]
    public void A_compiled_manifest_passes()
    {
        Assert.Empty(FlinkDeployment.Validate(ValidManifest()));
    }

    [Fact]
    public void An_unknown_upgrade_mode_is_rejected()
    {
        var manifest = ValidManifest();
        manifest["spec"]!["job"]!["upgradeMode"] = "sometimes";

        var violation = Assert.Single(FlinkDeployment.Validate(manifest));
        Assert.Equal("/spec/job/upgradeMode", violation.Location);
    }

    [Fact]
    public void A_string_where_an_integer_is_required_is_rejected()
    {
        var manifest = ValidManifest();
        manifest["spec"]!["job"]!["parallelism"] = "four";

        Assert.Contains(FlinkDeployment.Validate(manifest), violation => violation.Location == "/spec/job/parallelism");
    }

    [Fact]
    public void An_unknown_field_is_rejected_but_flink_configuration_takes_any_key()
    {
        var manifest = ValidManifest();
        manifest["spec"]!["job"]!["jarUri"] = "s3://typo.jar";
        manifest["spec"]!["flinkConfiguration"]!["anything.at.all"] = "x";

        var violation = Assert.Single(FlinkDeployment.Validate(manifest));
        Assert.Equal("/spec/job/jarUri", violation.Location);
    }

    [Fact]
    public void Wrong_kind_and_invalid_name_are_rejected()
    {
        var manifest = ValidManifest();
        manifest["kind"] = "FlinkSessionJob";
        manifest["metadata"]!["name"] = "Revenue_Per_Minute";

        var locations = FlinkDeployment.Validate(manifest).Select(violation => violation.Location).ToArray();
        Assert.Contains("/kind", locations);
        Assert.Contains("/metadata/name", locations);
    }

    [Fact]
    public void Nullable_becomes_a_null_type_and_unknown_extensions_are_refused()
    {
        var crd = Path.Combine(Path.GetTempPath(), $"crd-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(crd, """
            spec:
              group: example.com
              names: {kind: Widget}
              versions:
              - name: v1
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        properties:
                          size: {type: integer, nullable: true}
                          ports:
                            type: array
                            x-kubernetes-list-type: set
                            items: {type: integer}
            """);
        try
        {
            var error = Assert.Throws<NotSupportedException>(() => CustomResourceSchema.Load(crd, "v1"));
            Assert.Contains("x-kubernetes-list-type", error.Message, StringComparison.Ordinal);

            File.WriteAllText(crd, File.ReadAllText(crd).Replace("x-kubernetes-list-type: set", "minItems: 0", StringComparison.Ordinal));
            var schema = CustomResourceSchema.Load(crd, "v1");
            var widget = JsonNode.Parse("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":null}}""")!;
            Assert.Empty(schema.Validate(widget));
            widget["spec"]!["size"] = "big";
            Assert.Contains(schema.Validate(widget), violation => violation.Location == "/spec/size");
        }
        finally
        {
            File.Delete(crd);
        }
    }
}
