using Sluice.Spec.V1;

namespace Sluice.Runtimes.Compilation;

/// <summary>Picks the fabric a job is rendered for: the one asked for, or the first of its placement.</summary>
public static class FabricSelector
{
    public static Fabric Select(JobSpec spec, PlatformConfig platform, string? requested)
    {
        var problems = new Problems();
        var placed = spec.Placement?.Fabrics ?? [];
        var name = string.IsNullOrEmpty(requested) ? placed.FirstOrDefault() : requested;
        Fabric? fabric = null;
        if (string.IsNullOrEmpty(name))
        {
            problems.Add("placement.fabrics", "is empty and no fabric was requested; name one to render for");
        }
        else
        {
            fabric = platform.Fabrics.FirstOrDefault(candidate => candidate.Name == name);
            if (fabric is null)
            {
                problems.Add("fabric", $"'{name}' is not in the platform config (known: {Known(platform.Fabrics.Select(f => f.Name))})");
            }
            if (placed.Count > 0 && !placed.Contains(name))
            {
                problems.Add("placement.fabrics", $"the job is not placed on fabric '{name}' (placed on: {string.Join(", ", placed)})");
            }
        }
        problems.ThrowIfAny($"job {spec.Namespace}/{spec.Name}");
        return fabric!;
    }

    internal static string Known(IEnumerable<string> names)
    {
        var list = names.Where(name => name.Length > 0).ToArray();
        return list.Length == 0 ? "none" : string.Join(", ", list);
    }
}
