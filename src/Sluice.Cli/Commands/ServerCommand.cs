using System.CommandLine;
using Sluice.Cli.Client;
using Sluice.Server;
using Sluice.Spec;
using Sluice.Spec.V1;

namespace Sluice.Cli.Commands;

/// <summary>`sluice server`: runs one API replica (gRPC + REST/JSON) against the chosen database.</summary>
public static class ServerCommand
{
    public static Command Create()
    {
        var database = new Option<string>("--db")
        {
            Description = "Database URL: sqlite://PATH (default ./.sluice/sluice.db), postgres://USER:PASS@HOST:PORT/DB or mysql://USER:PASS@HOST:PORT/DB",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SLUICE_DB") ?? SluiceServerOptions.DefaultDatabase,
        };
        var listen = new Option<Uri>("--listen")
        {
            Description = "API endpoint (gRPC and REST over cleartext HTTP/2); what clients pass as --server",
            DefaultValueFactory = _ => SluiceServerOptions.DefaultListen,
            CustomParser = result => Formats.ParseUrl(result)!,
        };
        var httpListen = new Option<Uri?>("--http-listen")
        {
            Description = "HTTP/1.1 endpoint for REST/JSON, health and /openapi/v1.json (default: the port after --listen)",
            CustomParser = Formats.ParseUrl,
        };
        var role = new Option<ServerRole>("--role")
        {
            Description = "api: serve the API; worker: run deployment workers; all: both in one process (the embedded default)",
            DefaultValueFactory = _ => ServerRole.All,
        };
        var platform = new Option<string?>("--platform")
        {
            Description = "Platform config (fabrics, Kafka clusters), e.g. examples/platform.yaml: applies are checked against it and workers render jobs with it",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SLUICE_PLATFORM"),
        };
        var localFolder = new Option<string>("--local-folder")
        {
            Description = "Where the local fabric's simulated runtime writes what it runs",
            DefaultValueFactory = _ => "./.sluice/local",
        };
        var sharedLocal = new Option<bool>("--shared-local-folder")
        {
            Description = "Several worker processes share --local-folder (a file lock per runtime call)",
        };
        var legacy = new Option<string?>("--legacy")
        {
            Description = "The legacy control plane's folder of job configs (<name>.properties / <name>.yaml), for `sluice migrate NAME`",
        };
        var leaseTtl = new Option<double>("--lease-ttl")
        {
            Description = "Seconds a worker's shard leases last without renewal",
            DefaultValueFactory = _ => 10,
        };
        var command = new Command("server", "Run the Sluice API server (gRPC and REST/JSON) and/or deployment workers")
        {
            database, listen, httpListen, role, platform, localFolder, sharedLocal, leaseTtl, legacy,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            PlatformConfig? platformConfig = null;
            if (parse.GetValue(platform) is { } platformPath)
            {
                var loaded = SpecLoader.LoadPlatformFile(platformPath);
                foreach (var problem in loaded.Diagnostics)
                {
                    Console.Error.WriteLine(problem.Format(platformPath));
                }
                if (loaded.HasErrors)
                {
                    return 2;
                }
                platformConfig = loaded.Value;
            }
            var options = new SluiceServerOptions
            {
                Platform = platformConfig,
                Database = parse.GetRequiredValue(database),
                Listen = parse.GetRequiredValue(listen),
                HttpListen = parse.GetValue(httpListen),
                Role = parse.GetValue(role),
                LocalFolder = parse.GetRequiredValue(localFolder),
                SharedLocalFolder = parse.GetValue(sharedLocal),
                LegacyFolder = parse.GetValue(legacy),
                LeaseTtl = TimeSpan.FromSeconds(parse.GetValue(leaseTtl)),
            };
            await using var server = await SluiceServer.StartAsync(options, cancellation);
            Console.Error.WriteLine($"sluice server: role {options.Role.ToString().ToLowerInvariant()}, database {server.DatabaseDescription}");
            Console.Error.WriteLine($"sluice server: gRPC + REST (HTTP/2 h2c) on {server.ApiAddress}");
            Console.Error.WriteLine($"sluice server: REST (HTTP/1.1), /healthz, /openapi/v1.json on {server.HttpAddress}");
            await server.WaitForShutdownAsync(cancellation);
            return 0;
        });
        return command;
    }
}
