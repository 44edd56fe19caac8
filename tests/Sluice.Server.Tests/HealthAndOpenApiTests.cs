using System.Net;
using System.Text.Json.Nodes;
using Grpc.Health.V1;

namespace Sluice.Server.Tests;

/// <summary>Health over gRPC and HTTP; the OpenAPI description of the REST surface.</summary>
public sealed class HealthAndOpenApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Grpc_health_reports_serving()
    {
        var health = new Health.HealthClient(fixture.Server.Channel);

        var answer = await health.CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, answer.Status);
    }

    [Theory]
    [InlineData("/healthz/live")]
    [InlineData("/healthz/ready")]
    public async Task Http_health_endpoints_answer_healthy(string path)
    {
        using var response = await fixture.Server.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OpenApi_document_describes_the_transcoded_routes()
    {
        var document = JsonNode.Parse(await fixture.Server.Http.GetStringAsync("/openapi/v1.json"))!;

        Assert.StartsWith("3.", (string?)document["openapi"]);
        var paths = document["paths"]!.AsObject();
        Assert.NotNull(paths["/v1/jobs:apply"]?["post"]);
        Assert.NotNull(paths["/v1/jobs"]?["get"]);
        Assert.NotNull(paths["/v1/namespaces/{namespace}/jobs/{name}"]?["get"]);
        Assert.NotNull(paths["/v1/namespaces/{namespace}/jobs/{name}"]?["delete"]);
        Assert.NotNull(paths["/v1/datasets:lineage"]?["get"]);
        var listParameters = paths["/v1/jobs"]!["get"]!["parameters"]!.AsArray().Select(p => (string?)p!["name"]);
        Assert.Contains("readsDataset", listParameters);
    }
}
