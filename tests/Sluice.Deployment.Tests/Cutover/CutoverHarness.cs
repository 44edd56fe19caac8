using Sluice.Tests.Shared;
using Sluice.Deployment.Providers.Local;
using Sluice.Deployment.Tests.Workflow;
using Sluice.Deployment.Workflow;
using Sluice.Migration;
using Sluice.Migration.Cutover;
using Sluice.Migration.Legacy;
using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Drivers.Local;
using Sluice.Runtimes.Faults;
using Sluice.Runtimes.Samza;
using Sluice.Spec.V1;
using Sluice.Store;
using Sluice.Store.Deployments;
using Sluice.Store.Ownership;

namespace Sluice.Deployment.Tests.Cutover;

/// <summary>
/// A legacy job running under the folder-based legacy control plane — a stateful Flink job (a FlinkDeployment) or a
/// stateful Samza job (job properties with a changelogged store), each importing proven with its annotations — and the deployment workflow over a real database, both on one Local driver. <see cref="DriveAsync"/>
/// plays a worker step by step and checks the driver's record of running copies after every step: never two.
/// </summary>
internal sealed class CutoverHarness : IAsyncDisposable
{
    private const string Worker = "worker-a";

    private readonly Dictionary<(string Owner, int Shard), ShardFence> _fences = [];

    private CutoverHarness(string name, string folder, DeploymentStore store, OwnershipStore ownership, LocalRuntimeDriver driver, FolderLegacyControlPlane legacy,
        MigrationResult imported, WorkflowOptions options)
    {
        Name = name;
        Job = $"shop/{name}";
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

    /// <summary>The job's name under the legacy control plane, and its Sluice key (namespace/name).</summary>
    public string Name { get; }
    public string Job { get; }
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

    public static async Task<CutoverHarness> StartAsync(string dialect, FaultPlan? faults = null, Runtime runtime = Runtime.Flink)
    {
        var folder = Directory.CreateTempSubdirectory("sluice-cutover-").FullName;
        var name = runtime == Runtime.Samza ? WriteLegacySamzaJob(folder) : WriteLegacyFlinkJob(folder);
        var job = $"shop/{name}";
        var sluiceStore = StoreFactory.Open(await TestDatabase.CreateAsync(dialect));
        await sluiceStore.MigrateAsync();
        var store = DeploymentStore.For(sluiceStore, shardCount: 4);
        await store.EnsureShardsAsync();
        var ownership = OwnershipStore.For(sluiceStore);
        var driver = new LocalRuntimeDriver(new LocalRuntimeOptions { Folder = Path.Combine(folder, ".local"), Faults = faults ?? FaultPlan.None });
        var legacy = new FolderLegacyControlPlane(folder, new LegacyOwnershipGuard(driver, ownership), ReferenceData.Load());
        var harness = new CutoverHarness(name, folder, store, ownership, driver, legacy, legacy.Import(name), new WorkflowOptions
        {
            BackoffBase = TimeSpan.FromMilliseconds(1), BackoffMax = TimeSpan.FromMilliseconds(5), ObserveInterval = TimeSpan.FromMilliseconds(5),
            QueuedRecheck = TimeSpan.FromMilliseconds(5), MaxAttempts = 3, ReadinessTimeout = TimeSpan.FromSeconds(10),
        });
        // The legacy control plane runs the job before any cut-over: it is the migrator's, so legacy-owned.
        await store.RegisterLegacyAsync(job, name, DateTimeOffset.UtcNow);
        var handle = await legacy.StartAsync(name, RestorePlan.Stateless);
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

    private static string WriteLegacyFlinkJob(string folder)
    {
        LegacyFlinkJob.Write(folder);
        return LegacyFlinkJob.Name;
    }

    /// <summary>
    /// A stateful Samza job as its legacy control plane runs it: properties with a RocksDB store whose changelog is a
    /// Kafka topic (Samza has no savepoints: its state comes back from the changelog and the last checkpoint).
    /// </summary>
    private static string WriteLegacySamzaJob(string folder)
    {
        const string Name = "orders-sessionizer";
        var spec = new JobSpec
        {
            Name = Name, Namespace = "shop", Runtime = Runtime.Samza,
            Artifact = new Artifact { Jar = new JarArtifact { Uri = "hdfs://packages/orders-sessionizer-dist.tar.gz", EntryClass = "com.shop.SessionizerTask", EntryKind = EntryKind.Task } },
            Sources = { new Dataset { System = "kafka", Cluster = "orders", Name = "orders", Format = "json" } },
            Sinks = { new Dataset { System = "kafka", Cluster = "orders", Name = "order-sessions", Format = "json" } },
            State = new State
            {
                Stateful = true,
                Stores = { new StateStore { Name = "sessions", Kind = StoreKind.Rocksdb, Changelog = true, KeyFormat = "string", ValueFormat = "json" } },
            },
            Upgrade = new UpgradePolicy { Mode = UpgradeMode.LastState },
            Resources = new Resources { Parallelism = 2, Task = new ComputeSize { Cpu = 1, Memory = "2Gi" } },
        };
        var fabric = new Fabric
        {
            Name = "yarn", Samza = new SamzaFabric { SystemKafkaCluster = "orders" },
            DefaultResources = new Resources { Coordinator = new ComputeSize { Cpu = 1, Memory = "1Gi" } },
        };
        var platform = new PlatformConfig { KafkaClusters = { new KafkaCluster { Name = "orders", BootstrapServers = "k1:9092" } }, Fabrics = { fabric } };
        File.WriteAllText(Path.Combine(folder, $"{Name}.properties"),
            SamzaPropertiesWriter.Write(SamzaJobCompiler.Compile(spec, platform, fabric), $"{Name}: run by the legacy control plane"));
        Directory.CreateDirectory(Path.Combine(folder, "annotations"));
        File.WriteAllText(Path.Combine(folder, "annotations", $"{Name}.yaml"), """
            namespace: shop
            systems: {orders: {bootstrapServers: "k1:9092"}}
            sinks: [{cluster: orders, name: order-sessions, format: json}]
            """);
        return Name;
    }

    private sealed class SpecWriter(InMemoryJobSpecSource specs) : IMigratedJobWriter
    {
        public Task<long> ApplyAsync(MigrationResult imported, string legacyName, string actor, CancellationToken ct = default) =>
            Task.FromResult(specs.Apply(imported.Import.Spec));
    }
}
