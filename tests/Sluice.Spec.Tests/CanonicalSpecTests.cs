using Sluice.Spec.V1;

namespace Sluice.Spec.Tests;

public class CanonicalSpecTests
{
    private static JobSpec Load(string text) =>
        SpecLoader.ParseJobSpec(text, "spec") is { Value: { } spec } ? spec : throw new InvalidOperationException("spec has errors");

    [Fact]
    public void Reordered_yaml_has_the_same_hash()
    {
        Assert.Equal(CanonicalSpec.Hash(Load(SpecTexts.Sessions)), CanonicalSpec.Hash(Load(SpecTexts.SessionsReordered)));
    }

    [Fact]
    public void Json_form_has_the_same_hash()
    {
        Assert.Equal(CanonicalSpec.Hash(Load(SpecTexts.Sessions)), CanonicalSpec.Hash(Load(SpecTexts.SessionsJson)));
    }

    [Fact]
    public void Any_change_of_meaning_changes_the_hash()
    {
        var original = CanonicalSpec.Hash(Load(SpecTexts.Sessions));

        Assert.NotEqual(original, CanonicalSpec.Hash(Load(SpecTexts.Sessions.Replace("parallelism: 4", "parallelism: 5"))));
        Assert.NotEqual(original, CanonicalSpec.Hash(Load(SpecTexts.Sessions.Replace("tier: gold", "tier: silver"))));
        Assert.NotEqual(original, CanonicalSpec.Hash(Load(SpecTexts.Sessions.Replace("ttl: 2h", "ttl: 3h"))));
    }

    [Fact]
    public void Hash_is_sha256_of_the_canonical_json()
    {
        var hash = CanonicalSpec.Hash(Load(SpecTexts.Minimal));

        Assert.Matches("^sha256:[0-9a-f]{64}$", hash);
        Assert.Equal(hash, CanonicalSpec.HashOf(CanonicalSpec.ToCanonicalJson(Load(SpecTexts.Minimal))));
    }

    [Fact]
    public void Map_insertion_order_does_not_matter()
    {
        var a = Load(SpecTexts.Minimal);
        var b = a.Clone();
        a.Labels.Add("x", "1");
        a.Labels.Add("y", "2");
        b.Labels.Add("y", "2");
        b.Labels.Add("x", "1");

        Assert.Equal(CanonicalSpec.ToCanonicalJson(a), CanonicalSpec.ToCanonicalJson(b));
    }

    [Fact]
    public void Canonical_json_round_trips()
    {
        var spec = Load(SpecTexts.Sessions);

        Assert.Equal(spec, CanonicalSpec.FromCanonicalJson(CanonicalSpec.ToCanonicalJson(spec)));
    }

    [Fact]
    public void Authored_yaml_written_back_reads_as_the_same_spec()
    {
        var spec = Load(SpecTexts.Sessions);
        spec.Description = "line one\nline two";

        var written = SpecYaml.Write(spec);

        Assert.Contains("mode: exactly-once", written);
        Assert.Contains("ttl: 2h", written);
        Assert.Equal(spec, Load(written));
    }
}
