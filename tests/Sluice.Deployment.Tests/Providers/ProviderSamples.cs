using Google.Protobuf.WellKnownTypes;
using Sluice.Deployment.Providers;
using Sluice.Runtimes.Drivers;
using Sluice.Spec.V1;
using JobRef = Sluice.Runtimes.Drivers.JobRef;

namespace Sluice.Deployment.Tests.Providers;

internal static class ProviderSamples
{
    public static ResourceOwner Owner(long revision = 1, string fabric = "local-a") => new(new JobRef("payments", "orders-enricher"), revision, fabric);

    public static JobSpec Job(Runtime runtime = Runtime.Flink)
    {
        var spec = new JobSpec
        {
            Name = "orders-enricher",
            Namespace = "payments",
            Owner = "payments-oncall@example.com",
            Runtime = runtime,
            Resources = new Resources { Parallelism = 4, MaxParallelism = 8 },
            State = new State { Stateful = true },
            Observability = new Observability { Dashboard = true },
        };
        spec.Sources.Add(new Dataset { System = "kafka", Cluster = "main", Name = "orders", Partitions = 12 });
        spec.Sinks.Add(new Dataset { System = "kafka", Cluster = "main", Name = "orders-enriched", Partitions = 6 });
        spec.Sinks.Add(new Dataset { System = "kafka", Cluster = "analytics", Name = "order-stats" });
        spec.Sinks.Add(new Dataset { System = "jdbc", Cluster = "warehouse", Name = "orders" });
        spec.State.Stores.Add(new StateStore { Name = "customers", Kind = StoreKind.Rocksdb, Changelog = true, Ttl = Duration.FromTimeSpan(TimeSpan.FromDays(7)) });
        spec.State.Stores.Add(new StateStore { Name = "dedup", Kind = StoreKind.InMemory });
        spec.Observability.Alerts.Add(new AlertRule { Kind = AlertKind.ConsumerLag, Threshold = 10000, For = Duration.FromTimeSpan(TimeSpan.FromMinutes(5)), Severity = Severity.Page });
        spec.Observability.Alerts.Add(new AlertRule { Kind = AlertKind.Restarts, Threshold = 3, Severity = Severity.Warning });
        spec.Observability.Alerts.Add(new AlertRule { Kind = AlertKind.CheckpointFailures, Threshold = 1, For = Duration.FromTimeSpan(TimeSpan.FromSeconds(90)), Severity = Severity.Warning });
        return spec;
    }
}

internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("sluice-providers-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
