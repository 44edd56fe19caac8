using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Server.Tests;

/// <summary>The same MetadataService as REST/JSON (gRPC JSON transcoding) over real HTTP/1.1 on loopback.</summary>
public sealed class RestApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Http => fixture.Server.Http;

    private static JsonObject ApplyBody(string text, string file = "job.yaml") => new()
    {
        ["source"] = new JsonObject { ["kind"] = "SOURCE_KIND_SPEC", ["text"] = text, ["fileName"] = file },
    };

    [Fact]
    public async Task Apply_then_get_over_http_1_1()
    {
        using var applied = await Http.PostAsJsonAsync("/v1/jobs:apply", ApplyBody(Specs.Job("rest-get")));
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal(new Version(1, 1), applied.Version);
        var answer = JsonNode.Parse(await applied.Content.ReadAsStringAsync())!;
        Assert.Equal("APPLY_OUTCOME_CREATED", (string?)answer["outcome"]);

        var job = JsonNode.Parse(await Http.GetStringAsync("/v1/namespaces/growth/jobs/rest-get"))!;

        Assert.Equal("1", (string?)job["revision"]);
        Assert.Equal((string?)answer["specHash"], (string?)job["specHash"]);
        Assert.Equal("page-views", (string?)job["spec"]!["sources"]![0]!["name"]);
    }

    [Fact]
    public async Task Invalid_spec_is_400_with_google_rpc_status_and_field_violations()
    {
        var text = Specs.Job("rest-invalid").Replace("runtime: flink", "runtime: flonk");

        using var response = await Http.PostAsJsonAsync("/v1/jobs:apply", ApplyBody(text, "bad.yaml"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(3, (int)status["code"]!);
        var detail = Assert.Single(status["details"]!.AsArray())!;
        Assert.Equal("type.googleapis.com/google.rpc.BadRequest", (string?)detail["@type"]);
        var violation = Assert.Single(detail["fieldViolations"]!.AsArray())!;
        Assert.Equal("runtime", (string?)violation["field"]);
        Assert.StartsWith("bad.yaml:6:10: ", (string?)violation["description"]);
    }

    [Fact]
    public async Task Conflict_is_409()
    {
        using var first = await Http.PostAsJsonAsync("/v1/jobs:apply", ApplyBody(Specs.Job("rest-conflict")));
        first.EnsureSuccessStatusCode();
        var stale = ApplyBody(Specs.Job("rest-conflict", parallelism: 9));
        stale["expectedRevision"] = "0";

        using var response = await Http.PostAsJsonAsync("/v1/jobs:apply", stale);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(10, (int)status["code"]!);
    }

    [Fact]
    public async Task Unknown_job_is_404()
    {
        using var response = await Http.GetAsync("/v1/namespaces/growth/jobs/no-such-job");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Malformed_json_body_is_400()
    {
        using var response = await Http.PostAsync("/v1/jobs:apply", new StringContent("{\"source\": ", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Actor_header_flows_into_the_audit_log_and_lineage_answers_over_rest()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs:apply")
        {
            Content = JsonContent.Create(ApplyBody(Specs.Job("rest-audit", reads: "rest-orders", writes: "rest-order-stats"))),
        };
        request.Headers.Add(CallerHeaders.Actor, "bob@example.com");
        using var applied = await Http.SendAsync(request);
        applied.EnsureSuccessStatusCode();

        var audit = JsonNode.Parse(await Http.GetStringAsync("/v1/audit?namespace=growth&name=rest-audit"))!;
        var lineage = JsonNode.Parse(await Http.GetStringAsync("/v1/datasets:lineage?uri=" + Uri.EscapeDataString("kafka://tracking/rest-orders")))!;
        var listed = JsonNode.Parse(await Http.GetStringAsync("/v1/jobs?readsDataset=" + Uri.EscapeDataString("kafka://tracking/rest-orders")))!;

        Assert.Equal("bob@example.com", (string?)audit["events"]![0]!["actor"]);
        Assert.Equal("rest-audit", (string?)lineage["readers"]![0]!["name"]);
        Assert.Equal(["rest-audit"], listed["jobs"]!.AsArray().Select(job => (string?)job!["name"]));
    }

    [Fact]
    public async Task Rest_routes_are_also_served_on_the_http2_api_endpoint()
    {
        using var http2 = new HttpClient
        {
            BaseAddress = fixture.Server.Server.ApiAddress,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        using var response = await http2.GetAsync("/v1/namespaces/growth/jobs/no-such-job-h2");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
    }
}
