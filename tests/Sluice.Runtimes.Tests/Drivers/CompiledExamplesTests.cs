using Sluice.Runtimes.Compilation;
using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Drivers.Kubernetes;
using Sluice.Runtimes.Drivers.Local;
using Sluice.Runtimes.Drivers.Yarn;
using Sluice.Runtimes.Flink;
using Sluice.Runtimes.Samza;
using Sluice.Runtimes.Tests.Compilers;
using Sluice.Runtimes.Tests.Drivers.Kubernetes;
using Sluice.Runtimes.Tests.Drivers.Yarn;
using Sluice.Spec;
using Sluice.Spec.V1;
using JobRef = Sluice.Runtimes.Drivers.JobRef;

namespace Sluice.Runtimes.Tests.Drivers;

/// <summary>The compilers' output for every example, handed to the drivers as data, runs end to end.</summary>
public sealed class CompiledExamplesTests
{
    private const string FabricName = "us-east-1a";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Every_flink_example_runs_on_the_kubernetes_double_and_the_local_driver()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var temp = new TempFolder();
        var platform = Platform();
        var fabric = platform.Fabrics.Single(f => f.Name == FabricName);
        using var kubernetes = new KubernetesFlinkDriver(platform.Fabrics, new KubernetesFlinkOptions
        {
            KubeconfigPath = api.WriteKubeconfig(temp.Path, (fabric.Flink.KubeContext, "unused")),
            RetryDelay = TimeSpan.FromMilliseconds(10),
        });
        var local = new LocalRuntimeDriver(new LocalRuntimeOptions { Folder = Path.Combine(temp.Path, "local") });

        var ran = 0;
        foreach (var (file, spec) in Examples(platform))
        {
            FlinkCompilation compiled;
            try
            {
                compiled = FlinkDeploymentCompiler.Compile(spec, platform, fabric);
            }
            catch (CompilationException)
            {
                continue; // a Samza-only example
            }
            var artifact = FlinkDeploymentArtifact.Parse(FlinkManifestWriter.ToYaml(compiled.Manifest));
            var key = new SubmissionKey(new JobRef(spec.Namespace, spec.Name), 1, FabricName);

            var job = await kubernetes.SubmitAsync(new SubmitRequest(key, artifact));
            await kubernetes.WaitUntilRunningAsync(job, Patience, Poll);
            Assert.Equal(fabric.Flink.Namespace, api.Get("flinkdeployments", fabric.Flink.Namespace, artifact.Name)?["metadata"]?["namespace"]?.ToString());

            var simulated = await local.SubmitAsync(new SubmitRequest(key, artifact));
            Assert.Equal(RuntimeJobState.Running, (await local.ObserveAsync(simulated)).State);
            ran++;
        }
        Assert.True(ran >= 2, $"only {ran} Flink examples compiled");
        Assert.Equal(ran, local.ActiveRuns(FabricName).Count);
    }

    [Fact]
    public async Task Every_samza_example_runs_on_the_resource_manager_double()
    {
        await using var rm = await FakeResourceManager.StartAsync();
        var platform = Platform();
        var fabric = platform.Fabrics.Single(f => f.Name == FabricName);
        fabric.Samza.ResourceManagerUrl = rm.Url;
        fabric.Samza.PackageBase = rm.Url + "/packages";
        var webHdfs = new Dictionary<string, Uri> { ["namenode.us-east-1a.internal:8020"] = new Uri(rm.Url) };
        using var yarn = new YarnSamzaDriver(platform.Fabrics, new YarnSamzaOptions { RetryDelay = TimeSpan.FromMilliseconds(10), WebHdfs = webHdfs });

        var ran = 0;
        foreach (var (file, spec) in Examples(platform))
        {
            SamzaJobConfig config;
            try
            {
                config = SamzaJobCompiler.Compile(spec, platform, fabric);
            }
            catch (CompilationException)
            {
                continue; // a Flink-only example
            }
            var key = new SubmissionKey(new JobRef(spec.Namespace, spec.Name), 1, FabricName);
            var job = await yarn.SubmitAsync(new SubmitRequest(key, new SamzaPropertiesArtifact(config.Properties)));
            await yarn.WaitUntilRunningAsync(job, Patience, Poll);
            ran++;
        }
        Assert.True(ran >= 1, "no Samza example compiled");
        Assert.Equal(ran, rm.Submissions.Count);
    }

    private static IEnumerable<(string File, JobSpec Spec)> Examples(PlatformConfig platform)
    {
        foreach (var file in Directory.GetFiles(RepositoryPaths.Examples, "*.yaml").Where(f => Path.GetFileName(f) != "platform.yaml").Order(StringComparer.Ordinal))
        {
            var result = SpecLoader.LoadJobSpecFile(file, platform);
            Assert.False(result.HasErrors, file);
            if (result.Value!.Placement.Fabrics.Contains(FabricName))
            {
                yield return (file, result.Value);
            }
        }
    }

    private static PlatformConfig Platform()
    {
        var result = SpecLoader.LoadPlatformFile(Path.Combine(RepositoryPaths.Examples, "platform.yaml"));
        Assert.False(result.HasErrors);
        return result.Value!;
    }
}
