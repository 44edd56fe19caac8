namespace Sluice.Server.Tests;

/// <summary>JobSpec texts the tests apply; each names its datasets so lineage can be checked.</summary>
internal static class Specs
{
    public static string Job(string name, string ns = "growth", string reads = "page-views", string writes = "sessions",
        int parallelism = 4, string tier = "gold") => $"""
        name: {name}
        namespace: {ns}
        owner: data@example.com
        labels:
          tier: {tier}
        runtime: flink
        artifact:
          jar:
            uri: s3://artifacts/{name}.jar
            entryClass: com.example.Main
        sources:
          - system: kafka
            cluster: tracking
            name: {reads}
            format: avro
        sinks:
          - system: kafka
            cluster: tracking
            name: {writes}
            format: avro
        resources:
          parallelism: {parallelism}
        """;
}
