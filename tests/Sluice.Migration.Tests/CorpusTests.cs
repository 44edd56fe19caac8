using Sluice.Migration.Annotations;
using Sluice.Migration.Report;
using YamlDotNet.RepresentationModel;

namespace Sluice.Migration.Tests;

/// <summary>Every corpus config imports, and its report matches the expectation written by reading it.</summary>
public sealed class CorpusTests
{
    public static IEnumerable<object[]> Files() => Shared.CorpusFiles();

    [Theory]
    [MemberData(nameof(Files))]
    public void Report_matches_the_expectation_worked_out_by_hand(string folder, string file)
    {
        var result = Migrator.ImportFile(Path.Combine(Shared.Corpus(folder), file), MigrationAnnotations.None, Shared.Reference);
        var expected = Expectation.Load(Shared.TestFile("Expected", file + ".yaml"));
        var report = result.Report;

        Assert.Equal(expected.Status, MappingReport.StatusText(report.Status));
        Assert.Equal(expected.Rendered, result.Rendered is not null);
        Assert.Equal(expected.Missing, report.Missing.Select(item => item.Field).ToArray());
        Assert.Equal(expected.Refused, report.Refused.Select(item => item.Key).ToArray());
        Assert.Equal(expected.Differences, report.Differences.Select(item => (item.Key, item.Legacy, item.Sluice)).ToArray());
    }

    [Fact]
    public void Every_corpus_config_has_an_expectation()
    {
        var files = Shared.CorpusFiles().Select(row => (string)row[1]).ToList();
        Assert.Equal(29, files.Count);
        Assert.All(files, file => Assert.True(File.Exists(Shared.TestFile("Expected", file + ".yaml")), $"no Expected/{file}.yaml"));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_key_of_a_corpus_config_is_accounted_for(string folder, string file)
    {
        var result = Migrator.ImportFile(Path.Combine(Shared.Corpus(folder), file), MigrationAnnotations.None, Shared.Reference);
        Assert.NotEmpty(result.Report.Keys);
        Assert.All(result.Report.Keys.Where(key => key.Disposition == KeyDisposition.Override),
            key => Assert.True(result.Import.Spec.Overrides.ContainsKey(key.Target), $"{key.Key} is reported kept as {key.Target}, which the JobSpec lacks"));
        Assert.All(result.Report.Missing, item => Assert.False(string.IsNullOrWhiteSpace(item.Annotation)));
    }
}

/// <summary>A checked-in expected report: status, whether it renders, missing fields, refused keys, differences.</summary>
public sealed record Expectation(string Status, bool Rendered, string[] Missing, string[] Refused, (string Key, string? Legacy, string? Sluice)[] Differences)
{
    public static Expectation Load(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        string? Scalar(YamlNode node) => node is YamlScalarNode { Value: var value } scalar && !(scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && value == "~") ? value : null;
        string[] List(string field) => ((YamlSequenceNode)root[field]).Children.Select(node => Scalar(node)!).ToArray();
        var differences = ((YamlSequenceNode)root["differences"]).Children.Cast<YamlMappingNode>()
            .Select(node => (Scalar(node["key"])!, Scalar(node["legacy"]), Scalar(node["sluice"]))).ToArray();
        return new Expectation(Scalar(root["status"])!, Scalar(root["rendered"]) == "true", List("missing"), List("refused"), differences);
    }
}
