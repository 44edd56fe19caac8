using Microsoft.Extensions.DependencyInjection;
using Sluice.Deployment.Providers.Local;
using Sluice.Deployment.Workflow;
using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Drivers.Local;
using Sluice.Spec.V1;
using Sluice.Store;
using Sluice.Store.Deployments;

namespace Sluice.Server;

/// <summary>Puts the deployment workflow in the process: its commands always, the worker when the role says so.</summary>
internal static class WorkflowWiring
{
    public static void AddWorkflow(IServiceCollection services, SluiceServerOptions options)
    {
        services.AddSingleton(provider => DeploymentStore.For(provider.GetRequiredService<SluiceStore>()));
        services.AddSingleton<IJobSpecSource>(provider => new StoreJobSpecSource(provider.GetRequiredService<SluiceStore>()));
        services.AddSingleton(provider => new DeploymentCommands(provider.GetRequiredService<DeploymentStore>(), provider.GetRequiredService<IJobSpecSource>()));
        var local = new LocalRuntimeOptions { Folder = options.LocalFolder };
        IRuntimeDriver driver = options.SharedLocalFolder ? new SharedFolderLocalDriver(local) : new LocalRuntimeDriver(local);
        CutoverWiring.AddCutover(services, options, driver);
        if (options.Role == ServerRole.Api)
        {
            return;
        }
        var platform = options.Platform ?? new PlatformConfig();
        services.AddSingleton(provider => new DeploymentEngine(
            provider.GetRequiredService<DeploymentStore>(),
            provider.GetRequiredService<IJobSpecSource>(),
            new CompilerRenderer(platform),
            LocalProviders.All(new LocalProviderOptions
            {
                Folder = options.LocalFolder,
                DefaultRuntime = platform.DefaultRuntime is Runtime.Samza ? Runtime.Samza : Runtime.Flink,
            }),
            new SingleDriverSelector(driver), legacy: provider.GetService<Sluice.Migration.Cutover.ILegacyControlPlane>()));
        services.AddSingleton(provider => new DeploymentWorker(provider.GetRequiredService<DeploymentEngine>(),
            new WorkerOptions { LeaseTtl = options.LeaseTtl, RenewInterval = options.LeaseTtl / 3 }));
        services.AddHostedService(provider => provider.GetRequiredService<DeploymentWorker>());
    }
}
