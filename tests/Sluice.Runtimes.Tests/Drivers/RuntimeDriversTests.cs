using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Drivers.Kubernetes;
using Sluice.Runtimes.Drivers.Local;
using Sluice.Runtimes.Drivers.Yarn;
using Sluice.Spec.V1;

namespace Sluice.Runtimes.Tests.Drivers;

public sealed class RuntimeDriversTests
{
    private static readonly PlatformConfig Platform = new()
    {
        Fabrics =
        {
            new Fabric { Name = "laptop", Local = true },
            new Fabric { Name = "east", Flink = new FlinkFabric { KubeContext = "east" }, Samza = new SamzaFabric { ResourceManagerUrl = "http://rm:8088" } },
            new Fabric { Name = "flink-only", Flink = new FlinkFabric { KubeContext = "f" } },
        },
    };

    [Fact]
    public void Fabrics_route_to_the_driver_of_their_runtime()
    {
        using var drivers = new RuntimeDrivers(Platform, new LocalRuntimeDriver(), new KubernetesFlinkDriver(Platform.Fabrics), new YarnSamzaDriver(Platform.Fabrics));

        Assert.Equal(LocalRuntimeDriver.DriverName, drivers.For("laptop", Runtime.Samza).Name);
        Assert.Equal(KubernetesFlinkDriver.DriverName, drivers.For("east", Runtime.Flink).Name);
        Assert.Equal(YarnSamzaDriver.DriverName, drivers.For("east", Runtime.Samza).Name);
        Assert.Equal(YarnSamzaDriver.DriverName, drivers.For(new RuntimeJobHandle(YarnSamzaDriver.DriverName, Samples.Key(1), "application_1_0001")).Name);
        Assert.Equal("fabric: 'flink-only' has no samza section in the platform config", Assert.Throws<ArgumentException>(() => drivers.For("flink-only", Runtime.Samza)).Message);
        Assert.StartsWith("fabric: 'mars'", Assert.Throws<ArgumentException>(() => drivers.For("mars", Runtime.Flink)).Message);
    }

    [Fact]
    public void A_driver_that_is_not_configured_is_named()
    {
        using var drivers = new RuntimeDrivers(Platform, new LocalRuntimeDriver());

        Assert.Equal("the flink-kubernetes driver is not configured", Assert.Throws<InvalidOperationException>(() => drivers.For("east", Runtime.Flink)).Message);
    }
}
