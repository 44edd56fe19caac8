using Sluice.Runtimes.Drivers;
using Sluice.Runtimes.Drivers.Local;
using Sluice.Runtimes.Faults;
using Sluice.Runtimes.Rendering;
using Sluice.Runtimes.Tests.Compilers;
using YamlDotNet.RepresentationModel;

namespace Sluice.Runtimes.Tests.Drivers.Local;

public sealed class LocalRuntimeDriverTests
{
    private readonly ManualTime time = new();

    private LocalRuntimeDriver Driver(string? folder = null, TimeSpan? startTime = null, double crash = 0, double failure = 0, FaultPlan? faults = null, int seed = 0) =>
        new(new LocalRuntimeOptions
        {
            Folder = folder,
            StartTime = startTime ?? TimeSpan.FromSeconds(10),
            CrashDuringStartRate = crash,
            FailureRate = failure,
            FailAfter = TimeSpan.FromSeconds(30),
            Faults = faults ?? FaultPlan.None,
            Seed = seed,
            Time = time,
        });

    [Fact]
    public async Task A_job_starts_then_runs_after_the_configured_start_time()
    {
        var driver = Driver();
        var job = await driver.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Flink()));

        Assert.Equal(RuntimeJobState.Starting, (await driver.ObserveAsync(job)).State);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(RuntimeJobState.Starting, (await driver.ObserveAsync(job)).State);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(RuntimeJobState.Running, (await driver.ObserveAsync(job)).State);
        Assert.Single(driver.ActiveRuns("local-a"));
    }

    [Fact]
    public async Task Submitting_the_same_key_twice_returns_the_first_submission()
    {
        var driver = Driver();
        var first = await driver.SubmitAsync(new SubmitRequest(Samples.Key(3), Samples.Flink()));
        var second = await driver.SubmitAsync(new SubmitRequest(Samples.Key(3), Samples.Flink()));

        Assert.Equal(first, second);
        Assert.Single(driver.Runs("local-a"));
    }

    [Fact]
    public async Task A_second_revision_is_refused_while_the_first_is_active_and_accepted_after_suspend()
    {
        var driver = Driver(startTime: TimeSpan.Zero);
        var first = await driver.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Flink()));

        var conflict = await Assert.ThrowsAsync<RuntimeConflictException>(() => driver.SubmitAsync(new SubmitRequest(Samples.Key(2), Samples.Flink())));
        Assert.Contains("revision 1", conflict.Message);

        await driver.SuspendAsync(first);
        await driver.SuspendAsync(first);
        Assert.Equal(RuntimeJobState.Suspended, (await driver.ObserveAsync(first)).State);
        var second = await driver.SubmitAsync(new SubmitRequest(Samples.Key(2), Samples.Flink()));
        Assert.Equal(RuntimeJobState.Running, (await driver.ObserveAsync(second)).State);
        Assert.Equal([2L], driver.ActiveRuns("local-a").Select(r => r.Key.Revision));
    }

    [Fact]
    public async Task The_same_job_may_run_on_two_fabrics()
    {
        var driver = Driver(startTime: TimeSpan.Zero);
        await driver.SubmitAsync(new SubmitRequest(Samples.Key(1, "local-a"), Samples.Flink()));
        await driver.SubmitAsync(new SubmitRequest(Samples.Key(1, "local-b"), Samples.Flink()));

        Assert.Single(driver.ActiveRuns("local-a"));
        Assert.Single(driver.ActiveRuns("local-b"));
    }

    [Fact]
    public async Task A_savepoint_is_idempotent_and_the_next_revision_restores_from_exactly_it()
    {
        var driver = Driver(startTime: TimeSpan.Zero);
        var first = await driver.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Flink()));
        time.Advance(TimeSpan.FromMinutes(1));

        var savepoint = await driver.SavepointAsync(first, "upgrade-to-2");
        var again = await driver.SavepointAsync(first, "upgrade-to-2");
        Assert.Equal(savepoint, again);
        Assert.Equal(1, savepoint.Revision);
        Assert.Single(driver.Savepoints("local-a"));

        await driver.SuspendAsync(first);
        await driver.SubmitAsync(new SubmitRequest(Samples.Key(2), Samples.Flink(), RestorePlan.FromSavepoint(savepoint.Location)));
        var run = driver.Runs("local-a").Single(r => r.Key.Revision == 2);
        Assert.Equal(RestoreMode.Savepoint, run.RestoreMode);
        Assert.Equal(savepoint.Location, run.RestoredFrom);
    }

    [Fact]
    public async Task Restoring_from_an_unknown_savepoint_is_refused_naming_the_field()
    {
        var driver = Driver(startTime: TimeSpan.Zero);
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            driver.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Flink(), RestorePlan.FromSavepoint("local://local-a/savepoints/nope"))));

        Assert.Contains("restore.savepointPath", error.Message);
        Assert.Empty(driver.Runs("local-a"));
    }

    [Fact]
    public async Task A_savepoint_needs_a_running_job()
    {
        var driver = Driver();
        var job = await driver.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Flink()));

        var error = await Assert.ThrowsAsync<RuntimeDriverException>(() => driver.SavepointAsync(job, "sp"));
        Assert.Contains("Starting", error.Message);
        var badId = await Assert.ThrowsAsync<ArgumentException>(() => driver.SavepointAsync(job, "../escape"));
        Assert.StartsWith("savepointId:", badId.Message);
    }

    [Fact]
    public async Task Last_state_restores_from_the_previous_runs_latest_checkpoint()
    {
        var driver = Driver(startTime: TimeSpan.Zero);
        var first = await driver.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Flink()));
        await driver.SuspendAsync(first);
        await driver.SubmitAsync(new SubmitRequest(Samples.Key(2), Samples.Flink(), RestorePlan.LastState));

        var second = driver.Runs("local-a")[1];
        Assert.Equal($"local://local-a/checkpoints/payments/orders-enricher/{first.RuntimeId}/chk-latest", second.RestoredFrom);
    }

    [Fact]
    public async Task Samza_jobs_have_no_savepoints()
    {
        var driver = Driver(startTime: TimeSpan.Zero);
        var job = await driver.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Samza()));

        Assert.Equal(RuntimeJobState.Running, (await driver.ObserveAsync(job)).State);
        await Assert.ThrowsAsync<NotSupportedException>(() => driver.SavepointAsync(job, "sp"));
    }

    [Fact]
    public async Task A_job_can_crash_during_start()
    {
        var driver = Driver(crash: 1);
        var job = await driver.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Flink()));
        Assert.Equal(RuntimeJobState.Starting, (await driver.ObserveAsync(job)).State);

        time.Advance(TimeSpan.FromSeconds(10));
        var observation = await driver.ObserveAsync(job);
        Assert.Equal(RuntimeJobState.Failed, observation.State);
        Assert.Contains("during start", observation.Message);
        Assert.Empty(driver.ActiveRuns("local-a"));
    }

    [Fact]
    public async Task A_job_can_fail_after_running()
    {
        var driver = Driver(failure: 1);
        var job = await driver.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Flink()));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(RuntimeJobState.Running, (await driver.ObserveAsync(job)).State);

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(RuntimeJobState.Failed, (await driver.ObserveAsync(job)).State);
    }

    [Fact]
    public async Task Fates_are_deterministic_for_a_seed()
    {
        async Task<string> Fates(int seed)
        {
            var driver = Driver(startTime: TimeSpan.Zero, crash: 0.5, seed: seed);
            for (var revision = 1; revision <= 20; revision++)
            {
                await driver.SubmitAsync(new SubmitRequest(new SubmissionKey(new JobRef("t", $"job-{revision}"), 1, "f"), Samples.Flink()));
            }
            return string.Concat(driver.Runs("f").Select(r => r.CrashesDuringStart ? 'x' : '.'));
        }

        var a = await Fates(7);
        Assert.Equal(a, await Fates(7));
        Assert.Contains('x', a);
        Assert.Contains('.', a);
    }

    [Fact]
    public async Task A_crash_after_submitting_leaves_one_run_that_the_retry_finds()
    {
        var faults = new FaultPlan { Crashes = [new CrashPoint("submit", 1, CrashTiming.AfterEffect)] };
        var driver = Driver(faults: faults);

        await Assert.ThrowsAsync<InjectedCrashException>(() => driver.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Flink())));
        var handle = await driver.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Flink()));

        Assert.Equal(handle.RuntimeId, Assert.Single(driver.Runs("local-a")).RunId);
    }

    [Fact]
    public async Task A_crash_before_submitting_leaves_nothing()
    {
        var driver = Driver(faults: new FaultPlan { Crashes = [new CrashPoint("submit", 1, CrashTiming.BeforeEffect)] });

        await Assert.ThrowsAsync<InjectedCrashException>(() => driver.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Flink())));

        Assert.Empty(driver.Runs("local-a"));
        await driver.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Flink()));
        Assert.Single(driver.Runs("local-a"));
    }

    [Fact]
    public async Task With_a_folder_it_writes_what_it_runs_and_a_new_instance_sees_the_same_record()
    {
        using var temp = new TempFolder();
        var driver = Driver(folder: temp.Path, startTime: TimeSpan.Zero);
        var flink = await driver.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Flink()));
        var savepoint = await driver.SavepointAsync(flink, "sp-1");
        await driver.SuspendAsync(flink);
        var samzaKey = new SubmissionKey(new JobRef("payments", "fraud-scorer"), 4, "local-a");
        await driver.SubmitAsync(new SubmitRequest(samzaKey, Samples.Samza()));

        var yamlPath = Path.Combine(temp.Path, "local-a", "jobs", "payments", "orders-enricher", "r1-a1.flinkdeployment.yaml");
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(yamlPath)));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        Assert.Equal("FlinkDeployment", root["kind"].ToString());
        Assert.Equal("2", ((YamlMappingNode)((YamlMappingNode)root["spec"])["flinkConfiguration"])["taskmanager.numberOfTaskSlots"].ToString());
        Assert.Empty(CustomResourceSchemaTests.FlinkDeployment.Validate(YamlJson.Parse(File.ReadAllText(yamlPath))!));
        var properties = File.ReadAllLines(Path.Combine(temp.Path, "local-a", "jobs", "payments", "fraud-scorer", "r4-a1.samza.properties"));
        Assert.Equal("job.name=orders-enricher", properties[0]);
        Assert.Contains("yarn.package.path=http://packages.example/orders-enricher.tar.gz", properties);
        Assert.True(File.Exists(Path.Combine(new Uri(savepoint.Location).LocalPath, "_metadata.json")));

        var restarted = Driver(folder: temp.Path, startTime: TimeSpan.Zero);
        Assert.Equal(2, restarted.Runs("local-a").Count);
        Assert.Equal(RuntimeJobState.Suspended, (await restarted.ObserveAsync(flink)).State);
        Assert.Equal(savepoint, await restarted.SavepointAsync(flink, "sp-1"));
        Assert.Equal(["payments.fraud-scorer.r4.a1"], restarted.ActiveRuns("local-a").Select(r => r.RunId));
        await restarted.SubmitAsync(new SubmitRequest(samzaKey, Samples.Samza()));
        Assert.Equal(2, restarted.Runs("local-a").Count);
        await restarted.SubmitAsync(new SubmitRequest(Samples.Key(2), Samples.Flink(), RestorePlan.FromSavepoint(savepoint.Location)));
        Assert.Equal(savepoint.Location, restarted.Runs("local-a")[2].RestoredFrom);
    }

    [Fact]
    public async Task Instances_sharing_a_folder_see_each_others_submissions()
    {
        using var temp = new TempFolder();
        var a = Driver(folder: temp.Path, startTime: TimeSpan.Zero);
        var b = Driver(folder: temp.Path, startTime: TimeSpan.Zero);
        Assert.Empty(a.Runs("local-a"));

        var fromB = await b.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Flink()));
        var fromA = await a.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Flink()));
        Assert.Equal(fromB, fromA);
        Assert.Single(a.Runs("local-a"));
        await Assert.ThrowsAsync<RuntimeConflictException>(() => a.SubmitAsync(new SubmitRequest(Samples.Key(2), Samples.Flink())));

        await b.SuspendAsync(fromB);
        Assert.Equal(RuntimeJobState.Suspended, (await a.ObserveAsync(fromB)).State);
        await a.SubmitAsync(new SubmitRequest(Samples.Key(2), Samples.Flink()));
        Assert.Equal([2L], b.ActiveRuns("local-a").Select(r => r.Key.Revision));
    }

    [Fact]
    public async Task Concurrent_submissions_from_many_instances_make_one_run_per_key()
    {
        using var temp = new TempFolder();
        var drivers = Enumerable.Range(0, 8).Select(_ => Driver(folder: temp.Path, startTime: TimeSpan.Zero)).ToList();
        var jobs = Enumerable.Range(1, 12).Select(i => new SubmissionKey(new JobRef("t", $"job-{i}"), 1, "local-a")).ToList();
        using var start = new Barrier(drivers.Count);

        var handles = await Task.WhenAll(drivers.Select(d => Task.Run(async () =>
        {
            start.SignalAndWait();
            var mine = new List<RuntimeJobHandle>();
            foreach (var key in jobs)
            {
                mine.Add(await d.SubmitAsync(new SubmitRequest(key, Samples.Flink())));
            }
            return mine;
        })));

        Assert.All(handles, h => Assert.Equal(handles[0], h));
        Assert.Equal(jobs.Count, Driver(folder: temp.Path).Runs("local-a").Count);
    }

    [Fact]
    public async Task A_torn_last_journal_line_is_ignored_but_a_corrupt_middle_line_is_an_error()
    {
        using var temp = new TempFolder();
        var driver = Driver(folder: temp.Path, startTime: TimeSpan.Zero);
        await driver.SubmitAsync(new SubmitRequest(Samples.Key(1), Samples.Flink()));
        var journal = Path.Combine(temp.Path, "local-a", LocalRuntimeDriver.JournalFileName);
        File.AppendAllText(journal, "{\"Op\":\"Sub");

        Assert.Single(Driver(folder: temp.Path).Runs("local-a"));
        var next = Driver(folder: temp.Path);
        await next.SubmitAsync(new SubmitRequest(new SubmissionKey(new JobRef("t", "other"), 1, "local-a"), Samples.Flink()));
        Assert.DoesNotContain("{\"Op\":\"Sub{", File.ReadAllText(journal));
        Assert.Equal(2, Driver(folder: temp.Path).Runs("local-a").Count);

        File.AppendAllText(journal, "{\"Op\":\"Sub\n{\"Op\":\"Stop\"}\n");
        var error = Assert.Throws<InvalidDataException>(() => Driver(folder: temp.Path).Runs("local-a"));
        Assert.Contains($"{LocalRuntimeDriver.JournalFileName}:3", error.Message);
    }

    [Fact]
    public async Task Injected_failures_happen_before_any_effect_and_follow_the_seed()
    {
        async Task<string> Outcomes()
        {
            var driver = Driver(startTime: TimeSpan.Zero, faults: new FaultPlan(seed: 3) { FailureProbability = 0.5 });
            var outcomes = "";
            for (var i = 1; i <= 16; i++)
            {
                try
                {
                    await driver.SubmitAsync(new SubmitRequest(new SubmissionKey(new JobRef("t", $"j{i}"), 1, "f"), Samples.Flink()));
                    outcomes += '.';
                }
                catch (InjectedFaultException)
                {
                    outcomes += 'x';
                }
            }
            Assert.Equal(outcomes.Count(c => c == '.'), driver.Runs("f").Count);
            return outcomes;
        }

        var first = await Outcomes();
        Assert.Equal(first, await Outcomes());
        Assert.Contains('x', first);
    }
}
