using System.Text.Json.Nodes;
using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Drivers.Yarn;
using Sluice.Spec.V1;

namespace Sluice.Runtimes.Tests.Drivers.Yarn;

public sealed class YarnSamzaDriverTests : IAsyncLifetime
{
    private const string Fabric = "yarn-west";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private FakeResourceManager rm = null!;
    private YarnSamzaDriver driver = null!;

    public async Task InitializeAsync()
    {
        rm = await FakeResourceManager.StartAsync();
        driver = Driver();
    }

    public async Task DisposeAsync()
    {
        driver.Dispose();
        await rm.DisposeAsync();
    }

    private YarnSamzaDriver Driver(TimeSpan? requestTimeout = null) => new(
        [new Fabric { Name = Fabric, Samza = new SamzaFabric { ResourceManagerUrl = rm.Url, YarnQueue = "streaming" } }],
        new YarnSamzaOptions { RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(5), RetryDelay = TimeSpan.FromMilliseconds(10), User = "sluice" });

    private SubmitRequest Request(long revision, RestorePlan? restore = null) =>
        new(Samples.Key(revision, Fabric), Samples.Samza(rm.PackageUrl("orders-enricher")), restore);

    private static int Count(IEnumerable<RecordedRequest> requests, string method, string path) =>
        requests.Count(r => r.Method == method && r.Path == path);

    [Fact]
    public async Task Submit_asks_for_an_application_id_and_submits_the_samza_job_coordinator()
    {
        var job = await driver.SubmitAsync(Request(1));

        var submission = Assert.Single(rm.Submissions);
        Assert.Equal(job.RuntimeId, (string?)submission["application-id"]);
        Assert.Equal("orders-enricher_1", (string?)submission["application-name"]);
        Assert.Equal("Samza", (string?)submission["application-type"]);
        Assert.Equal("streaming", (string?)submission["queue"]);
        Assert.Equal(1536, (int)submission["resource"]!["memory"]!);
        var package = submission["am-container-spec"]!["local-resources"]!["entry"]![0]!["value"]!;
        Assert.Equal(rm.PackageUrl("orders-enricher"), (string?)package["resource"]);
        Assert.Equal("ARCHIVE", (string?)package["type"]);
        Assert.Equal(FakeResourceManager.PackageSize, (long)package["size"]!);
        var environment = submission["am-container-spec"]!["environment"]!["entry"]!.AsArray();
        var config = JsonNode.Parse((string)environment.Single(e => (string?)e!["key"] == "SAMZA_SUBMISSION_CONFIG")!["value"]!)!;
        Assert.Equal("com.example.OrdersApp", (string?)config["app.class"]);
        Assert.Contains("run-jc.sh", (string?)submission["am-container-spec"]!["commands"]!["command"]);
        Assert.Equal(
            ["sluice-job:payments.orders-enricher", "sluice-revision:1", "sluice-attempt:1", "sluice-fabric:yarn-west"],
            submission["application-tags"]!["tag"]!.AsArray().Select(t => (string)t!));
        Assert.All(rm.Requests.Where(r => r.Path.StartsWith("/ws", StringComparison.Ordinal)), r => Assert.Contains("user.name=sluice", r.Query));

        var running = await driver.WaitUntilRunningAsync(job, Patience, Poll);
        Assert.Equal("RUNNING/UNDEFINED", running.NativeState);
    }

    [Fact]
    public async Task Submitting_the_same_key_again_finds_the_application_by_its_tags()
    {
        var first = await driver.SubmitAsync(Request(1));
        using var restarted = Driver();
        var second = await restarted.SubmitAsync(Request(1));

        Assert.Equal(first, second);
        Assert.Single(rm.Submissions);
        Assert.Equal(1, Count(rm.Requests, "POST", "/ws/v1/cluster/apps/new-application"));
    }

    [Fact]
    public async Task A_new_revision_is_refused_while_the_old_one_runs_and_accepted_after_suspend()
    {
        var first = await driver.SubmitAsync(Request(1));
        await driver.WaitUntilRunningAsync(first, Patience, Poll);

        var conflict = await Assert.ThrowsAsync<RuntimeConflictException>(() => driver.SubmitAsync(Request(2)));
        Assert.Contains("revision 1", conflict.Message);

        await driver.SuspendAsync(first);
        await driver.WaitForAsync(first, o => o.State == RuntimeJobState.Suspended, Patience, Poll);
        await driver.SuspendAsync(first);
        Assert.Equal(1, Count(rm.Requests, "PUT", $"/ws/v1/cluster/apps/{first.RuntimeId}/state"));

        var second = await driver.SubmitAsync(Request(2, RestorePlan.LastState));
        await driver.WaitUntilRunningAsync(second, Patience, Poll);
        Assert.NotEqual(first.RuntimeId, second.RuntimeId);
    }

    [Fact]
    public async Task Cancel_kills_once_and_is_observed_as_cancelled()
    {
        var job = await driver.SubmitAsync(Request(1));
        await driver.WaitUntilRunningAsync(job, Patience, Poll);

        await driver.CancelAsync(job);
        var cancelled = await driver.WaitForAsync(job, o => o.State != RuntimeJobState.Running, Patience, Poll);
        await driver.CancelAsync(job);

        Assert.Equal(RuntimeJobState.Cancelled, cancelled.State);
        Assert.Equal("KILLED/KILLED", cancelled.NativeState);
        Assert.Equal(1, Count(rm.Requests, "PUT", $"/ws/v1/cluster/apps/{job.RuntimeId}/state"));
    }

    [Fact]
    public async Task Savepoints_are_not_supported_on_samza()
    {
        var job = await driver.SubmitAsync(Request(1));

        await Assert.ThrowsAsync<NotSupportedException>(() => driver.SavepointAsync(job, "sp-1"));
        await Assert.ThrowsAsync<NotSupportedException>(() => driver.SubmitAsync(Request(2, RestorePlan.FromSavepoint("hdfs://x"))));
    }

    [Fact]
    public async Task Server_errors_are_retried()
    {
        rm.FailNext(2, 503);

        var job = await driver.SubmitAsync(Request(1));

        Assert.Single(rm.Submissions);
        await driver.WaitUntilRunningAsync(job, Patience, Poll);
    }

    [Fact]
    public async Task Persistent_server_errors_end_in_an_unavailable_error_and_submit_nothing()
    {
        rm.FailNext(100, 500);

        var error = await Assert.ThrowsAsync<RuntimeUnavailableException>(() => driver.SubmitAsync(Request(1)));

        Assert.Contains("500", error.Message);
        Assert.Empty(rm.Submissions);
    }

    [Fact]
    public async Task A_submission_whose_answer_was_lost_is_found_instead_of_posted_again()
    {
        rm.LoseNextSubmitAnswer = true;

        var job = await driver.SubmitAsync(Request(1));

        Assert.Single(rm.Submissions);
        Assert.Equal(1, Count(rm.Requests, "POST", "/ws/v1/cluster/apps"));
        Assert.Equal(job.RuntimeId, (string?)rm.Submissions[0]["application-id"]);
    }

    [Fact]
    public async Task A_request_that_times_out_is_retried()
    {
        using var impatient = Driver(requestTimeout: TimeSpan.FromSeconds(1));
        rm.DelayNext(1, TimeSpan.FromSeconds(5));

        await impatient.SubmitAsync(Request(1));

        Assert.Equal(2, Count(rm.Requests, "GET", "/ws/v1/cluster/apps"));
        Assert.Single(rm.Submissions);
    }

    [Fact]
    public async Task A_job_that_never_becomes_ready_times_out_in_accepted()
    {
        rm.Behaviors["orders-enricher"] = YarnBehavior.NeverReady;
        var job = await driver.SubmitAsync(Request(1));

        var error = await Assert.ThrowsAsync<RuntimeTimeoutException>(() => driver.WaitUntilRunningAsync(job, TimeSpan.FromSeconds(1), Poll));

        Assert.Equal("ACCEPTED/UNDEFINED", error.LastObservation!.NativeState);
    }

    [Fact]
    public async Task A_job_that_fails_after_running_is_observed_failed_with_the_diagnostics()
    {
        var job = await driver.SubmitAsync(Request(1));
        await driver.WaitUntilRunningAsync(job, Patience, Poll);
        rm.FailJob("orders-enricher");

        var failed = await driver.WaitForAsync(job, o => o.State == RuntimeJobState.Failed, Patience, Poll);

        Assert.Equal("FAILED/FAILED", failed.NativeState);
        Assert.Contains("TopicAuthorizationException", failed.Message);
    }

    [Fact]
    public async Task Bad_properties_are_refused_naming_the_key_before_anything_is_submitted()
    {
        var noName = new SamzaPropertiesArtifact([new("yarn.package.path", rm.PackageUrl("x"))]);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => driver.SubmitAsync(new SubmitRequest(Samples.Key(1, Fabric), noName)));
        Assert.Contains("job.name", error.Message);

        var badMemory = new SamzaPropertiesArtifact([new("job.name", "x"), new("yarn.package.path", rm.PackageUrl("x")), new("yarn.am.container.memory.mb", "lots")]);
        error = await Assert.ThrowsAsync<ArgumentException>(() => driver.SubmitAsync(new SubmitRequest(Samples.Key(1, Fabric), badMemory)));
        Assert.Contains("yarn.am.container.memory.mb", error.Message);

        var hdfs = await Assert.ThrowsAsync<ArgumentException>(() => driver.SubmitAsync(new SubmitRequest(Samples.Key(1, Fabric), Samples.Samza("hdfs://nn:8020/packages/x.tar.gz"))));
        Assert.StartsWith("yarn.package.path: no WebHDFS endpoint configured for HDFS authority 'nn:8020'", hdfs.Message);
        Assert.Empty(rm.Submissions);
    }

    [Fact]
    public async Task An_hdfs_package_is_stated_through_webhdfs()
    {
        using var withWebHdfs = new YarnSamzaDriver(
            [new Fabric { Name = Fabric, Samza = new SamzaFabric { ResourceManagerUrl = rm.Url } }],
            new YarnSamzaOptions { WebHdfs = new Dictionary<string, Uri> { ["nn:8020"] = new(rm.Url) } });

        var job = await withWebHdfs.SubmitAsync(new SubmitRequest(Samples.Key(1, Fabric), Samples.Samza("hdfs://nn:8020/packages/orders.tar.gz")));

        var package = Assert.Single(rm.Submissions)["am-container-spec"]!["local-resources"]!["entry"]![0]!["value"]!;
        Assert.Equal("hdfs://nn:8020/packages/orders.tar.gz", (string?)package["resource"]);
        Assert.Equal(FakeResourceManager.PackageModified.ToUnixTimeMilliseconds(), (long)package["timestamp"]!);
        Assert.Contains(rm.Requests, r => r.Path == "/webhdfs/v1/packages/orders.tar.gz" && r.Query == "?op=GETFILESTATUS");
        await withWebHdfs.WaitUntilRunningAsync(job, Patience, Poll);
    }

    [Fact]
    public async Task Observing_an_application_the_resource_manager_does_not_know_reports_not_found()
    {
        var observation = await driver.ObserveAsync(new RuntimeJobHandle(YarnSamzaDriver.DriverName, Samples.Key(1, Fabric), "application_1_0001"));

        Assert.Equal(RuntimeJobState.NotFound, observation.State);
    }
}
