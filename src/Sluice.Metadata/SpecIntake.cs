using Sluice.Spec;
using Sluice.Spec.V1;
using Sluice.Store;

namespace Sluice.Metadata;

/// <summary>A validated spec ready to store, with where it came from and the warnings found on the way.</summary>
internal sealed record AcceptedSpec(JobSpec Spec, SourceKind SourceKind, string? SourceText, IReadOnlyList<Diagnostic> Warnings);

/// <summary>
/// Turns an apply request's input (a JobSpec message, YAML/JSON text, or SQL through the translator hook) into one
/// validated JobSpec; any error refuses the request with every violation and its line:column.
/// Name and namespace may come from the request instead of the input; they are filled in before validation.
/// </summary>
internal sealed class SpecIntake(MetadataOptions options)
{
    public AcceptedSpec Accept(ApplyJobRequest request)
    {
        var (parsed, kind, text, sourceMap) = request.InputCase switch
        {
            ApplyJobRequest.InputOneofCase.Spec => FromMessage(request),
            ApplyJobRequest.InputOneofCase.Source => FromSource(request.Source),
            _ => throw new SpecValidationException("spec", "the request carries no job: set `spec` (a JobSpec) or `source` (its text)"),
        };
        var spec = parsed.Spec;
        var diagnostics = parsed.Diagnostics.ToList();
        if (spec is not null && !diagnostics.Any(d => d.IsError))
        {
            FillIdentity(spec, request, diagnostics);
            var rules = SpecValidator.Validate(spec, options.Platform);
            diagnostics.AddRange(sourceMap is null ? rules : rules.Select(sourceMap.Locate));
            CheckStoreLimits(spec, diagnostics);
        }
        var errors = diagnostics.Where(d => d.IsError).ToList();
        if (errors.Count > 0 || spec is null)
            throw new SpecValidationException(errors.Select(d => new FieldViolation(d.Path, d.Line, d.Column, d.Message)).ToList());
        return new AcceptedSpec(spec, kind, text, diagnostics.Where(d => !d.IsError).ToList());
    }

    private static (Parsed, SourceKind, string?, SourceMap?) FromMessage(ApplyJobRequest request)
    {
        var parsed = new Parsed(request.Spec.Clone(), []);
        if (request.OriginalSource is not { } original) return (parsed, SourceKind.Spec, null, null);
        if (original.Kind == SourceKind.Unspecified)
            return (parsed with { Diagnostics = [Diagnostic.Error("original_source.kind", "must say what the text is: spec, flink-sql, beam-sql or migrated")] },
                original.Kind, null, null);
        return (parsed, original.Kind, original.Text, null);
    }

    private (Parsed, SourceKind, string?, SourceMap?) FromSource(SpecSource source)
    {
        var sourceName = string.IsNullOrEmpty(source.FileName) ? "<request>" : source.FileName;
        if (string.IsNullOrWhiteSpace(source.Text))
            return (Refused("source.text", "is empty"), source.Kind, null, null);
        switch (source.Kind)
        {
            case SourceKind.Spec:
                var (message, diagnostics, sourceMap) = ProtoYamlReader.Read<JobSpec>(source.Text);
                return (new Parsed(message, diagnostics), source.Kind, source.Text, sourceMap);
            case SourceKind.FlinkSql or SourceKind.BeamSql:
                if (options.SqlTranslator is not { } translator)
                    return (Refused("source.kind", $"{source.Kind} sources need the SQL translator (Sluice.Sql), which this server was not configured with"),
                        source.Kind, null, null);
                var translated = translator.Translate(source.Kind, source.Text, sourceName);
                return (new Parsed(translated.Value, translated.Diagnostics), source.Kind, source.Text, null);
            case SourceKind.Migrated:
                return (Refused("source.kind", "migrated jobs are applied as `spec` (the JobSpec the migrator produced) with the legacy text in `original_source`"),
                    source.Kind, null, null);
            default:
                return (Refused("source.kind", "must be spec, flink-sql or beam-sql"), source.Kind, null, null);
        }
    }

    private static Parsed Refused(string path, string message) => new(null, [Diagnostic.Error(path, message)]);

    private static void FillIdentity(JobSpec spec, ApplyJobRequest request, List<Diagnostic> diagnostics)
    {
        Fill(request.Namespace, spec.Namespace, v => spec.Namespace = v, "namespace");
        Fill(request.Name, spec.Name, v => spec.Name = v, "name");

        void Fill(string fromRequest, string inSpec, Action<string> set, string field)
        {
            if (fromRequest.Length == 0) return;
            if (inSpec.Length == 0) set(fromRequest);
            else if (inSpec != fromRequest)
                diagnostics.Add(Diagnostic.Error(field, $"the request names {field} '{fromRequest}' but the spec says '{inSpec}'"));
        }
    }

    private static void CheckStoreLimits(JobSpec spec, List<Diagnostic> diagnostics)
    {
        foreach (var key in spec.Labels.Keys.Where(k => k.Length > StoreLimits.LabelKeyLength))
            diagnostics.Add(Diagnostic.Error(FieldPath.Key("labels", key), $"label keys are at most {StoreLimits.LabelKeyLength} characters"));
        CheckDatasets(spec.Sources, "sources");
        CheckDatasets(spec.Sinks, "sinks");

        void CheckDatasets(IList<Dataset> datasets, string field)
        {
            for (var i = 0; i < datasets.Count; i++)
            {
                if (DatasetUri.Of(datasets[i]).Length > StoreLimits.UriLength)
                    diagnostics.Add(Diagnostic.Error(FieldPath.Index(field, i), $"the dataset URI is longer than {StoreLimits.UriLength} characters"));
            }
        }
    }

    private sealed record Parsed(JobSpec? Spec, IReadOnlyList<Diagnostic> Diagnostics);
}
