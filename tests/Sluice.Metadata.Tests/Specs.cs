using Sluice.Spec.V1;

namespace Sluice.Metadata.Tests;

/// <summary>Valid JobSpecs for the tests; each test states what it changes.</summary>
internal static class Specs
{
    public static JobSpec Job(string ns, string name, string[]? reads = null, string[]? writes = null, int parallelism = 4,
        IDictionary<string, string>? labels = null)
    {
        var spec = new JobSpec
        {
            Namespace = ns,
            Name = name,
            Owner = "team@example.com",
            Runtime = Runtime.Flink,
            Artifact = new Artifact { Jar = new JarArtifact { Uri = "s3://artifacts/job.jar", EntryClass = "com.example.Job" } },
            Resources = new Resources { Parallelism = parallelism, Task = new ComputeSize { Cpu = 1, Memory = "2Gi" } },
        };
        foreach (var uri in reads ?? ["kafka://tracking/page-views"]) spec.Sources.Add(Dataset(uri));
        foreach (var uri in writes ?? []) spec.Sinks.Add(Dataset(uri));
        if (labels is not null) spec.Labels.Add(labels);
        return spec;
    }

    public static Dataset Dataset(string uri)
    {
        var parts = uri.Split("://", 2);
        var rest = parts[1].Split('/', 2);
        return new Dataset { System = parts[0], Cluster = rest[0], Name = rest[1], Format = "json" };
    }

    public static ApplyJobRequest Apply(JobSpec spec, long? expectedRevision = null, string requestId = "")
    {
        var request = new ApplyJobRequest { Spec = spec, RequestId = requestId };
        if (expectedRevision is { } expected) request.ExpectedRevision = expected;
        return request;
    }

    public static ApplyJobRequest ApplyText(string yaml, string fileName = "job.yaml") =>
        new() { Source = new SpecSource { Kind = SourceKind.Spec, Text = yaml, FileName = fileName } };
}
