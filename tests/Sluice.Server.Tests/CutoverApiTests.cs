using Sluice.Tests.Shared;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Migration;
using Sluice.Migration.Annotations;
using Sluice.Migration.Legacy;
using Sluice.Spec.V1;
using Sluice.Store.Deployments;
using Sluice.Store.Ownership;

namespace Sluice.Server.Tests;

/// <summary>
/// `sluice migrate` through a real server, as a user runs it: the CLI in its own process starts a job under the
/// folder-based legacy control plane, then asks the server to cut it over (and back), watching each step.
/// </summary>
public sealed class CutoverApiTests : IDisposable
{
    private const string Name = LegacyFlinkJob.Name;
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("sluice-cutover-api-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        work.Delete(recursive: true);
    }

    [Fact]
    public async Task Migrate_then_eject_through_the_server_with_the_cli_watching_each_step()
    {
        var legacy = WriteLegacyJob(work.CreateSubdirectory("legacy").FullName);
        var imported = Migrator.ImportFile(Path.Combine(legacy, Name + ".yaml"), AnnotationsLoader.LoadFile(Path.Combine(legacy, "annotations", Name + ".yaml")),
            ReferenceData.Load());
        var database = $"sqlite://{work.FullName}/sluice.db";
        var local = Path.Combine(work.FullName, "local");
        await using var server = await SluiceServer.StartAsync(new SluiceServerOptions
        {
            Database = database, Listen = new Uri("http://127.0.0.1:0"), LogLevel = LogLevel.Warning, Platform = imported.Import.Platform,
            LocalFolder = local, SharedLocalFolder = true, LegacyFolder = legacy,
        });
        var api = server.ApiAddress.ToString();

        var started = await Sluice("migrate", "legacy-start", Name, "--legacy", legacy, "--local-folder", local, "--db", database);
        Assert.True(started.ExitCode == 0, started.Stderr);

        var migrated = await Sluice("migrate", Name, "--watch", "--server", api);

        Assert.True(migrated.ExitCode == 0, migrated.Stdout + migrated.Stderr);
        Assert.Contains("migrate of shop/orders-enricher revision 1 on legacy-flink", migrated.Stdout);
        Assert.Contains("ownership legacy → migrating", migrated.Stdout);
        Assert.Contains("of the legacy copy at", migrated.Stdout);
        Assert.Contains("stopped the legacy copy", migrated.Stdout);
        Assert.Contains("ownership flipped migrating → sluice", migrated.Stdout);
        var store = server.Services.GetRequiredService<DeploymentStore>();
        Assert.Equal(JobOwner.Sluice, (await store.OwnershipAsync("shop/orders-enricher")).Owner);
        using (var channel = GrpcChannel.ForAddress(server.ApiAddress))
        {
            var job = await new MetadataService.MetadataServiceClient(channel).GetJobAsync(new GetJobRequest { Namespace = "shop", Name = Name });
            Assert.Equal(SourceKind.Migrated, job.SourceKind);
        }

        var ejected = await Sluice("migrate", Name, "--back", "--watch", "--server", api);

        Assert.True(ejected.ExitCode == 0, ejected.Stdout + ejected.Stderr);
        Assert.Contains($"wrote {Name}.yaml for the legacy control plane", ejected.Stdout);
        Assert.Contains("the legacy copy runs", ejected.Stdout);
        Assert.Equal(JobOwner.Legacy, (await store.OwnershipAsync("shop/orders-enricher")).Owner);
        Assert.True(File.Exists(Path.Combine(legacy, $"{Name}.yaml.before-eject")));
        // Now the legacy side owns it again: an ordinary deploy is refused at its submit, naming the owner.
        var deployRefused = await Sluice("deploy", "shop/orders-enricher", "--fabric", "legacy-flink", "--watch", "--server", api);
        Assert.Equal(1, deployRefused.ExitCode);
        Assert.Contains("shop/orders-enricher is owned by legacy", deployRefused.Stdout);

        var notLegacy = await Sluice("migrate", "no-such-job", "--server", api);
        Assert.Equal(2, notLegacy.ExitCode);
        Assert.Contains("no-such-job: no no-such-job.properties, no-such-job.yaml or no-such-job.yml", notLegacy.Stderr);
    }

    [Fact]
    public async Task Plan_apply_applies_the_proven_jobspecs_through_the_server_and_they_start_legacy_owned()
    {
        var database = $"sqlite://{work.FullName}/sluice.db";
        await using var server = await SluiceServer.StartAsync(new SluiceServerOptions
        {
            Database = database, Listen = new Uri("http://127.0.0.1:0"), LogLevel = LogLevel.Warning, LocalFolder = Path.Combine(work.FullName, "local"),
        });
        var annotations = work.CreateSubdirectory("annotations").FullName;
        File.WriteAllText(Path.Combine(annotations, "samza__samza-test__join__watcher.samza.yaml"),
            "artifact: {uri: \"hdfs://packages/samza-test-dist.tar.gz\"}\nsinks: []\n");
        var corpus = Path.GetFullPath(Path.Combine(ReferenceData.Locate(), "..", "corpus", "samza-configs"));

        var applied = await Sluice("migrate", "plan", corpus, "--annotations", annotations, "--apply", "--namespace", "samza-test",
            "--json", Path.Combine(work.FullName, "plan.json"), "--server", server.ApiAddress.ToString());

        Assert.True(applied.ExitCode == 0, applied.Stderr);
        Assert.Contains("applied samza-test/watcher: revision 1 (created)", applied.Stderr);
        Assert.Contains("applied 1 of 1 proven job", applied.Stderr);
        using var channel = GrpcChannel.ForAddress(server.ApiAddress);
        var job = await new MetadataService.MetadataServiceClient(channel).GetJobAsync(new GetJobRequest { Namespace = "samza-test", Name = "watcher" });
        Assert.Equal(SourceKind.Migrated, job.SourceKind);
        var owner = await server.Services.GetRequiredService<DeploymentStore>().OwnershipAsync("samza-test/watcher");
        Assert.Equal((JobOwner.Legacy, "samza__samza-test__join__watcher.samza"), (owner.Owner, owner.LegacyName));
        // A job applied as a plain JobSpec stays Sluice's.
        Assert.False((await server.Services.GetRequiredService<DeploymentStore>().OwnershipAsync("samza-test/other")).Exists);

        // This server has no legacy control plane: a cut-over request over REST is refused, saying so.
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        var refused = await http.PostAsync("/v1/legacy-jobs/watcher/cutovers", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("the server has no legacy control plane configured (start it with --legacy DIR)", await refused.Content.ReadAsStringAsync());
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> Sluice(params string[] args) =>
        CliProcess.RunAsync(args, work.FullName, actor: "cutover-test", timeoutSeconds: 120);

    private static string WriteLegacyJob(string folder)
    {
        LegacyFlinkJob.Write(folder);
        return folder;
    }
}
