using System.Text.Json.Nodes;
using Sluice.Deployment.Providers;
using Sluice.Deployment.Providers.Local;
using Sluice.Runtimes.Faults;
using Sluice.Spec.V1;
using YamlDotNet.RepresentationModel;

namespace Sluice.Deployment.Tests.Providers;

public sealed class LocalProviderTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private LocalProviderOptions Options(FaultPlan? faults = null, bool folder = true) =>
        new() { Folder = folder ? temp.Path : null, Faults = faults ?? FaultPlan.None };

    [Fact]
    public void Plans_name_what_each_provider_would_create()
    {
        var spec = ProviderSamples.Job();
        var owner = ProviderSamples.Owner();

        Assert.Equal(["customers", "dedup"], new LocalStateStoreProvider(Options()).Plan(spec, owner).Select(r => r.Name));
        Assert.Equal(["main.orders-enriched", "analytics.order-stats", "main.payments-orders-enricher-customers-changelog"],
            new LocalKafkaTopicProvider(Options()).Plan(spec, owner).Select(r => r.Name));
        Assert.Equal("dashboard/local-a/payments/orders-enricher/dashboard", Assert.Single(new LocalDashboardProvider(Options()).Plan(spec, owner)).ExternalId);
        Assert.Single(new LocalAlertRulesProvider(Options()).Plan(spec, owner));

        spec.Observability = null;
        spec.State.Stores.Clear();
        Assert.Empty(new LocalDashboardProvider(Options()).Plan(spec, owner));
        Assert.Empty(new LocalAlertRulesProvider(Options()).Plan(spec, owner));
        Assert.Equal(["state"], new LocalStateStoreProvider(Options()).Plan(spec, owner).Select(r => r.Name));
    }

    [Fact]
    public async Task The_dashboard_is_a_grafana_model_with_prometheus_targets_for_the_jobs_metrics()
    {
        var provider = new LocalDashboardProvider(Options());
        var request = provider.Plan(ProviderSamples.Job(), ProviderSamples.Owner()).Single();

        var resource = await provider.ProvisionAsync(request);

        var path = Path.Combine(temp.Path, "local-a", "dashboards", "payments", "orders-enricher.json");
        Assert.Equal(new Uri(path).AbsoluteUri, resource.Location);
        var dashboard = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal(GrafanaDashboard.Uid(ProviderSamples.Owner()), (string?)dashboard["uid"]);
        Assert.True(((string)dashboard["uid"]!).Length <= 40);
        Assert.Equal(39, (int)dashboard["schemaVersion"]!);
        var panels = dashboard["panels"]!.AsArray();
        Assert.Equal(["Consumer lag", "Records per second", "Checkpoints", "Restarts", "Backpressure"], panels.Select(p => (string)p!["title"]!));
        var expressions = panels.SelectMany(p => p!["targets"]!.AsArray()).Select(t => (string)t!["expr"]!).ToList();
        Assert.Contains("sum(flink_taskmanager_job_task_operator_pendingRecords{sluice_namespace=\"payments\",sluice_job=\"orders-enricher\",sluice_fabric=\"local-a\"})", expressions);
        Assert.All(expressions, e => Assert.True(Balanced(e), e));
        Assert.All(panels, p => Assert.Equal("prometheus", (string?)p!["datasource"]!["type"]));
        Assert.Equal(panels.Count, panels.Select(p => (int)p!["id"]!).Distinct().Count());
    }

    [Fact]
    public async Task A_samza_dashboard_has_no_backpressure_panel_and_names_commits()
    {
        var provider = new LocalDashboardProvider(Options());
        var request = provider.Plan(ProviderSamples.Job(Runtime.Samza), ProviderSamples.Owner()).Single();

        await provider.ProvisionAsync(request);

        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(temp.Path, "local-a", "dashboards", "payments", "orders-enricher.json")))!;
        Assert.Equal(["Consumer lag", "Records per second", "Commits", "Restarts"], dashboard["panels"]!.AsArray().Select(p => (string)p!["title"]!));
        Assert.Contains("samza", dashboard["tags"]!.AsArray().Select(t => (string)t!));
    }

    [Fact]
    public async Task Alert_rules_are_a_prometheus_rules_file_that_parses_back()
    {
        var provider = new LocalAlertRulesProvider(Options());
        var request = provider.Plan(ProviderSamples.Job(), ProviderSamples.Owner()).Single();

        await provider.ProvisionAsync(request);

        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(temp.Path, "local-a", "alerts", "payments", "orders-enricher.rules.yaml"))));
        var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"];
        var group = (YamlMappingNode)Assert.Single(groups.Children);
        Assert.Equal("sluice.payments.orders-enricher.local-a", group["name"].ToString());
        var rules = ((YamlSequenceNode)group["rules"]).Children.Cast<YamlMappingNode>().ToList();
        Assert.Equal(["SluiceConsumerLag", "SluiceRestarts", "SluiceCheckpointFailures"], rules.Select(r => r["alert"].ToString()));
        Assert.Equal("sum(flink_taskmanager_job_task_operator_pendingRecords{sluice_namespace=\"payments\",sluice_job=\"orders-enricher\",sluice_fabric=\"local-a\"}) > 10000", rules[0]["expr"].ToString());
        Assert.Equal("5m", rules[0]["for"].ToString());
        Assert.False(rules[1].Children.ContainsKey("for"));
        Assert.Equal("1m30s", rules[2]["for"].ToString());
        Assert.Equal(["page", "warning", "warning"], rules.Select(r => ((YamlMappingNode)r["labels"])["severity"].ToString()));
        Assert.All(rules, r => Assert.True(Balanced(r["expr"].ToString())));
        Assert.All(rules, r => Assert.Equal("orders-enricher", ((YamlMappingNode)r["labels"])["sluice_job"].ToString()));
    }

    [Theory]
    [InlineData(1, "severity")]
    [InlineData(0, "kind")]
    [InlineData(2, "threshold")]
    public void Bad_alerts_are_refused_naming_the_field(int index, string field)
    {
        var spec = ProviderSamples.Job();
        var alert = spec.Observability.Alerts[index];
        switch (field)
        {
            case "severity": alert.Severity = Severity.Unspecified; break;
            case "kind": alert.Kind = AlertKind.Unspecified; break;
            default: alert.Threshold = -1; break;
        }

        var error = Assert.Throws<ArgumentException>(() => new LocalAlertRulesProvider(Options()).Plan(spec, ProviderSamples.Owner()));

        Assert.StartsWith($"observability.alerts[{index}].{field}:", error.Message);
    }

    [Fact]
    public void An_alert_the_runtime_cannot_measure_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new LocalAlertRulesProvider(Options()).Plan(ProviderSamples.Job(Runtime.Samza), ProviderSamples.Owner()));

        Assert.Equal("observability.alerts[2].kind: checkpoint-failures is not available for samza jobs", error.Message);
    }

    [Fact]
    public async Task Provisioning_twice_is_one_resource_and_a_new_revision_keeps_the_external_id()
    {
        var provider = new LocalDashboardProvider(Options());
        var first = await provider.ProvisionAsync(provider.Plan(ProviderSamples.Job(), ProviderSamples.Owner(1)).Single());
        var path = new Uri(first.Location!).LocalPath;
        var written = File.GetLastWriteTimeUtc(path);
        File.SetLastWriteTimeUtc(path, written.AddHours(-1));

        var again = await provider.ProvisionAsync(provider.Plan(ProviderSamples.Job(), ProviderSamples.Owner(1)).Single());
        Assert.False(again.Changed);
        Assert.Equal(first.ExternalId, again.ExternalId);
        Assert.Equal(written.AddHours(-1), File.GetLastWriteTimeUtc(path));

        var next = await provider.ProvisionAsync(provider.Plan(ProviderSamples.Job(), ProviderSamples.Owner(2)).Single());
        Assert.True(next.Changed);
        Assert.Equal(first.ExternalId, next.ExternalId);
        Assert.Equal(2, (await provider.ObserveAsync(first.ExternalId)).Revision);
        Assert.Single(Directory.GetFiles(Path.Combine(temp.Path, "local-a", "dashboards", "payments")));
    }

    [Fact]
    public async Task Kafka_topics_are_recorded_with_partitions_and_policies()
    {
        var provider = new LocalKafkaTopicProvider(Options());
        var requests = provider.Plan(ProviderSamples.Job(), ProviderSamples.Owner());

        var topics = new List<ProvisionedResource>();
        foreach (var request in requests)
        {
            topics.Add(await provider.ProvisionAsync(request));
        }

        Assert.Equal("kafka://main/orders-enriched", topics[0].Location);
        Assert.Equal("6", topics[0].Attributes["partitions"]);
        Assert.Equal("delete", topics[0].Attributes["cleanup.policy"]);
        Assert.Equal("8", topics[1].Attributes["partitions"]);
        Assert.Equal("compact,delete", topics[2].Attributes["cleanup.policy"]);
        Assert.Equal(TimeSpan.FromDays(7).TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture), topics[2].Attributes["retention.ms"]);
        Assert.True(File.Exists(Path.Combine(temp.Path, "local-a", "resources", "topic", "payments", "orders-enricher", "main.orders-enriched.json")));
    }

    [Fact]
    public void Kafka_topics_with_a_bad_name_or_no_cluster_are_refused_naming_the_field()
    {
        var spec = ProviderSamples.Job();
        spec.Sinks[1].Cluster = "";
        Assert.StartsWith("sinks[1].cluster:", Assert.Throws<ArgumentException>(() => new LocalKafkaTopicProvider(Options()).Plan(spec, ProviderSamples.Owner())).Message);

        spec = ProviderSamples.Job();
        spec.Sinks[0].Name = "orders/enriched";
        Assert.StartsWith("sinks[0].name:", Assert.Throws<ArgumentException>(() => new LocalKafkaTopicProvider(Options()).Plan(spec, ProviderSamples.Owner())).Message);
    }

    [Fact]
    public async Task A_state_store_is_a_directory_that_release_removes_once()
    {
        var provider = new LocalStateStoreProvider(Options());
        var store = await provider.ProvisionAsync(provider.Plan(ProviderSamples.Job(), ProviderSamples.Owner()).First());
        var directory = new Uri(store.Location!).LocalPath;
        Assert.True(Directory.Exists(directory));
        Assert.Equal("rocksdb", store.Attributes["kind"]);
        Assert.Equal("604800", store.Attributes["ttl_seconds"]);

        Assert.True(await provider.ReleaseAsync(store.ExternalId));
        Assert.False(await provider.ReleaseAsync(store.ExternalId));

        Assert.False(Directory.Exists(directory));
        Assert.False((await provider.ObserveAsync(store.ExternalId)).Exists);
    }

    [Fact]
    public async Task Without_a_folder_nothing_is_written_and_the_record_lives_in_memory()
    {
        var provider = new LocalDashboardProvider(Options(folder: false));
        var request = provider.Plan(ProviderSamples.Job(), ProviderSamples.Owner()).Single();

        var first = await provider.ProvisionAsync(request);
        var second = await provider.ProvisionAsync(request);

        Assert.StartsWith("grafana://dashboards/sluice-", first.Location);
        Assert.False(second.Changed);
        Assert.True((await provider.ObserveAsync(first.ExternalId)).Exists);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
        Assert.True(await provider.ReleaseAsync(first.ExternalId));
        Assert.False((await provider.ObserveAsync(first.ExternalId)).Exists);
    }

    [Fact]
    public async Task A_crash_after_provisioning_leaves_a_resource_that_the_retry_finds()
    {
        var faults = new FaultPlan { Crashes = [new CrashPoint("provision:alert-rule", 1, CrashTiming.AfterEffect)] };
        var provider = new LocalAlertRulesProvider(Options(faults));
        var request = provider.Plan(ProviderSamples.Job(), ProviderSamples.Owner()).Single();

        await Assert.ThrowsAsync<InjectedCrashException>(() => provider.ProvisionAsync(request));
        var retried = await provider.ProvisionAsync(request);

        Assert.False(retried.Changed);
        Assert.Single(Directory.GetFiles(Path.Combine(temp.Path, "local-a", "alerts", "payments")));
    }

    [Fact]
    public async Task An_injected_failure_happens_before_anything_is_written()
    {
        var provider = new LocalDashboardProvider(Options(new FaultPlan(seed: 1) { FailureProbability = 1 }));
        var request = provider.Plan(ProviderSamples.Job(), ProviderSamples.Owner()).Single();

        await Assert.ThrowsAsync<InjectedFaultException>(() => provider.ProvisionAsync(request));

        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task Injected_latency_delays_each_call()
    {
        var provider = new LocalStateStoreProvider(Options(new FaultPlan { Latency = TimeSpan.FromMilliseconds(200) }, folder: false));
        var started = System.Diagnostics.Stopwatch.StartNew();

        await provider.ObserveAsync("state-store/local-a/payments/orders-enricher/customers");

        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(190), started.Elapsed.ToString());
    }

    [Theory]
    [InlineData("dashboard/local-a/payments/orders-enricher")]
    [InlineData("dashboard/local-a/payments/../x")]
    [InlineData("")]
    public async Task Malformed_external_ids_are_refused(string externalId)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => new LocalDashboardProvider(Options()).ReleaseAsync(externalId));

        Assert.StartsWith("externalId:", error.Message);
    }

    [Theory]
    [InlineData(90, "1m30s")]
    [InlineData(3600, "1h")]
    [InlineData(93784, "1d2h3m4s")]
    [InlineData(0, "0s")]
    public void Durations_use_prometheus_syntax(int seconds, string expected) =>
        Assert.Equal(expected, PrometheusAlertRules.Duration(TimeSpan.FromSeconds(seconds)));

    private static bool Balanced(string expression)
    {
        var stack = new Stack<char>();
        var inString = false;
        foreach (var c in expression)
        {
            if (c == '"')
            {
                inString = !inString;
            }
            else if (!inString && c is '(' or '{' or '[')
            {
                stack.Push(c);
            }
            else if (!inString && c is ')' or '}' or ']')
            {
                if (stack.Count == 0 || stack.Pop() != (c == ')' ? '(' : c == '}' ? '{' : '['))
                {
                    return false;
                }
            }
        }
        return stack.Count == 0 && !inString;
    }
}
