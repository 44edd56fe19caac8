using Sluice.Migration.Annotations;
using Sluice.Migration.Flink;
using Sluice.Migration.Legacy;
using Sluice.Migration.Proof;
using Sluice.Migration.Report;
using Sluice.Migration.Samza;
using Sluice.Runtimes.Compilation;
using Sluice.Runtimes.Flink;
using Sluice.Runtimes.Samza;
using Sluice.Spec;

namespace Sluice.Migration;

/// <summary>An imported legacy job: the JobSpec and platform slice, the report, and the config Sluice renders for it.</summary>
public sealed record MigrationResult(string Source, LegacyImport Import, MappingReport Report, string? Rendered);

/// <summary>Legacy framework config → JobSpec, with the mapping report and the equivalence proof.</summary>
public static class Migrator
{
    public const string DefaultNamespace = "default";

    public static bool IsLegacyConfig(string path) =>
        Path.GetExtension(path) is ".properties" or ".yaml" or ".yml";

    public static MigrationResult ImportFile(string path, MigrationAnnotations annotations, ReferenceData reference, string defaultNamespace = DefaultNamespace) =>
        ImportText(File.ReadAllText(path), path, annotations, reference, defaultNamespace);

    /// <summary>The file's extension tells the kind: .properties is a Samza job, .yaml/.yml a Flink resource or configuration file.</summary>
    public static MigrationResult ImportText(string text, string source, MigrationAnnotations annotations, ReferenceData reference, string defaultNamespace = DefaultNamespace) =>
        Path.GetExtension(source) switch
        {
            ".properties" => ImportSamza(JavaProperties.Parse(text, source), source, annotations, reference, defaultNamespace),
            ".yaml" or ".yml" => ImportFlink(FlinkYaml.Parse(text, source), source, annotations, reference, defaultNamespace),
            var other => throw new LegacyConfigException(source, 1, 1,
                $"cannot tell the kind of '{other}' files: expected .properties (Samza job config) or .yaml/.yml (FlinkDeployment or Flink configuration)"),
        };

    private static MigrationResult ImportSamza(IReadOnlyList<ConfigEntry> entries, string source, MigrationAnnotations annotations, ReferenceData reference, string defaultNamespace)
    {
        var import = SamzaImporter.Import(entries, annotations, reference, defaultNamespace);
        IReadOnlyList<Difference> differences = [];
        IReadOnlyList<string> problems = [];
        string? rendered = null;
        try
        {
            var config = SamzaJobCompiler.Compile(import.Spec, import.Platform, import.Fabric);
            differences = EquivalenceProof.Samza(entries, config, import, reference);
            rendered = SamzaPropertiesWriter.Write(config, $"Rendered by Sluice from {Path.GetFileName(source)}");
        }
        catch (CompilationException e)
        {
            problems = e.Problems;
        }
        return new MigrationResult(source, import, Report(source, "samza", import, differences, problems), rendered);
    }

    private static MigrationResult ImportFlink(IReadOnlyList<FlinkDocument> documents, string source, MigrationAnnotations annotations, ReferenceData reference, string defaultNamespace)
    {
        var import = FlinkImporter.Import(documents, annotations, reference, defaultNamespace);
        var main = FlinkImporter.MainDocument(documents);
        IReadOnlyList<Difference> differences = [];
        IReadOnlyList<string> problems = [];
        string? rendered = null;
        try
        {
            var compilation = FlinkDeploymentCompiler.Compile(import.Spec, import.Platform, import.Fabric);
            differences = EquivalenceProof.Flink(main.Entries, compilation.Manifest, import, main.Kind is not null, reference);
            rendered = FlinkManifestWriter.ToYaml(compilation.Manifest);
        }
        catch (CompilationException e)
        {
            problems = e.Problems;
        }
        return new MigrationResult(source, import, Report(source, "flink", import, differences, problems), rendered);
    }

    /// <summary>The report; the JobSpec's own validation errors count as missing information unless already listed.</summary>
    private static MappingReport Report(string source, string runtime, LegacyImport import, IReadOnlyList<Difference> differences, IReadOnlyList<string> problems)
    {
        var missing = import.Missing.ToList();
        foreach (var error in SpecValidator.Validate(import.Spec).Where(diagnostic => diagnostic.IsError))
        {
            if (!missing.Any(item => Related(item.Field, error.Path)))
            {
                missing.Add(new MissingInformation(error.Path, error.Message, $"# the imported JobSpec is invalid at {error.Path}"));
            }
        }
        return new MappingReport(Path.GetFileName(source), runtime, import.Keys, missing, differences, import.Notes) { ProofProblems = problems };
    }

    private static bool Related(string a, string b) =>
        a == b || a.StartsWith(b + ".", StringComparison.Ordinal) || b.StartsWith(a + ".", StringComparison.Ordinal)
        || a.StartsWith(b + "[", StringComparison.Ordinal) || b.StartsWith(a + "[", StringComparison.Ordinal);
}
