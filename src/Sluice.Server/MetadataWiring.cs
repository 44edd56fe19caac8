using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sluice.Metadata;
using Sluice.Spec.V1;
using Sluice.Store;

namespace Sluice.Server;

/// <summary>Puts the store and the Metadata commands behind the gRPC services.</summary>
internal static class MetadataWiring
{
    /// <returns>The database as shown to the operator (no password).</returns>
    public static string AddMetadata(IServiceCollection services, SluiceServerOptions options)
    {
        EnsureSqliteDirectory(options.Database);
        services.AddSingleton(_ => StoreFactory.Open(options.Database));
        services.AddSingleton(provider => new MetadataCommands(provider.GetRequiredService<SluiceStore>(),
            new MetadataOptions
            {
                Platform = options.Platform, SqlTranslator = new SqlSourceTranslator(options.Platform),
                Deployments = provider.GetRequiredService<Sluice.Store.Deployments.DeploymentStore>(),
            }));
        return Redact(options.Database);
    }

    public static async Task PrepareDatabaseAsync(IServiceProvider services, CancellationToken cancellation) =>
        await services.GetRequiredService<SluiceStore>().MigrateAsync(cancellation);

    public static void MapGrpcServices(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<MetadataGrpcService>();
        endpoints.MapGrpcService<DeploymentGrpcService>();
    }

    /// <summary>The embedded default lives in ./.sluice/: create the folder on first start.</summary>
    private static void EnsureSqliteDirectory(string databaseUrl)
    {
        const string prefix = "sqlite://";
        if (!databaseUrl.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        var directory = Path.GetDirectoryName(databaseUrl[prefix.Length..]);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }

    private static string Redact(string databaseUrl) =>
        Uri.TryCreate(databaseUrl, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':')
            ? databaseUrl.Replace(uri.UserInfo, uri.UserInfo.Split(':')[0] + ":***", StringComparison.Ordinal)
            : databaseUrl;
}

/// <summary>Readiness: the database answers a real metadata query.</summary>
internal sealed class DatabaseHealthCheck(MetadataCommands commands) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await commands.ListNamespacesAsync(new ListNamespacesRequest(), CallerContext.Anonymous("health"), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception error)
        {
            return HealthCheckResult.Unhealthy("database query failed", error);
        }
    }
}
