using Sluice.Spec;
using Sluice.Spec.V1;

namespace Sluice.Runtimes.Compilation;

/// <summary>CPU and memory of one process, memory in mebibytes.</summary>
public sealed record ComputeNeeds(double Cpu, long MemoryMebibytes);

/// <summary>
/// The resources a job runs with on one fabric: each field from the spec, else the fabric's defaults, else the
/// platform's defaults. Parallelism falls back to 1; CPU and memory have no built-in fallback.
/// </summary>
public sealed record EffectiveResources(int Parallelism, int? MaxParallelism, ComputeNeeds Task, ComputeNeeds Coordinator)
{
    public static EffectiveResources Resolve(JobSpec spec, Fabric fabric, PlatformConfig platform, Problems problems)
    {
        Resources?[] layers = [spec.Resources, fabric.DefaultResources, platform.DefaultResources];
        var parallelism = layers.Select(layer => layer?.Parallelism ?? 0).FirstOrDefault(value => value > 0);
        var maxParallelism = layers.Select(layer => layer?.MaxParallelism ?? 0).FirstOrDefault(value => value > 0);
        return new EffectiveResources(
            parallelism > 0 ? parallelism : 1,
            maxParallelism > 0 ? maxParallelism : null,
            Compute("resources.task", layers.Select(layer => layer?.Task).ToArray(), fabric, problems),
            Compute("resources.coordinator", layers.Select(layer => layer?.Coordinator).ToArray(), fabric, problems));
    }

    private static ComputeNeeds Compute(string path, ComputeSize?[] layers, Fabric fabric, Problems problems)
    {
        var cpu = layers.Select(layer => layer?.Cpu ?? 0).FirstOrDefault(value => value > 0);
        if (cpu <= 0)
        {
            problems.Add($"{path}.cpu", Unset(fabric));
        }
        var memoryIndex = Array.FindIndex(layers, layer => !string.IsNullOrEmpty(layer?.Memory));
        long memory = 0;
        if (memoryIndex < 0)
        {
            problems.Add($"{path}.memory", Unset(fabric));
        }
        else
        {
            var source = memoryIndex switch { 0 => path, 1 => $"fabric {fabric.Name} defaultResources", _ => "platform defaultResources" };
            var quantity = layers[memoryIndex]!.Memory;
            if (Quantity.TryParseBytes(quantity, out _))
            {
                memory = Quantity.ParseMebibytes(quantity);
            }
            else
            {
                problems.Add($"{source}.memory", $"'{quantity}' is not {Quantity.Expected}");
            }
        }
        return new ComputeNeeds(cpu, memory);
    }

    private static string Unset(Fabric fabric) =>
        $"not set in the spec, and neither fabric '{fabric.Name}' nor the platform has a default for it";
}
