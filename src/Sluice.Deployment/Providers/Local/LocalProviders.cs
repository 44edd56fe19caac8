namespace Sluice.Deployment.Providers.Local;

public static class LocalProviders
{
    /// <summary>Every local provider, in the order a deployment provisions them.</summary>
    public static IReadOnlyList<IResourceProvider> All(LocalProviderOptions options) =>
    [
        new LocalStateStoreProvider(options),
        new LocalKafkaTopicProvider(options),
        new LocalDashboardProvider(options),
        new LocalAlertRulesProvider(options),
    ];
}
