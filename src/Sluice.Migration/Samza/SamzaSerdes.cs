namespace Sluice.Migration.Samza;

/// <summary>
/// The serdes the Samza compiler registers for a JobSpec format (mirrors SamzaJobCompiler's table; the round-trip
/// test fails if the two drift apart). A legacy serde maps to a format only if both its name and factory match.
/// </summary>
public static class SamzaSerdes
{
    private static readonly (string Format, string Serde, string Factory)[] BuiltIn =
    [
        ("json", "json", "org.apache.samza.serializers.JsonSerdeV2Factory"),
        ("string", "string", "org.apache.samza.serializers.StringSerdeFactory"),
        ("raw", "byte", "org.apache.samza.serializers.ByteSerdeFactory"),
        ("long", "long", "org.apache.samza.serializers.LongSerdeFactory"),
        ("integer", "integer", "org.apache.samza.serializers.IntegerSerdeFactory"),
    ];

    /// <summary>The JobSpec format of a serde registered under <paramref name="serde"/> with <paramref name="factory"/>, if any.</summary>
    public static string? FormatOf(string serde, string? factory) =>
        BuiltIn.Where(entry => entry.Serde == serde && entry.Factory == factory).Select(entry => entry.Format).FirstOrDefault();
}
