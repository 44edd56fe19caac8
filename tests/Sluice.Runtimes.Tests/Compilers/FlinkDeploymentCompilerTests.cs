using Google.Protobuf.WellKnownTypes;
using Sluice.Runtimes.Compilation;
using Sluice.Runtimes.Flink;
using Sluice.Spec.V1;

namespace Sluice.Runtimes.Tests.Compilers;

public class FlinkDeploymentCompilerTests
{
    private static FlinkCompilation Compile(JobSpec spec, PlatformConfig? platform = null)
    {
        platform ??= TestSpecs.Platform();
        return FlinkDeploymentCompiler.Compile(spec, platform, TestSpecs.East(platform));
    }

    [Fact]
    public void Stateless_jar_job_becomes_an_application_deployment_without_checkpointing()
    {
        var manifest = Compile(TestSpecs.StatelessFilter()).Manifest;

        Assert.Equal("page-view-filter", manifest.Metadata.Name);
        Assert.Equal("flink-jobs", manifest.Metadata.Namespace);
        Assert.Equal("flink:2.1", manifest.Spec.Image);
        Assert.Equal("v2_1", manifest.Spec.FlinkVersion);
        Assert.Equal("flink", manifest.Spec.ServiceAccount);
        var job = manifest.Spec.Job;
        Assert.Equal(("s3://artifacts/filter.jar", "com.example.Filter", 4, "stateless", "running", false),
            (job.JarUri, job.EntryClass, job.Parallelism, job.UpgradeMode, job.State, job.AllowNonRestoredState));
        Assert.Empty(job.Args);
        Assert.Equal("4", manifest.Spec.Configuration("parallelism.default"));
        Assert.Equal("1", manifest.Spec.Configuration("taskmanager.numberOfTaskSlots"));
        Assert.Null(manifest.Spec.Configuration("execution.checkpointing.interval"));
        Assert.Null(manifest.Spec.Configuration("state.backend.type"));
        // The task size comes from the spec, the coordinator size from the platform default.
        Assert.Equal(new FlinkProcessResources(1, "1536m"), manifest.Spec.TaskManager);
        Assert.Equal(new FlinkProcessResources(0.5, "1024m"), manifest.Spec.JobManager);
    }

    [Fact]
    public void Stateful_job_gets_checkpointing_state_backend_and_per_job_directories()
    {
        var manifest = Compile(TestSpecs.WindowedAggregation()).Manifest;
        var config = manifest.Spec;

        Assert.Equal("30 s", config.Configuration("execution.checkpointing.interval"));
        Assert.Equal("AT_LEAST_ONCE", config.Configuration("execution.checkpointing.mode"));
        Assert.Equal("5 min", config.Configuration("execution.checkpointing.timeout"));
        Assert.Equal("3", config.Configuration("execution.checkpointing.num-retained"));
        Assert.Equal("rocksdb", config.Configuration("state.backend.type"));
        Assert.Equal("true", config.Configuration("execution.checkpointing.incremental"));
        Assert.Equal("s3://state/checkpoints/revenue-per-minute", config.Configuration("execution.checkpointing.dir"));
        Assert.Equal("s3://state/savepoints/revenue-per-minute", config.Configuration("execution.checkpointing.savepoint-dir"));
        Assert.Equal("kubernetes", config.Configuration("high-availability.type"));
        Assert.Equal("s3://state/ha/revenue-per-minute", config.Configuration("high-availability.storageDir"));
        Assert.Equal("exponential-delay", config.Configuration("restart-strategy.type"));
        Assert.Equal("savepoint", config.Job.UpgradeMode);
    }

    [Fact]
    public void Flink_1x_fabric_gets_the_1x_names_of_renamed_keys()
    {
        var config = Compile(TestSpecs.WindowedAggregation(), TestSpecs.Platform("v1_20")).Manifest.Spec;
        var keys = config.FlinkConfiguration.Select(entry => entry.Key).ToArray();

        Assert.Equal("rocksdb", config.Configuration("state.backend"));
        Assert.Equal("s3://state/checkpoints/revenue-per-minute", config.Configuration("state.checkpoints.dir"));
        Assert.Equal("s3://state/savepoints/revenue-per-minute", config.Configuration("state.savepoints.dir"));
        Assert.Equal("3", config.Configuration("state.checkpoints.num-retained"));
        Assert.Equal("true", config.Configuration("state.backend.incremental"));
        Assert.Equal("exponential-delay", config.Configuration("restart-strategy"));
        Assert.Equal("kubernetes", config.Configuration("high-availability"));
        Assert.Empty(keys.Intersect(FlinkKeys.Flink1Names.Keys));
        Assert.Equal("30 s", config.Configuration("execution.checkpointing.interval"));
    }

    [Fact]
    public void Sql_artifact_runs_through_the_platform_sql_runner_with_the_script_as_its_argument()
    {
        var spec = TestSpecs.WindowedAggregation();
        const string script = "INSERT INTO out\nSELECT merchant, SUM(amount) FROM checkouts GROUP BY merchant;";
        spec.Artifact = new Artifact
        {
            Sql = new SqlArtifact
            {
                Dialect = SqlDialect.FlinkSql,
                Script = script,
                StatefulOperators = { "group-aggregate" },
                Functions = { new SqlFunction { Name = "to_cents", ClassName = "com.example.ToCents", Jars = { "s3://udfs/money.jar" } } },
            },
        };
        spec.State.Stores.Add(new StateStore { Name = "second", Ttl = Duration.FromTimeSpan(TimeSpan.FromMinutes(30)) });

        var compilation = Compile(spec);
        var manifest = compilation.Manifest;

        Assert.Equal("local:///opt/flink/usrlib/sql-runner.jar", manifest.Spec.Job.JarUri);
        Assert.Equal("io.sluice.SqlRunner", manifest.Spec.Job.EntryClass);
        Assert.Equal([script], manifest.Spec.Job.Args);
        Assert.Equal("s3://udfs/money.jar", manifest.Spec.Configuration("pipeline.classpaths"));
        Assert.Equal("30 min", manifest.Spec.Configuration("table.exec.state.ttl"));
        Assert.Contains(compilation.Notes, note => note.Contains("shortest", StringComparison.Ordinal));
    }

    [Fact]
    public void Autoscaling_maps_to_the_operator_autoscaler_keys()
    {
        var spec = TestSpecs.WindowedAggregation();
        spec.Resources.MaxParallelism = 96;
        spec.Autoscaling = new Autoscaling { Enabled = true, MinParallelism = 4, MaxParallelism = 96, TargetUtilization = 0.7 };

        var config = Compile(spec).Manifest.Spec;

        Assert.Equal("true", config.Configuration("job.autoscaler.enabled"));
        Assert.Equal("4", config.Configuration("job.autoscaler.vertex.min-parallelism"));
        Assert.Equal("96", config.Configuration("job.autoscaler.vertex.max-parallelism"));
        Assert.Equal("0.7", config.Configuration("job.autoscaler.utilization.target"));
        Assert.Equal("96", config.Configuration("pipeline.max-parallelism"));
        Assert.Equal("adaptive", config.Configuration("jobmanager.scheduler"));
    }

    [Fact]
    public void Autoscaling_past_the_state_max_parallelism_is_refused()
    {
        var spec = TestSpecs.WindowedAggregation();
        spec.Resources.MaxParallelism = 64;
        spec.Autoscaling = new Autoscaling { Enabled = true, MaxParallelism = 128 };

        var error = Assert.Throws<CompilationException>(() => Compile(spec));

        Assert.Contains(error.Problems, problem => problem.StartsWith("autoscaling.maxParallelism:", StringComparison.Ordinal));
    }

    [Fact]
    public void Flink_overrides_win_with_prefix_stripped_and_samza_overrides_are_ignored()
    {
        var spec = TestSpecs.WindowedAggregation();
        spec.Overrides["flink.execution.checkpointing.interval"] = "10 s";
        spec.Overrides["flink.pipeline.name"] = "revenue";
        spec.Overrides["samza.task.window.ms"] = "1000";

        var configuration = Compile(spec).Manifest.Spec.FlinkConfiguration;

        Assert.Single(configuration, entry => entry.Key == "execution.checkpointing.interval");
        Assert.Equal(
            [new("execution.checkpointing.interval", "10 s"), new("pipeline.name", "revenue")],
            configuration.TakeLast(2));
        Assert.DoesNotContain(configuration, entry => entry.Key.Contains("task.window", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_missing_piece_of_platform_information_is_reported_at_once()
    {
        var platform = TestSpecs.Platform();
        platform.DefaultResources = null;
        var fabric = TestSpecs.East(platform);
        fabric.Flink = null;
        var spec = TestSpecs.StatelessFilter();
        spec.Sources[0].Cluster = "clickstream";
        spec.Resources.Task.Memory = "";

        var error = Assert.Throws<CompilationException>(() => FlinkDeploymentCompiler.Compile(spec, platform, fabric));

        Assert.Contains("fabric east: has no flink section, so Flink jobs cannot run there", error.Problems);
        Assert.Contains(error.Problems, problem => problem.StartsWith("sources[0].cluster: Kafka cluster 'clickstream' is not in the platform config (known: tracking, commerce)", StringComparison.Ordinal));
        Assert.Contains(error.Problems, problem => problem.StartsWith("resources.task.memory: not set", StringComparison.Ordinal));
        Assert.Contains(error.Problems, problem => problem.StartsWith("resources.coordinator.cpu: not set", StringComparison.Ordinal));
        Assert.Contains("growth/page-view-filter for flink on fabric east", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stateful_job_on_a_fabric_without_state_directories_is_refused()
    {
        var platform = TestSpecs.Platform();
        var flink = TestSpecs.East(platform).Flink;
        flink.CheckpointBaseDir = "";
        flink.SavepointBaseDir = "";
        flink.HighAvailabilityDir = "";
        var spec = TestSpecs.WindowedAggregation();
        spec.Upgrade.Mode = UpgradeMode.LastState;

        var error = Assert.Throws<CompilationException>(() => Compile(spec, platform));

        Assert.Contains(error.Problems, problem => problem.StartsWith("fabric east: flink.checkpointBaseDir:", StringComparison.Ordinal));
        Assert.Contains(error.Problems, problem => problem.StartsWith("fabric east: flink.highAvailabilityDir:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_task_class_cannot_run_on_flink()
    {
        var task = TestSpecs.StatelessFilter();
        task.Artifact.Jar.EntryKind = EntryKind.Task;

        Assert.Contains(Assert.Throws<CompilationException>(() => Compile(task)).Problems,
            problem => problem.StartsWith("artifact.jar.entryKind: Flink runs application entry classes only", StringComparison.Ordinal));
    }

    [Fact]
    public void Beam_sql_needs_the_fabrics_beam_runner()
    {
        var beam = TestSpecs.StatelessFilter();
        beam.Artifact = new Artifact { Sql = new SqlArtifact { Dialect = SqlDialect.BeamSql, Script = "SELECT 1" } };

        Assert.Contains(Assert.Throws<CompilationException>(() => Compile(beam)).Problems,
            problem => problem.StartsWith("fabric east: flink.beamSqlRunnerJar: is required to run beam-sql artifacts", StringComparison.Ordinal));
    }

    [Fact]
    public void Beam_sql_runs_as_a_beam_pipeline_through_the_fabrics_beam_runner()
    {
        var beam = TestSpecs.StatelessFilter();
        beam.Artifact = new Artifact { Sql = new SqlArtifact { Dialect = SqlDialect.BeamSql, Script = "SELECT 1" } };
        var platform = TestSpecs.Platform();
        TestSpecs.East(platform).Flink.BeamSqlRunnerJar = "local:///opt/flink/usrlib/beam-sql-runner.jar";
        TestSpecs.East(platform).Flink.BeamSqlRunnerClass = "io.sluice.BeamSqlRunner";

        var job = Compile(beam, platform).Manifest.Spec.Job;

        Assert.Equal("local:///opt/flink/usrlib/beam-sql-runner.jar", job.JarUri);
        Assert.Equal("io.sluice.BeamSqlRunner", job.EntryClass);
        Assert.Equal(["SELECT 1"], job.Args);
    }

    [Fact]
    public void Fabric_defaults_win_over_platform_defaults_field_by_field()
    {
        var platform = TestSpecs.Platform();
        TestSpecs.East(platform).DefaultResources = new Resources { Coordinator = new ComputeSize { Memory = "3Gi" } };

        var jobManager = Compile(TestSpecs.StatelessFilter(), platform).Manifest.Spec.JobManager;

        Assert.Equal(new FlinkProcessResources(0.5, "3072m"), jobManager);
    }

    [Fact]
    public void Unset_upgrade_mode_and_interval_take_stated_defaults()
    {
        var spec = TestSpecs.WindowedAggregation();
        spec.Upgrade = null;
        spec.State.Checkpointing.Interval = null;

        var compilation = Compile(spec);

        Assert.Equal("savepoint", compilation.Manifest.Spec.Job.UpgradeMode);
        Assert.Equal("1 min", compilation.Manifest.Spec.Configuration("execution.checkpointing.interval"));
        Assert.Contains(compilation.Notes, note => note.StartsWith("upgrade.mode: not set", StringComparison.Ordinal));
        Assert.Contains(compilation.Notes, note => note.StartsWith("state.checkpointing.interval: not set", StringComparison.Ordinal));
    }

    [Fact]
    public void Output_is_byte_identical_whatever_the_order_of_map_entries()
    {
        var first = TestSpecs.WindowedAggregation();
        first.Labels.Clear();
        first.Labels.Add("b", "2");
        first.Labels.Add("a", "1");
        first.Overrides.Add("flink.pipeline.name", "x");
        first.Overrides.Add("flink.execution.buffer-timeout.interval", "10 ms");
        var second = first.Clone();
        second.Labels.Clear();
        second.Labels.Add("a", "1");
        second.Labels.Add("b", "2");
        second.Overrides.Clear();
        second.Overrides.Add("flink.execution.buffer-timeout.interval", "10 ms");
        second.Overrides.Add("flink.pipeline.name", "x");

        var yaml = FlinkManifestWriter.ToYaml(Compile(first).Manifest);

        Assert.Equal(yaml, FlinkManifestWriter.ToYaml(Compile(second).Manifest));
        Assert.Equal(yaml, FlinkManifestWriter.ToYaml(Compile(first).Manifest));
    }
}
