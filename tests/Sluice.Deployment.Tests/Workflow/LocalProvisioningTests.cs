using System.Text.Json.Nodes;
using Sluice.Deployment.Providers.Local;
using Sluice.Deployment.Tests.Providers;
using Sluice.Runtimes.Faults;
using Sluice.Store.Deployments;
using YamlDotNet.RepresentationModel;

namespace Sluice.Deployment.Tests.Workflow;

/// <summary>The engine provisioning through the local providers into a real folder, as the embedded default does.</summary>
public sealed class LocalProvisioningTests : IDisposable
{
    private const string Stateful = "checkout-revenue-per-minute";
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string FabricFolder => Path.Combine(temp.Path, WorkflowHarness.Fabric);
    private string DashboardFile => Path.Combine(FabricFolder, "dashboards", "payments", Stateful + ".json");
    private string RulesFile => Path.Combine(FabricFolder, "alerts", "payments", Stateful + ".rules.yaml");

    private Task<WorkflowHarness> StartAsync(FaultPlan? faults = null) =>
        WorkflowHarness.StartAsync("sqlite", providers: new LocalProviderOptions { Folder = temp.Path, Faults = faults ?? FaultPlan.None });

    [Fact]
    public async Task A_deployment_writes_a_grafana_dashboard_and_prometheus_rules_the_events_point_at()
    {
        await using var h = await StartAsync();
        var job = h.Apply(Stateful);
        var done = await h.DeployAndDriveAsync(job);

        Assert.Equal(DeploymentState.Succeeded, done.State);
        var dashboard = JsonNode.Parse(await File.ReadAllTextAsync(DashboardFile))!;
        Assert.Contains(Stateful, (string)dashboard["title"]!);
        Assert.NotEmpty(dashboard["panels"]!.AsArray());
        var yaml = new YamlStream();
        yaml.Load(new StringReader(await File.ReadAllTextAsync(RulesFile)));
        var group = (YamlMappingNode)Assert.Single(((YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["groups"]).Children);
        Assert.Equal($"sluice.payments.{Stateful}.{WorkflowHarness.Fabric}", group["name"].ToString());
        var rule = (YamlMappingNode)Assert.Single(((YamlSequenceNode)group["rules"]).Children);
        Assert.Equal("SluiceCheckpointFailures", rule["alert"].ToString());
        Assert.Equal("15m", rule["for"].ToString());
        Assert.True(Directory.Exists(Path.Combine(FabricFolder, "state", "payments", Stateful, "revenue-windows")));
        Assert.True(Directory.Exists(Path.Combine(FabricFolder, "checkpoints", "payments", Stateful)));

        var details = await h.EventDetailsAsync(done.Id);
        Assert.Contains(details, d => d.StartsWith("provisioned dashboard 'dashboard'", StringComparison.Ordinal) && d.EndsWith(new Uri(DashboardFile).AbsoluteUri, StringComparison.Ordinal));
        Assert.Contains(details, d => d.StartsWith("provisioned alert-rule 'rules'", StringComparison.Ordinal) && d.EndsWith(new Uri(RulesFile).AbsoluteUri, StringComparison.Ordinal));
        var resources = await h.Store.ResourcesAsync(job, WorkflowHarness.Fabric);
        Assert.Equal($"dashboard/{WorkflowHarness.Fabric}/payments/{Stateful}/dashboard", resources.Single(r => r.Kind == ResourceKind.Dashboard).ExternalId);
    }

    [Fact]
    public async Task Deploying_the_same_revision_again_finds_every_resource_and_rewrites_nothing()
    {
        await using var h = await StartAsync();
        var job = h.Apply(Stateful);
        await h.DeployAndDriveAsync(job);
        var before = await h.Store.ResourcesAsync(job, WorkflowHarness.Fabric);
        var marked = DateTime.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(DashboardFile, marked);
        File.SetLastWriteTimeUtc(RulesFile, marked);

        var again = await h.DeployAndDriveAsync(job);

        Assert.Equal((DeploymentKind.Update, DeploymentState.Succeeded), (again.Kind, again.State));
        Assert.Equal((marked, marked), (File.GetLastWriteTimeUtc(DashboardFile), File.GetLastWriteTimeUtc(RulesFile)));
        var after = await h.Store.ResourcesAsync(job, WorkflowHarness.Fabric);
        Assert.Equal(before.Where(r => r.Kind != ResourceKind.Savepoint).Select(r => (r.Id, r.ExternalId)),
            after.Where(r => r.Kind != ResourceKind.Savepoint).Select(r => (r.Id, r.ExternalId)));
        var provisioning = (await h.EventDetailsAsync(again.Id)).Where(d => d.Contains(" (", StringComparison.Ordinal) && d.Contains("/6): ", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, provisioning.Count);
        Assert.All(provisioning, d => Assert.StartsWith("found ", d));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(DashboardFile)!));
    }

    [Fact]
    public async Task A_step_that_crashed_after_writing_the_dashboard_is_retried_and_finds_it()
    {
        var faults = new FaultPlan
        {
            Crashes =
            [
                new CrashPoint("provision:dashboard", 1, CrashTiming.AfterEffect),
                new CrashPoint("provision:alert-rule", 1, CrashTiming.BeforeEffect),
            ],
        };
        await using var h = await StartAsync(faults);
        var done = await h.DeployAndDriveAsync(h.Apply(Stateful));

        Assert.Equal(DeploymentState.Succeeded, done.State);
        var details = await h.EventDetailsAsync(done.Id);
        Assert.Contains(details, d => d.StartsWith("provisioning failed (attempt 1 of 3): injected crash after the effect of 'provision:dashboard'", StringComparison.Ordinal));
        Assert.Contains(details, d => d.StartsWith("found dashboard 'dashboard'", StringComparison.Ordinal));
        Assert.Contains(details, d => d.StartsWith("provisioning failed (attempt 1 of 3): injected crash before the effect of 'provision:alert-rule'", StringComparison.Ordinal));
        Assert.Contains(details, d => d.StartsWith("provisioned alert-rule 'rules'", StringComparison.Ordinal));
        Assert.True(File.Exists(RulesFile));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(DashboardFile)!));
    }

    [Fact]
    public async Task Delete_removes_the_artifacts_and_marks_the_resources_released()
    {
        await using var h = await StartAsync();
        var job = h.Apply(Stateful);
        await h.DeployAndDriveAsync(job);

        var delete = await h.DriveAsync(Assert.Single(await h.Commands.DeleteAsync(job, null, "ops")).Id);

        Assert.Equal(DeploymentState.Succeeded, delete.State);
        Assert.False(File.Exists(DashboardFile));
        Assert.False(File.Exists(RulesFile));
        Assert.False(Directory.Exists(Path.Combine(FabricFolder, "state", "payments", Stateful, "revenue-windows")));
        var resources = await h.Store.ResourcesAsync(job, WorkflowHarness.Fabric);
        Assert.All(resources.Where(r => r.Kind != ResourceKind.Savepoint), r => Assert.Equal(ResourceStatus.Released, r.Status));
        Assert.Equal(6, (await h.EventDetailsAsync(delete.Id)).Count(d => d.StartsWith("released ", StringComparison.Ordinal)));
    }
}
