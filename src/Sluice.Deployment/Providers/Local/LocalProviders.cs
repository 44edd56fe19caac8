using Sluice.Runtimes.Faults;

namespace Sluice.Deployment.Providers.Local;

public static class LocalProviders
{
    /// <summary>Every local provider, in the order a deployment provisions them.</summary>
    public static IReadOnlyList<IResourceProvider> All(LocalProviderOptions options) =>
    [
        new LocalCheckpointDirProvider(options),
        new LocalStateStoreProvider(options),
        new LocalKafkaTopicProvider(options),
        new LocalDashboardProvider(options),
        new LocalAlertRulesProvider(options),
    ];

    /// <summary>
    /// The same providers keeping their records in memory and writing nothing: the tests' and the benchmark's
    /// providers, with <paramref name="faults"/> adding latency and failures to every call.
    /// </summary>
    public static IReadOnlyList<IResourceProvider> InMemory(FaultPlan? faults = null) =>
        All(new LocalProviderOptions { Folder = null, Faults = faults ?? FaultPlan.None });
}
