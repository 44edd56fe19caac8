using Sluice.Metadata;
using Sluice.Spec;
using Sluice.Spec.V1;
using Sluice.Sql;

namespace Sluice.Server;

/// <summary>
/// Lets the metadata service store Flink SQL and Beam SQL scripts as jobs: the script goes through Sluice.Sql and
/// comes back as a JobSpec whose sources, sinks, state and UDFs were found by analysis. Name and namespace are left
/// to the apply request (a script has no place for them).
/// </summary>
internal sealed class SqlSourceTranslator(PlatformConfig? platform) : ISpecSourceTranslator
{
    public LoadResult<JobSpec> Translate(SourceKind kind, string text, string sourceName)
    {
        var dialect = kind switch
        {
            SourceKind.FlinkSql => SqlDialect.FlinkSql,
            SourceKind.BeamSql => SqlDialect.BeamSql,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "only SQL sources are translated"),
        };
        var result = SqlTranspiler.Transpile(text, sourceName, dialect, new TranspileOptions { Platform = platform });
        var diagnostics = result.Diagnostics
            .Select(d => new Diagnostic(d.IsError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, "", d.Message, d.Position.Line, d.Position.Column))
            .ToList();
        if (result.HasErrors || result.Spec is null)
        {
            return new LoadResult<JobSpec>(null, diagnostics, sourceName);
        }
        var spec = result.Spec.Clone();
        spec.Name = "";
        spec.Namespace = "";
        return new LoadResult<JobSpec>(spec, diagnostics, sourceName);
    }
}
