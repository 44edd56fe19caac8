namespace Sluice.Runtimes.Samza;

/// <summary>A Samza job's configuration: ordered key/values, and notes on spec fields Samza has no meaning for.</summary>
public sealed record SamzaJobConfig(IReadOnlyList<KeyValuePair<string, string>> Properties, IReadOnlyList<string> Notes)
{
    public string? this[string key] =>
        Properties.Where(entry => entry.Key == key).Select(entry => entry.Value).FirstOrDefault();
}
