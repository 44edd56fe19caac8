using Sluice.Spec.V1;

namespace Sluice.Spec;

/// <summary>Rules for the platform config: fabric and Kafka cluster names unique and well-formed.</summary>
public static class PlatformValidator
{
    public static IReadOnlyList<Diagnostic> Validate(PlatformConfig platform)
    {
        var found = new List<Diagnostic>();
        var fabrics = new HashSet<string>();
        for (var i = 0; i < platform.Fabrics.Count; i++)
        {
            var fabric = platform.Fabrics[i];
            var at = FieldPath.Field(FieldPath.Index("fabrics", i), "name");
            if (!Names.IsDns1123Label(fabric.Name))
            {
                found.Add(Diagnostic.Error(at, fabric.Name.Length == 0 ? "is required" : $"'{fabric.Name}' is not {Names.Dns1123Expected}"));
            }
            else if (!fabrics.Add(fabric.Name))
            {
                found.Add(Diagnostic.Error(at, $"fabric '{fabric.Name}' is declared twice"));
            }
        }
        var clusters = new HashSet<string>();
        for (var i = 0; i < platform.KafkaClusters.Count; i++)
        {
            var cluster = platform.KafkaClusters[i];
            var at = FieldPath.Index("kafkaClusters", i);
            if (cluster.Name.Length == 0)
            {
                found.Add(Diagnostic.Error(FieldPath.Field(at, "name"), "is required"));
            }
            else if (!clusters.Add(cluster.Name))
            {
                found.Add(Diagnostic.Error(FieldPath.Field(at, "name"), $"Kafka cluster '{cluster.Name}' is declared twice"));
            }
            if (cluster.BootstrapServers.Length == 0)
            {
                found.Add(Diagnostic.Error(FieldPath.Field(at, "bootstrapServers"), "is required"));
            }
        }
        return found;
    }
}
