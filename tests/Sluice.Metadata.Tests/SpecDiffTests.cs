using Google.Protobuf.WellKnownTypes;
using Sluice.Spec.V1;
using static Sluice.Metadata.Tests.Specs;

namespace Sluice.Metadata.Tests;

public sealed class SpecDiffTests
{
    private static Dictionary<string, FieldChange> Diff(JobSpec from, JobSpec to) => SpecDiff.Compare(from, to).ToDictionary(c => c.Path);

    [Fact]
    public void Identical_specs_have_no_changes() => Assert.Empty(SpecDiff.Compare(Job("a", "b"), Job("a", "b")));

    [Fact]
    public void Enums_render_by_name_and_durations_whole()
    {
        var from = Job("a", "b");
        from.State = new State { Checkpointing = new Checkpointing { Interval = Duration.FromTimeSpan(TimeSpan.FromMinutes(1)) } };
        var to = from.Clone();
        to.Runtime = Runtime.Samza;
        to.State.Checkpointing.Interval = Duration.FromTimeSpan(TimeSpan.FromSeconds(90));

        var changes = Diff(from, to);

        Assert.Equal(("\"RUNTIME_FLINK\"", "\"RUNTIME_SAMZA\""), (changes["runtime"].OldValue, changes["runtime"].NewValue));
        Assert.Equal(("\"60s\"", "\"90s\""), (changes["state.checkpointing.interval"].OldValue, changes["state.checkpointing.interval"].NewValue));
        Assert.Equal(2, changes.Count);
    }

    [Fact]
    public void Switching_a_oneof_removes_one_side_and_adds_the_other()
    {
        var from = Job("a", "b");
        var to = from.Clone();
        to.Artifact = new Artifact { Sql = new SqlArtifact { Dialect = SqlDialect.FlinkSql, Script = "SELECT 1" } };

        var changes = Diff(from, to);

        Assert.Equal(FieldChange.Types.Kind.Removed, changes["artifact.jar.uri"].Kind);
        Assert.Equal(FieldChange.Types.Kind.Removed, changes["artifact.jar.entryClass"].Kind);
        Assert.Equal((FieldChange.Types.Kind.Added, "\"SELECT 1\""), (changes["artifact.sql.script"].Kind, changes["artifact.sql.script"].NewValue));
        Assert.Equal(FieldChange.Types.Kind.Added, changes["artifact.sql.dialect"].Kind);
    }

    [Fact]
    public void Removed_list_items_and_cleared_scalars_are_removals()
    {
        var from = Job("a", "b", reads: ["kafka://c/one", "kafka://c/two"]);
        from.Description = "old";
        var to = Job("a", "b", reads: ["kafka://c/one"]);

        var changes = Diff(from, to);

        Assert.Equal((FieldChange.Types.Kind.Removed, "\"old\"", ""), (changes["description"].Kind, changes["description"].OldValue, changes["description"].NewValue));
        Assert.Equal((FieldChange.Types.Kind.Removed, "\"two\""), (changes["sources[1].name"].Kind, changes["sources[1].name"].OldValue));
    }
}
