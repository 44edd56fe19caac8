using Google.Protobuf.Reflection;
using Sluice.Spec.V1;
using YamlDotNet.RepresentationModel;

namespace Sluice.Spec;

public enum DocumentKind
{
    JobSpec,
    PlatformConfig,
}

/// <summary>
/// Tells a platform config from a JobSpec by its top-level fields, so a folder of both (examples/) can be
/// validated in one call. A document that is neither, or does not parse, counts as a JobSpec: its loader then
/// reports what is wrong with it.
/// </summary>
public static class DocumentKinds
{
    private static readonly HashSet<string> PlatformOnlyFields = FieldNames(PlatformConfig.Descriptor)
        .Except(FieldNames(JobSpec.Descriptor)).ToHashSet();

    public static DocumentKind Detect(string text)
    {
        var (stream, _) = YamlText.Load(text);
        if (stream is null)
        {
            return DocumentKind.JobSpec;
        }
        return stream.Documents is [{ RootNode: YamlMappingNode root }]
            && root.Children.Keys.OfType<YamlScalarNode>().Any(key => PlatformOnlyFields.Contains(key.Value ?? ""))
            ? DocumentKind.PlatformConfig
            : DocumentKind.JobSpec;
    }

    private static IEnumerable<string> FieldNames(MessageDescriptor descriptor) =>
        descriptor.Fields.InDeclarationOrder().Select(f => f.JsonName);
}
