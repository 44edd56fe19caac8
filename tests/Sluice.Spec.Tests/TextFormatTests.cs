using Google.Protobuf.WellKnownTypes;

namespace Sluice.Spec.Tests;

public class TextFormatTests
{
    [Theory]
    [InlineData("500ms", 0, 500_000_000)]
    [InlineData("30s", 30, 0)]
    [InlineData("1h30m", 5400, 0)]
    [InlineData("2d", 172800, 0)]
    [InlineData("1.5s", 1, 500_000_000)]
    public void Durations_parse(string text, long seconds, int nanos)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(new Duration { Seconds = seconds, Nanos = nanos }, duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("5 minutes")]
    [InlineData("-5s")]
    public void Bad_durations_do_not_parse(string text)
    {
        Assert.False(DurationText.TryParse(text, out _));
    }

    [Theory]
    [InlineData(5400, 0, "1h30m")]
    [InlineData(0, 500_000_000, "500ms")]
    [InlineData(86461, 0, "1d1m1s")]
    public void Durations_format_shortest(long seconds, int nanos, string text)
    {
        Assert.Equal(text, DurationText.Format(new Duration { Seconds = seconds, Nanos = nanos }));
    }

    [Theory]
    [InlineData("2Gi", 2048)]
    [InlineData("1536Mi", 1536)]
    [InlineData("1G", 954)]
    [InlineData("1048576", 1)]
    public void Memory_quantities_in_mebibytes_round_up(string text, long mebibytes)
    {
        Assert.Equal(mebibytes, Quantity.ParseMebibytes(text));
    }

    [Theory]
    [InlineData("2GB")]
    [InlineData("lots")]
    [InlineData("-1Gi")]
    public void Bad_quantities_throw_format_errors_naming_the_value(string text)
    {
        var error = Assert.Throws<FormatException>(() => Quantity.ParseMebibytes(text));
        Assert.Contains(text, error.Message);
    }

    [Theory]
    [InlineData("kafka", "tracking", "page-views", "kafka://tracking/page-views")]
    [InlineData("Kafka ", "tracking", "page-views", "kafka://tracking/page-views")]
    [InlineData("filesystem", "", "/data/in", "filesystem:///data/in")]
    public void Dataset_uris_are_stable(string system, string cluster, string name, string uri)
    {
        Assert.Equal(uri, DatasetUri.Of(system, cluster, name));
    }
}
