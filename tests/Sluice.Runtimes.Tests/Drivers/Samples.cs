using Sluice.Runtimes.Drivers;

namespace Sluice.Runtimes.Tests.Drivers;

internal static class Samples
{
    public static readonly JobRef Orders = new("payments", "orders-enricher");

    public static SubmissionKey Key(long revision, string fabric = "local-a", int attempt = 1) => new(Orders, revision, fabric, attempt);

    public static FlinkDeploymentArtifact Flink(string name = "orders-enricher", int parallelism = 2) => FlinkDeploymentArtifact.Parse($$"""
        apiVersion: flink.apache.org/v1beta1
        kind: FlinkDeployment
        metadata:
          name: {{name}}
        spec:
          image: flink:1.20
          flinkVersion: v1_20
          serviceAccount: flink
          flinkConfiguration:
            taskmanager.numberOfTaskSlots: "2"
            state.checkpoints.dir: s3://checkpoints/payments/orders-enricher
          jobManager:
            resource: { memory: 2048m, cpu: 1 }
          taskManager:
            resource: { memory: 2048m, cpu: 1 }
          job:
            jarURI: local:///opt/flink/usrlib/orders.jar
            entryClass: com.example.Orders
            parallelism: {{parallelism}}
            upgradeMode: savepoint
            state: running
        """);

    public static SamzaPropertiesArtifact Samza(string packagePath = "http://packages.example/orders-enricher.tar.gz") => new(
    [
        new("job.name", "orders-enricher"),
        new("app.class", "com.example.OrdersApp"),
        new("job.factory.class", "org.apache.samza.job.yarn.YarnJobFactory"),
        new("yarn.package.path", packagePath),
        new("yarn.am.container.memory.mb", "1536"),
        new("task.inputs", "kafka.orders"),
        new("serializers.registry.json.class", "org.apache.samza.serializers.JsonSerdeFactory"),
    ]);
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public ManualTime() : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}

/// <summary>A temporary folder removed at the end of the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("sluice-test-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
