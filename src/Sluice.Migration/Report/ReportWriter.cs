using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Sluice.Migration.Report;

/// <summary>The mapping report as YAML, for people and for checked-in expectations.</summary>
public static class ReportWriter
{
    public static string ToYaml(MappingReport report)
    {
        var root = new YamlMappingNode
        {
            { "source", report.Source },
            { "runtime", report.Runtime },
            { "status", MappingReport.StatusText(report.Status) },
        };
        if (report.Missing.Count > 0)
        {
            root.Add("missing", new YamlSequenceNode(report.Missing.Select(item => (YamlNode)new YamlMappingNode
            {
                { "field", item.Field }, { "why", item.Why }, { "annotation", item.Annotation },
            })));
        }
        if (report.Differences.Count > 0)
        {
            root.Add("differences", new YamlSequenceNode(report.Differences.Select(item => (YamlNode)new YamlMappingNode
            {
                { "key", item.Key }, { "legacy", item.Legacy ?? "(unset)" }, { "sluice", item.Sluice ?? "(unset)" },
            })));
        }
        if (report.ProofProblems.Count > 0)
        {
            root.Add("notRendered", new YamlSequenceNode(report.ProofProblems.Select(problem => (YamlNode)new YamlScalarNode(problem))));
        }
        var refused = report.Refused.ToList();
        if (refused.Count > 0)
        {
            root.Add("refused", new YamlSequenceNode(refused.Select(item => (YamlNode)new YamlMappingNode
            {
                { "key", item.Key }, { "why", item.Note },
            })));
        }
        root.Add("keys", new YamlSequenceNode(report.Keys.Select(item =>
        {
            var node = new YamlMappingNode
            {
                { "key", item.Key },
                { "line", item.Line.ToString(CultureInfo.InvariantCulture) },
                { "as", item.Disposition.ToString().ToLowerInvariant() },
            };
            if (item.Target.Length > 0)
            {
                node.Add("target", item.Target);
            }
            if (item.Note.Length > 0)
            {
                node.Add("note", item.Note);
            }
            return (YamlNode)node;
        })));
        if (report.Notes.Count > 0)
        {
            root.Add("notes", new YamlSequenceNode(report.Notes.Select(note => (YamlNode)new YamlScalarNode(note))));
        }
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }
}
