using Sluice.Deployment.Providers;
using Sluice.Deployment.Providers.Local;
using Sluice.Deployment.Workflow;
using Sluice.Runtimes.Drivers.Local;
using Sluice.Spec;
using Sluice.Spec.V1;
using Sluice.Store;
using Sluice.Store.Deployments;

namespace Sluice.Deployment.Tests.Workflow;

/// <summary>
/// One workflow over a fresh database: the real store, the example specs, the compilers, the local resource providers
/// (in memory unless the test gives them a folder) and the Local runtime driver. <see cref="DriveAsync"/> plays one worker, step by step, holding the deployment's shard lease.
/// </summary>
internal sealed class WorkflowHarness : IAsyncDisposable
{
    public const string Fabric = "us-east-1a";
    public const string Owner = "test-worker";

    private WorkflowHarness(string url, DeploymentStore store, LocalRuntimeDriver driver, WorkflowOptions options, LocalProviderOptions providers)
    {
        Url = url;
        Store = store;
        Driver = driver;
        Options = options;
        Providers = LocalProviders.All(providers);
        Engine = new DeploymentEngine(store, Specs, new CompilerRenderer(Platform), Providers, new SingleDriverSelector(driver), options);
        Commands = new DeploymentCommands(store, Specs);
    }

    public static string RepositoryRoot { get; } = FindRoot();

    public static PlatformConfig Platform { get; } = LoadPlatform();

    public string Url { get; }
    public DeploymentStore Store { get; }
    public LocalRuntimeDriver Driver { get; }
    public WorkflowOptions Options { get; }
    public InMemoryJobSpecSource Specs { get; } = new();
    public IReadOnlyList<IResourceProvider> Providers { get; }
    public DeploymentEngine Engine { get; }
    public DeploymentCommands Commands { get; }
    private readonly Dictionary<int, ShardFence> _fences = [];

    public static async Task<WorkflowHarness> StartAsync(string dialect, LocalRuntimeOptions? runtime = null, WorkflowOptions? options = null,
        LocalProviderOptions? providers = null)
    {
        var url = await TestDatabase.CreateAsync(dialect);
        var sluiceStore = StoreFactory.Open(url);
        await sluiceStore.MigrateAsync();
        var store = DeploymentStore.For(sluiceStore, shardCount: 8);
        await store.EnsureShardsAsync();
        return new WorkflowHarness(url, store, new LocalRuntimeDriver(runtime ?? new LocalRuntimeOptions()),
            options ?? new WorkflowOptions
            {
                BackoffBase = TimeSpan.FromMilliseconds(1), BackoffMax = TimeSpan.FromMilliseconds(5),
                ObserveInterval = TimeSpan.FromMilliseconds(5), QueuedRecheck = TimeSpan.FromMilliseconds(5), MaxAttempts = 3,
            },
            providers ?? new LocalProviderOptions());
    }

    /// <summary>Applies an example (optionally changed) as the job's next revision; answers the job key.</summary>
    public string Apply(string example, Action<JobSpec>? change = null)
    {
        var path = Path.Combine(RepositoryRoot, "examples", example + ".yaml");
        var loaded = SpecLoader.LoadJobSpecFile(path, Platform);
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Errors.Select(d => d.Format(path))));
        var spec = loaded.Value!;
        change?.Invoke(spec);
        Specs.Apply(spec);
        return $"{spec.Namespace}/{spec.Name}";
    }

    /// <summary>The fence this test's worker holds on the shard, acquiring the lease on first use.</summary>
    public async Task<ShardFence> FenceAsync(int shard)
    {
        if (_fences.TryGetValue(shard, out var fence)) return fence;
        fence = await Store.TryAcquireAsync(shard, Owner, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5))
                ?? throw new InvalidOperationException($"shard {shard} is leased to someone else");
        return _fences[shard] = fence;
    }

    /// <summary>Runs the deployment's steps until it finishes (bounded), waiting out backoffs; answers the final row.</summary>
    public async Task<DeploymentRecord> DriveAsync(long id, int maxSteps = 200)
    {
        var deployment = (await Store.GetAsync(id))!;
        for (var i = 0; i < maxSteps && !deployment.State.IsTerminal(); i++)
        {
            var wait = deployment.NextAttemptAt - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            deployment = await Engine.StepAsync(await FenceAsync(deployment.Shard), deployment);
        }
        Assert.True(deployment.State.IsTerminal(), $"deployment {id} still {deployment.State} after {maxSteps} steps");
        return deployment;
    }

    public async Task<DeploymentRecord> DeployAndDriveAsync(string job, string fabric = Fabric)
    {
        var created = Assert.Single(await Commands.DeployAsync(job, fabric, "tester"));
        return await DriveAsync(created.Id);
    }

    /// <summary>Whether the provider of the resource's kind still has it.</summary>
    public async Task<bool> ExistsAsync(ResourceRecord resource) =>
        (await Providers.Single(p => p.Kind == resource.Kind).ObserveAsync(resource.ExternalId)).Exists;

    public async Task<IReadOnlyList<string>> EventDetailsAsync(long id) => (await Store.EventsAsync(id)).Select(e => e.Detail).ToList();

    public async Task<IReadOnlyList<DeploymentState>> EventStatesAsync(long id) => (await Store.EventsAsync(id)).Select(e => e.State).ToList();

    public ValueTask DisposeAsync() => Store.DisposeAsync();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sluice.slnx"))) return directory.FullName;
        }
        throw new InvalidOperationException($"no Sluice.slnx above {AppContext.BaseDirectory}");
    }

    private static PlatformConfig LoadPlatform()
    {
        var path = Path.Combine(RepositoryRoot, "examples", "platform.yaml");
        var loaded = SpecLoader.LoadPlatformFile(path);
        Assert.False(loaded.HasErrors, string.Join("\n", loaded.Errors.Select(d => d.Format(path))));
        return loaded.Value!;
    }
}
