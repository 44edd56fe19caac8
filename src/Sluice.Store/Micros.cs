namespace Sluice.Store;

/// <summary>Times are stored as UTC microseconds since the Unix epoch.</summary>
internal static class Micros
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    public static long From(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;

    public static DateTimeOffset ToTime(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * TicksPerMicrosecond);
}
