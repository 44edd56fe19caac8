using Microsoft.Extensions.DependencyInjection;
using Sluice.Deployment.Workflow;
using Sluice.Metadata;
using Sluice.Migration;
using Sluice.Migration.Cutover;
using Sluice.Migration.Legacy;
using Sluice.Runtimes.Drivers;
using Sluice.Spec.V1;
using Sluice.Store;
using Sluice.Store.Deployments;
using Sluice.Store.Ownership;

namespace Sluice.Server;

/// <summary>Puts the migrator's cut-over in the process: the legacy control plane (when configured) and the cut-over commands.</summary>
internal static class CutoverWiring
{
    public static void AddCutover(IServiceCollection services, SluiceServerOptions options, IRuntimeDriver driver)
    {
        services.AddSingleton(provider => OwnershipStore.For(provider.GetRequiredService<SluiceStore>()));
        if (options.LegacyFolder is { } folder)
        {
            services.AddSingleton<ILegacyControlPlane>(provider => new FolderLegacyControlPlane(folder,
                new LegacyOwnershipGuard(driver, provider.GetRequiredService<OwnershipStore>()), ReferenceData.Load()));
        }
        services.AddSingleton(provider => new MigratedJobs(provider.GetRequiredService<DeploymentStore>()));
        services.AddSingleton(provider => new CutoverCommands(provider.GetRequiredService<DeploymentStore>(), provider.GetService<ILegacyControlPlane>(),
            new MetadataMigratedJobWriter(provider.GetRequiredService<MetadataCommands>())));
    }

    /// <summary>A migrated JobSpec becomes a revision through the metadata commands, with the legacy file as its source.</summary>
    private sealed class MetadataMigratedJobWriter(MetadataCommands metadata) : IMigratedJobWriter
    {
        public async Task<long> ApplyAsync(MigrationResult imported, string legacyName, string actor, CancellationToken ct = default)
        {
            var response = await metadata.ApplyJobAsync(new ApplyJobRequest
            {
                Spec = imported.Import.Spec,
                OriginalSource = new SpecSource { Kind = SourceKind.Migrated, Text = File.ReadAllText(imported.Source), FileName = Path.GetFileName(imported.Source) },
            }, new CallerContext(actor, "sluice-migrate"), ct);
            return response.Revision;
        }
    }
}

/// <summary>
/// Jobs created by an apply of a migrated JobSpec (source kind `migrated`, e.g. `sluice migrate plan --apply`) start
/// owned by their legacy control plane, known there by the file name they came from; every other job is Sluice's.
/// </summary>
public sealed class MigratedJobs(DeploymentStore store)
{
    public async Task RecordAsync(ApplyJobRequest request, ApplyJobResponse response, CancellationToken ct)
    {
        if (request.OriginalSource is not { Kind: SourceKind.Migrated } source || response.Outcome != ApplyOutcome.Created || response.Replayed)
        {
            return;
        }
        var legacyName = Path.GetFileNameWithoutExtension(source.FileName);
        await store.RegisterLegacyAsync($"{response.Job.Namespace}/{response.Job.Name}",
            string.IsNullOrEmpty(legacyName) ? response.Job.Name : legacyName, DateTimeOffset.UtcNow, ct);
    }
}
