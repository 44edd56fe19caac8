using System.Text.Json.Nodes;
using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Drivers.Kubernetes;
using Sluice.Spec.V1;

namespace Sluice.Runtimes.Tests.Drivers.Kubernetes;

public sealed class KubernetesFlinkDriverTests : IAsyncLifetime
{
    private const string Fabric = "us-east-1a";
    private const string Namespace = "flink-jobs";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly TempFolder temp = new();
    private FakeKubernetesApi api = null!;
    private KubernetesFlinkDriver driver = null!;

    public async Task InitializeAsync()
    {
        api = await FakeKubernetesApi.StartAsync();
        driver = Driver();
    }

    public async Task DisposeAsync()
    {
        driver.Dispose();
        await api.DisposeAsync();
        temp.Dispose();
    }

    private KubernetesFlinkDriver Driver(TimeSpan? requestTimeout = null, int retries = 3) => new(
        [new Fabric { Name = Fabric, Flink = new FlinkFabric { KubeContext = "east", Namespace = Namespace } }],
        new KubernetesFlinkOptions
        {
            KubeconfigPath = api.WriteKubeconfig(temp.Path, ("other", "default"), ("east", "ignored-context-namespace")),
            RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(5),
            MaxRetries = retries,
            RetryDelay = TimeSpan.FromMilliseconds(10),
            SavepointPollInterval = Poll,
            SavepointTimeout = Patience,
        });

    private static SubmitRequest Request(long revision, RestorePlan? restore = null, int attempt = 1) =>
        new(Samples.Key(revision, Fabric, attempt), Samples.Flink(), restore);

    private JsonObject Stored() => api.Get("flinkdeployments", Namespace, "orders-enricher") ?? throw new InvalidOperationException("no FlinkDeployment stored");

    [Fact]
    public async Task Submit_server_side_applies_the_deployment_in_the_fabrics_namespace_and_it_becomes_running()
    {
        api.Behaviors["orders-enricher"] = FlinkBehavior.NeverReady;
        var job = await driver.SubmitAsync(Request(1));
        Assert.Equal(RuntimeJobState.Starting, (await driver.ObserveAsync(job)).State);
        api.Behaviors["orders-enricher"] = FlinkBehavior.Normal;

        Assert.Equal($"{Namespace}/orders-enricher", job.RuntimeId);
        var apply = Assert.Single(api.Requests, r => r.Method == "PATCH");
        Assert.Equal("application/apply-patch+yaml", apply.ContentType?.Split(';')[0]);
        Assert.Contains("fieldManager=sluice", apply.Query);
        Assert.Contains("force=true", apply.Query);
        Assert.Equal($"/apis/flink.apache.org/v1beta1/namespaces/{Namespace}/flinkdeployments/orders-enricher", apply.Path);
        var stored = Stored();
        Assert.Equal("1", (string?)stored["metadata"]!["annotations"]![KubernetesFlinkDriver.RevisionAnnotation]);
        Assert.Equal("payments/orders-enricher", (string?)stored["metadata"]!["annotations"]![KubernetesFlinkDriver.JobAnnotation]);
        Assert.Equal("running", (string?)stored["spec"]!["job"]!["state"]);

        var running = await driver.WaitUntilRunningAsync(job, Patience, Poll);
        Assert.Contains("lifecycleState=STABLE jobStatus=RUNNING", running.NativeState);
    }

    [Fact]
    public async Task Submitting_the_same_key_again_finds_the_deployment_instead_of_applying_twice()
    {
        var first = await driver.SubmitAsync(Request(1));
        await driver.WaitUntilRunningAsync(first, Patience, Poll);
        var second = await Driver().SubmitAsync(Request(1));

        Assert.Equal(first, second);
        Assert.Single(api.Requests, r => r.Method == "PATCH");
        Assert.Equal(1L, (long)Stored()["metadata"]!["generation"]!);
    }

    [Fact]
    public async Task A_new_revision_is_refused_while_the_old_one_runs()
    {
        await driver.WaitUntilRunningAsync(await driver.SubmitAsync(Request(1)), Patience, Poll);

        var error = await Assert.ThrowsAsync<RuntimeConflictException>(() => driver.SubmitAsync(Request(2)));

        Assert.Contains("revision 1", error.Message);
        Assert.Equal("1", (string?)Stored()["metadata"]!["annotations"]![KubernetesFlinkDriver.RevisionAnnotation]);
    }

    [Fact]
    public async Task Stateful_upgrade_takes_a_snapshot_suspends_and_redeploys_from_exactly_that_savepoint()
    {
        var first = await driver.SubmitAsync(Request(1));
        await driver.WaitUntilRunningAsync(first, Patience, Poll);

        var savepoint = await driver.SavepointAsync(first, "upgrade-r2");
        Assert.StartsWith($"s3://flink-savepoints/{Namespace}/orders-enricher/savepoint-", savepoint.Location);
        Assert.Equal(1, savepoint.Revision);
        var snapshot = api.Get("flinkstatesnapshots", Namespace, "orders-enricher-upgrade-r2")!;
        Assert.Equal("FlinkDeployment", (string?)snapshot["spec"]!["jobReference"]!["kind"]);
        Assert.Equal("orders-enricher", (string?)snapshot["spec"]!["jobReference"]!["name"]);

        await driver.SuspendAsync(first);
        await driver.WaitForAsync(first, o => o.State == RuntimeJobState.Suspended, Patience, Poll);
        var second = await driver.SubmitAsync(Request(2, RestorePlan.FromSavepoint(savepoint.Location)));
        await driver.WaitUntilRunningAsync(second, Patience, Poll);

        var job = Stored()["spec"]!["job"]!;
        Assert.Equal(savepoint.Location, (string?)job["initialSavepointPath"]);
        Assert.Equal(1L, (long)job["savepointRedeployNonce"]!);
        Assert.Equal("savepoint", (string?)job["upgradeMode"]);
        Assert.Equal(savepoint.Location, api.RestoredFrom["orders-enricher"][^1]);
        Assert.Equal(RuntimeJobState.NotFound, (await driver.ObserveAsync(first)).State);
    }

    [Fact]
    public async Task A_savepoint_repeated_after_a_crash_finds_the_same_snapshot()
    {
        var job = await driver.SubmitAsync(Request(1));
        await driver.WaitUntilRunningAsync(job, Patience, Poll);

        var first = await driver.SavepointAsync(job, "sp-1");
        var again = await Driver().SavepointAsync(job, "sp-1");

        Assert.Equal(first.Location, again.Location);
        Assert.Single(api.Requests, r => r.Method == "POST" && r.Path.EndsWith("/flinkstatesnapshots", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_savepoint_of_a_job_that_is_not_running_is_refused()
    {
        api.Behaviors["orders-enricher"] = FlinkBehavior.NeverReady;
        var job = await driver.SubmitAsync(Request(1));

        var error = await Assert.ThrowsAsync<RuntimeDriverException>(() => driver.SavepointAsync(job, "sp-1"));

        Assert.Contains("not running", error.Message);
        Assert.Null(api.Get("flinkstatesnapshots", Namespace, "orders-enricher-sp-1"));
    }

    [Fact]
    public async Task A_failed_snapshot_is_reported_with_the_operators_error()
    {
        var job = await driver.SubmitAsync(Request(1));
        await driver.WaitUntilRunningAsync(job, Patience, Poll);
        api.FailSnapshots = true;

        var error = await Assert.ThrowsAsync<RuntimeDriverException>(() => driver.SavepointAsync(job, "sp-1"));

        Assert.Contains("FAILED", error.Message);
        Assert.Contains("savepoint timed out", error.Message);
    }

    [Fact]
    public async Task Server_errors_are_retried()
    {
        api.FailNext(2, 503);

        var job = await driver.SubmitAsync(Request(1));

        await driver.WaitUntilRunningAsync(job, Patience, Poll);
        Assert.True(api.Requests.Count(r => r.Method == "GET") >= 3);
    }

    [Fact]
    public async Task Persistent_server_errors_end_in_an_unavailable_error_and_write_nothing()
    {
        api.FailNext(100, 500);

        var error = await Assert.ThrowsAsync<RuntimeUnavailableException>(() => driver.SubmitAsync(Request(1)));

        Assert.Contains("500", error.Message);
        Assert.Equal(4, api.Requests.Count);
        Assert.Null(api.Get("flinkdeployments", Namespace, "orders-enricher"));
    }

    [Fact]
    public async Task A_request_that_times_out_is_retried()
    {
        using var impatient = Driver(requestTimeout: TimeSpan.FromSeconds(1));
        api.Behaviors["orders-enricher"] = FlinkBehavior.NeverReady;
        api.DelayNext(1, TimeSpan.FromSeconds(5));

        var job = await impatient.SubmitAsync(Request(1));

        Assert.Equal(RuntimeJobState.Starting, (await impatient.ObserveAsync(job)).State);
        // The GET that hung, its retry, and the observation.
        Assert.Equal(3, api.Requests.Count(r => r.Method == "GET" && r.Path.EndsWith("/orders-enricher", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_job_that_never_becomes_ready_times_out_with_its_last_state()
    {
        api.Behaviors["orders-enricher"] = FlinkBehavior.NeverReady;
        var job = await driver.SubmitAsync(Request(1));

        var error = await Assert.ThrowsAsync<RuntimeTimeoutException>(() => driver.WaitUntilRunningAsync(job, TimeSpan.FromSeconds(1), Poll));

        Assert.Equal(RuntimeJobState.Starting, error.LastObservation!.State);
        Assert.Contains("jobManager=DEPLOYING", error.LastObservation.NativeState);
    }

    [Fact]
    public async Task A_job_that_fails_after_running_is_observed_failed_with_the_operators_error()
    {
        var job = await driver.SubmitAsync(Request(1));
        await driver.WaitUntilRunningAsync(job, Patience, Poll);
        api.FailJob("orders-enricher");

        var failed = await driver.WaitForAsync(job, o => o.State == RuntimeJobState.Failed, Patience, Poll);

        Assert.Contains("NoRestartBackoffTimeStrategy", failed.Message);
        Assert.Contains("lifecycleState=FAILED", failed.NativeState);
        var retry = await driver.SubmitAsync(Request(1, attempt: 2));
        await driver.WaitForAsync(retry, o => o.State != RuntimeJobState.Failed, Patience, Poll);
    }

    [Fact]
    public async Task Suspend_retries_when_its_resourceVersion_went_stale()
    {
        var job = await driver.SubmitAsync(Request(1));
        await driver.WaitUntilRunningAsync(job, Patience, Poll);
        api.BeforeNextMergePatch = () => api.Touch("flinkdeployments", Namespace, "orders-enricher");

        await driver.SuspendAsync(job);

        Assert.Equal(2, api.Requests.Count(r => r.Method == "PATCH" && r.ContentType!.StartsWith("application/merge-patch+json", StringComparison.Ordinal)));
        Assert.Equal("suspended", (string?)Stored()["spec"]!["job"]!["state"]);
        await driver.WaitForAsync(job, o => o.State == RuntimeJobState.Suspended, Patience, Poll);
        await driver.SuspendAsync(job);
        Assert.Equal(2, api.Requests.Count(r => r.Method == "PATCH" && r.ContentType!.StartsWith("application/merge-patch+json", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Cancel_deletes_the_deployment_once_and_is_a_no_op_afterwards()
    {
        var job = await driver.SubmitAsync(Request(1));
        await driver.WaitUntilRunningAsync(job, Patience, Poll);

        await driver.CancelAsync(job);
        await driver.CancelAsync(job);
        await driver.WaitForAsync(job, o => o.State == RuntimeJobState.NotFound, Patience, Poll);
        await driver.CancelAsync(job);

        Assert.Single(api.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public async Task An_unknown_fabric_or_a_foreign_namespace_is_refused_naming_the_field()
    {
        var fabric = await Assert.ThrowsAsync<ArgumentException>(() => driver.SubmitAsync(new SubmitRequest(Samples.Key(1, "nowhere"), Samples.Flink())));
        Assert.Contains("fabric: 'nowhere'", fabric.Message);

        var resource = Samples.Flink().ToJson();
        resource["metadata"]!["namespace"] = "elsewhere";
        var ns = await Assert.ThrowsAsync<ArgumentException>(() => driver.SubmitAsync(new SubmitRequest(Samples.Key(1, Fabric), FlinkDeploymentArtifact.FromJson(resource))));
        Assert.Contains("metadata.namespace", ns.Message);
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task A_resource_the_CRD_schema_rejects_is_reported_as_rejected()
    {
        var resource = Samples.Flink().ToJson();
        resource["spec"]!["job"]!["parallelism"] = "two";

        var error = await Assert.ThrowsAsync<RuntimeDriverException>(() => driver.SubmitAsync(new SubmitRequest(Samples.Key(1, Fabric), FlinkDeploymentArtifact.FromJson(resource))));

        Assert.Contains("422", error.Message);
        Assert.Contains("/spec/job/parallelism", error.Message);
    }

    [Fact]
    public async Task A_wrong_token_is_rejected_without_retries()
    {
        var path = api.WriteKubeconfig(temp.Path, ("east", Namespace));
        File.WriteAllText(path, File.ReadAllText(path).Replace(FakeKubernetesApi.Token, "stolen", StringComparison.Ordinal));
        using var stranger = new KubernetesFlinkDriver(
            [new Fabric { Name = Fabric, Flink = new FlinkFabric { KubeContext = "east", Namespace = Namespace } }],
            new KubernetesFlinkOptions { KubeconfigPath = path });

        var error = await Assert.ThrowsAsync<RuntimeDriverException>(() => stranger.SubmitAsync(Request(1)));

        Assert.Contains("401", error.Message);
        Assert.Single(api.Requests);
    }

    [Theory]
    [InlineData(2, 1, "STABLE", "RUNNING", RuntimeJobState.Starting)]
    [InlineData(1, 1, "STABLE", "RUNNING", RuntimeJobState.Running)]
    [InlineData(1, 1, "DEPLOYED", "RUNNING", RuntimeJobState.Starting)]
    [InlineData(1, 1, "FAILED", "RUNNING", RuntimeJobState.Failed)]
    [InlineData(1, 1, "STABLE", "FINISHED", RuntimeJobState.Finished)]
    [InlineData(1, 1, "STABLE", "RESTARTING", RuntimeJobState.Starting)]
    public void Status_is_read_only_once_the_operator_has_seen_the_current_generation(long generation, long observed, string lifecycle, string job, RuntimeJobState expected)
    {
        var deployment = new JsonObject
        {
            ["metadata"] = new JsonObject { ["generation"] = generation },
            ["spec"] = new JsonObject { ["job"] = new JsonObject { ["state"] = "running" } },
            ["status"] = new JsonObject { ["observedGeneration"] = observed, ["lifecycleState"] = lifecycle, ["jobStatus"] = new JsonObject { ["state"] = job } },
        };

        Assert.Equal(expected, FlinkDeploymentStatus.Observe(deployment).State);
    }
}
