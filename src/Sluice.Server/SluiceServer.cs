using Google.Protobuf.Reflection;
using Google.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.OpenApi.Models;

namespace Sluice.Server;

/// <summary>
/// One API replica: Kestrel on loopback (or the given addresses), the gRPC services, their REST/JSON
/// transcoding, gRPC and HTTP health, and the OpenAPI document. Holds no state another replica needs:
/// everything lives in the database.
/// </summary>
public sealed class SluiceServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly KestrelEndpoints endpoints;

    private SluiceServer(WebApplication app, KestrelEndpoints endpoints, string databaseDescription)
    {
        this.app = app;
        this.endpoints = endpoints;
        DatabaseDescription = databaseDescription;
    }

    /// <summary>gRPC and REST over cleartext HTTP/2: the address clients pass as --server.</summary>
    public Uri ApiAddress => endpoints.ApiAddress;

    /// <summary>REST/JSON over HTTP/1.1, health probes and /openapi/v1.json.</summary>
    public Uri HttpAddress => endpoints.HttpAddress;

    /// <summary>The database in use, without its password.</summary>
    public string DatabaseDescription { get; }

    public IServiceProvider Services => app.Services;

    public static async Task<SluiceServer> StartAsync(SluiceServerOptions options, CancellationToken cancellation = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Sluice.Server" });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", options.LogLevel < LogLevel.Warning ? LogLevel.Warning : options.LogLevel);

        var endpoints = new KestrelEndpoints();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            endpoints.Configure(kestrel, options);
        });

        var database = MetadataWiring.AddMetadata(builder.Services, options);
        WorkflowWiring.AddWorkflow(builder.Services, options);
        builder.Services
            .AddGrpc(grpc =>
            {
                grpc.Interceptors.Add<ErrorMappingInterceptor>();
                grpc.EnableDetailedErrors = false;
            })
            // BadRequest/ErrorInfo details must be known to the JSON writer to render error bodies.
            .AddJsonTranscoding(transcoding =>
            {
                transcoding.TypeRegistry = TypeRegistry.FromMessages(BadRequest.Descriptor, ErrorInfo.Descriptor);
                // The proto3 JSON mapping: 64-bit integers as strings (what the CLI's -o json prints too).
                transcoding.JsonSettings.WriteInt64sAsStrings = true;
            });
        builder.Services.AddGrpcHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        builder.Services.AddGrpcSwagger();
        builder.Services.AddSwaggerGen(swagger =>
            swagger.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Sluice API",
                Version = "v1",
                Description = "REST/JSON transcoding of the Sluice gRPC services (proto/sluice/v1).",
            }));

        var app = builder.Build();
        app.UseSwagger(swagger => swagger.RouteTemplate = "openapi/{documentName}.json");
        if (options.Role != ServerRole.Worker)
        {
            app.MapGrpcServices();
            app.MapDeploymentEvents();
        }
        app.MapGrpcHealthChecksService();
        // Liveness: the process answers. Readiness: the database answers too.
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

        await MetadataWiring.PrepareDatabaseAsync(app.Services, cancellation);
        await app.StartAsync(cancellation);
        return new SluiceServer(app, endpoints, database);
    }

    public Task WaitForShutdownAsync(CancellationToken cancellation) => app.WaitForShutdownAsync(cancellation);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
