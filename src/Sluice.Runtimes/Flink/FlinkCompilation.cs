namespace Sluice.Runtimes.Flink;

/// <summary>The compiled FlinkDeployment and notes on spec fields that had no Flink meaning or took a default.</summary>
public sealed record FlinkCompilation(FlinkDeploymentManifest Manifest, IReadOnlyList<string> Notes);
