using Google.Rpc;
using Grpc.Core;
using Sluice.Spec.V1;

namespace Sluice.Server.Tests;

/// <summary>Flink SQL scripts applied through the API: the server analyses them into JobSpecs; errors point into the script.</summary>
public sealed class SqlApplyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string Example = File.ReadAllText(Path.Combine(RepoRoot(), "examples", "sql", "paid-orders-per-customer.sql"));

    private static ApplyJobRequest Apply(string sql, string name) => new()
    {
        Source = new SpecSource { Kind = SourceKind.FlinkSql, Text = sql, FileName = name + ".sql" },
        Namespace = "fulfilment",
        Name = name,
    };

    [Fact]
    public async Task A_flink_sql_script_is_stored_as_a_job_with_the_lineage_its_analysis_found()
    {
        var applied = await fixture.Server.Client.ApplyJobAsync(Apply(Example, "sql-paid-orders"));

        Assert.Equal(ApplyOutcome.Created, applied.Outcome);
        var revision = await fixture.Server.Client.GetJobRevisionAsync(new GetJobRevisionRequest
        {
            Namespace = "fulfilment", Name = "sql-paid-orders", Revision = 1,
        });
        Assert.Equal(SourceKind.FlinkSql, revision.SourceKind);
        Assert.Equal(Example, revision.SourceText);
        var source = Assert.Single(revision.Spec.Sources);
        Assert.Equal("paid-orders", source.Name);
        var readers = await fixture.Server.Client.GetDatasetLineageAsync(new GetDatasetLineageRequest
        {
            Uri = $"kafka://{source.Cluster}/paid-orders",
        });
        Assert.Contains(readers.Readers, job => job.Name == "sql-paid-orders");
    }

    [Fact]
    public async Task A_broken_script_is_INVALID_ARGUMENT_pointing_at_its_line_and_column()
    {
        var broken = Example.Replace("GROUP BY customer_id", "GROUP BY BY customer_id");

        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.Server.Client.ApplyJobAsync(Apply(broken, "sql-broken")).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.StartsWith("sql-broken.sql:38:10: ", violation.Description);
    }

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Sluice.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new DirectoryNotFoundException("repository root (Sluice.slnx) not found above the test binaries");
    }
}
