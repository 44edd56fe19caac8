using Sluice.Deployment.Providers.Local;
using Sluice.Deployment.Tests.Workflow;
using Sluice.Deployment.Workflow;
using Sluice.Migration;
using Sluice.Migration.Cutover;
using Sluice.Migration.Legacy;
using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Drivers.Local;
using Sluice.Runtimes.Faults;
using Sluice.Runtimes.Flink;
using Sluice.Spec.V1;
using Sluice.Store;
using Sluice.Store.Deployments;
using Sluice.Store.Ownership;

namespace Sluice.Deployment.Tests.Cutover;

/// <summary>
/// A legacy Flink job (a FlinkDeployment that imports proven with its annotations) running under the folder-based legacy
/// control plane, and the deployment workflow over a real database, both on one Local driver. <see cref="DriveAsync"/>
/// plays a worker step by step and checks the driver's record of running copies after every step: never two.
/// </summary>
internal sealed class CutoverHarness : IAsyncDisposable
{
    public const string Name = "orders-enricher";
    public const string Job = "shop/orders-enricher";
    private const string Worker = "worker-a";

    private readonly Dictionary<(string Owner, int Shard), ShardFence> _fences = [];

    private CutoverHarness(string folder, DeploymentStore store, OwnershipStore ownership, LocalRuntimeDriver driver, FolderLegacyControlPlane legacy,
        MigrationResult imported, WorkflowOptions options)
    {
        Folder = folder;
        Store = store;
        Ownership = ownership;
        Driver = driver;
        Legacy = legacy;
        Fabric = imported.Import.Fabric.Name;
        Options = options;
        Renderer = new CompilerRenderer(imported.Import.Platform);
        Commands = new CutoverCommands(store, legacy, new SpecWriter(Specs));
        Deployments = new DeploymentCommands(store, Specs);
    }

    public string Folder { get; }
    public DeploymentStore Store { get; }
    public OwnershipStore Ownership { get; }
    public LocalRuntimeDriver Driver { get; }
    public FolderLegacyControlPlane Legacy { get; }
    public string Fabric { get; }
    public WorkflowOptions Options { get; }
    public CompilerRenderer Renderer { get; }
    public InMemoryJobSpecSource Specs { get; } = new();
    public CutoverCommands Commands { get; }
    public DeploymentCommands Deployments { get; }

    /// <summary>Every state a driven deployment passed through, in order.</summary>
    public List<DeploymentState> States { get; } = [];

    public static async Task<CutoverHarness> StartAsync(string dialect, FaultPlan? faults = null)
    {
        var folder = Directory.CreateTempSubdirectory("sluice-cutover-").FullName;
        WriteLegacyJob(folder);
        var sluiceStore = StoreFactory.Open(await TestDatabase.CreateAsync(dialect));
        await sluiceStore.MigrateAsync();
        var store = DeploymentStore.For(sluiceStore, shardCount: 4);
        await store.EnsureShardsAsync();
        var ownership = OwnershipStore.For(sluiceStore);
        var driver = new LocalRuntimeDriver(new LocalRuntimeOptions { Folder = Path.Combine(folder, ".local"), Faults = faults ?? FaultPlan.None });
        var legacy = new FolderLegacyControlPlane(folder, new LegacyOwnershipGuard(driver, ownership), ReferenceData.Load());
        var harness = new CutoverHarness(folder, store, ownership, driver, legacy, legacy.Import(Name), new WorkflowOptions
        {
            BackoffBase = TimeSpan.FromMilliseconds(1), BackoffMax = TimeSpan.FromMilliseconds(5), ObserveInterval = TimeSpan.FromMilliseconds(5),
            QueuedRecheck = TimeSpan.FromMilliseconds(5), MaxAttempts = 3, ReadinessTimeout = TimeSpan.FromSeconds(10),
        });
        // The legacy control plane runs the job before any cut-over: it is the migrator's, so legacy-owned.
        await store.RegisterLegacyAsync(Job, Name, DateTimeOffset.UtcNow);
        var handle = await legacy.StartAsync(Name, RestorePlan.Stateless);
        await driver.WaitUntilRunningAsync(handle, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(2));
        return harness;
    }

    /// <summary>A worker's engine; a second worker gets its own (nothing is shared but the database and the runtime).</summary>
    public DeploymentEngine Engine() => new(Store, Specs, Renderer,
        LocalProviders.InMemory(),
        new SingleDriverSelector(Driver), Options, legacy: Legacy);

    public IReadOnlyList<LocalRun> Active() =>
        Driver.ActiveRuns(Fabric).Where(run => $"{run.Key.Job.Namespace}/{run.Key.Job.Name}" == Job).ToList();

    /// <summary>
    /// Runs the deployment's steps as <paramref name="owner"/> until it finishes or <paramref name="until"/> says stop,
    /// asserting after every step that at most one copy of the job runs.
    /// </summary>
    public async Task<DeploymentRecord> DriveAsync(long id, DeploymentEngine? engine = null, string owner = Worker,
        Func<DeploymentRecord, bool>? until = null, DateTimeOffset? leaseAt = null)
    {
        engine ??= Engine();
        var deployment = (await Store.GetAsync(id))!;
        for (var i = 0; i < 400 && !deployment.State.IsTerminal(); i++)
        {
            if (until?.Invoke(deployment) == true) return deployment;
            var wait = deployment.NextAttemptAt - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            deployment = await engine.StepAsync(await FenceAsync(owner, deployment.Shard, leaseAt ?? DateTimeOffset.UtcNow), deployment);
            if (States.Count == 0 || States[^1] != deployment.State) States.Add(deployment.State);
            Assert.True(Active().Count <= 1, $"two copies of {Job} run in {deployment.State}: {string.Join(", ", Active().Select(run => run.RunId))}");
        }
        Assert.True(deployment.State.IsTerminal() || until is not null, $"deployment {id} still {deployment.State}");
        return deployment;
    }

    public async Task<ShardFence> FenceAsync(string owner, int shard, DateTimeOffset at)
    {
        if (_fences.TryGetValue((owner, shard), out var fence)) return fence;
        fence = await Store.TryAcquireAsync(shard, owner, at, TimeSpan.FromMinutes(5))
                ?? throw new InvalidOperationException($"shard {shard} is leased to someone else");
        return _fences[(owner, shard)] = fence;
    }

    public async Task<IReadOnlyList<string>> EventsAsync(long id) => (await Store.EventsAsync(id)).Select(e => $"{e.State.ToKebab()}: {e.Detail}").ToList();

    public async ValueTask DisposeAsync()
    {
        await Ownership.DisposeAsync();
        await Store.DisposeAsync();
    }

    private static void WriteLegacyJob(string folder)
    {
        var spec = new JobSpec
        {
            Name = Name, Namespace = "shop", Runtime = Runtime.Flink,
            Artifact = new Artifact { Jar = new JarArtifact { Uri = "local:///opt/flink/usrlib/enricher.jar", EntryClass = "com.shop.Enricher" } },
            Sources = { new Dataset { System = "kafka", Cluster = "orders", Name = "orders" } },
            Sinks = { new Dataset { System = "kafka", Cluster = "orders", Name = "orders-enriched" } },
            State = new State { Stateful = true, Checkpointing = new Checkpointing { Interval = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(30)) } },
            Upgrade = new UpgradePolicy { Mode = UpgradeMode.Savepoint },
            Resources = new Resources { Parallelism = 2, Task = new ComputeSize { Cpu = 1, Memory = "2Gi" }, Coordinator = new ComputeSize { Cpu = 1, Memory = "1Gi" } },
        };
        var fabric = new Fabric
        {
            Name = "k8s",
            Flink = new FlinkFabric { Namespace = "shop", Image = "flink:2.1", FlinkVersion = "v2_1", ServiceAccount = "flink", CheckpointBaseDir = "s3://state/checkpoints", SavepointBaseDir = "s3://state/savepoints" },
        };
        var platform = new PlatformConfig { KafkaClusters = { new KafkaCluster { Name = "orders", BootstrapServers = "k1:9092" } }, Fabrics = { fabric } };
        File.WriteAllText(Path.Combine(folder, $"{Name}.yaml"), FlinkManifestWriter.ToYaml(FlinkDeploymentCompiler.Compile(spec, platform, fabric).Manifest));
        Directory.CreateDirectory(Path.Combine(folder, "annotations"));
        File.WriteAllText(Path.Combine(folder, "annotations", $"{Name}.yaml"), """
            namespace: shop
            systems: {orders: {bootstrapServers: "k1:9092"}}
            sources: [{cluster: orders, name: orders}]
            sinks: [{cluster: orders, name: orders-enriched}]
            """);
    }

    private sealed class SpecWriter(InMemoryJobSpecSource specs) : IMigratedJobWriter
    {
        public Task<long> ApplyAsync(MigrationResult imported, string legacyName, string actor, CancellationToken ct = default) =>
            Task.FromResult(specs.Apply(imported.Import.Spec));
    }
}
