using Sluice.Runtimes.Drivers.Kubernetes;
using Sluice.Runtimes.Drivers.Local;
using Sluice.Runtimes.Drivers.Yarn;
using Sluice.Spec.V1;

namespace Sluice.Runtimes.Drivers;

/// <summary>
/// Picks the driver for a (fabric, runtime) from the platform config: a <c>local: true</c> fabric runs on the Local
/// simulator, otherwise Flink goes to Kubernetes and Samza to YARN. Also finds the driver of a persisted handle.
/// </summary>
public sealed class RuntimeDrivers : IDisposable
{
    private readonly Dictionary<string, Fabric> fabrics;
    private readonly Dictionary<string, IRuntimeDriver> byName;

    public RuntimeDrivers(PlatformConfig platform, LocalRuntimeDriver local, KubernetesFlinkDriver? flink = null, YarnSamzaDriver? samza = null)
    {
        fabrics = platform.Fabrics.ToDictionary(f => f.Name, StringComparer.Ordinal);
        byName = new IRuntimeDriver?[] { local, flink, samza }.OfType<IRuntimeDriver>().ToDictionary(d => d.Name, StringComparer.Ordinal);
    }

    /// <param name="runtime">Flink or Samza, already resolved (see <c>RuntimeChoice</c>).</param>
    public IRuntimeDriver For(string fabric, Runtime runtime)
    {
        if (!fabrics.TryGetValue(fabric, out var config))
        {
            throw new ArgumentException($"fabric: '{fabric}' is not in the platform config");
        }
        var name = config.Local ? LocalRuntimeDriver.DriverName : runtime switch
        {
            Runtime.Flink when config.Flink is not null => KubernetesFlinkDriver.DriverName,
            Runtime.Samza when config.Samza is not null => YarnSamzaDriver.DriverName,
            Runtime.Flink or Runtime.Samza => throw new ArgumentException($"fabric: '{fabric}' has no {runtime.ToString().ToLowerInvariant()} section in the platform config"),
            _ => throw new ArgumentException($"runtime: expected flink or samza, got {runtime}"),
        };
        return Named(name);
    }

    /// <summary>The driver that issued <paramref name="job"/>.</summary>
    public IRuntimeDriver For(RuntimeJobHandle job) => Named(job.Driver);

    public void Dispose()
    {
        foreach (var driver in byName.Values.OfType<IDisposable>())
        {
            driver.Dispose();
        }
    }

    private IRuntimeDriver Named(string name) =>
        byName.TryGetValue(name, out var driver) ? driver : throw new InvalidOperationException($"the {name} driver is not configured");
}
