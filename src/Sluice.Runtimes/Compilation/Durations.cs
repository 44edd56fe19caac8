using Google.Protobuf.WellKnownTypes;

namespace Sluice.Runtimes.Compilation;

/// <summary>Duration renderings the frameworks parse.</summary>
public static class Durations
{
    private static readonly (long Millis, string Unit)[] FlinkUnits =
        [(86_400_000, "d"), (3_600_000, "h"), (60_000, "min"), (1000, "s"), (1, "ms")];

    public static long ToMilliseconds(Duration duration) =>
        duration.Seconds * 1000 + duration.Nanos / 1_000_000;

    /// <summary>Flink's TimeUtils form in the largest exact unit: "30 s", "5 min", "1500 ms".</summary>
    public static string ToFlink(Duration duration)
    {
        var millis = ToMilliseconds(duration);
        var (size, unit) = FlinkUnits.First(candidate => millis % candidate.Millis == 0);
        return $"{millis / size} {unit}";
    }

    public static bool IsSet(Duration? duration) => duration is not null && (duration.Seconds != 0 || duration.Nanos != 0);
}
