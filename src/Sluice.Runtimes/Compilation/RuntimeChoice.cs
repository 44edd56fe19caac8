using Sluice.Spec.V1;

namespace Sluice.Runtimes.Compilation;

/// <summary>The runtime a job gets when nobody forces one: its own choice, else the platform's, else Flink.</summary>
public static class RuntimeChoice
{
    public static Runtime For(JobSpec spec, PlatformConfig platform) => spec.Runtime switch
    {
        Runtime.Flink or Runtime.Samza => spec.Runtime,
        _ => platform.DefaultRuntime is Runtime.Samza ? Runtime.Samza : Runtime.Flink,
    };
}
