using Sluice.Spec.V1;
using Sluice.Store.Deployments;

namespace Sluice.Metadata;

public sealed class MetadataOptions
{
    /// <summary>Validates specs against this platform (fabric names, Kafka clusters) when set.</summary>
    public PlatformConfig? Platform { get; init; }

    /// <summary>Turns SQL sources into JobSpecs; see <see cref="ISpecSourceTranslator"/>.</summary>
    public ISpecSourceTranslator? SqlTranslator { get; init; }

    /// <summary>Most applies that share one transaction (group commit); 1 writes every apply alone.</summary>
    public int ApplyBatchSize { get; init; } = 64;

    /// <summary>
    /// Group-commit batches in flight at once from one replica. One: while it is written the next calls gather into the
    /// following batch, and a bigger batch costs less per apply. Measured on PostgreSQL (sluice-bench metadata, 16 and
    /// 64 clients), two in flight wrote fewer applies per second than one, each batch smaller and dearer per apply.
    /// </summary>
    public int ApplyBatchConcurrency { get; init; } = 1;

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// When set, suspend / resume / delete also record the deployments that carry the change out, in the same
    /// transaction; null (metadata alone) changes only the desired state.
    /// </summary>
    public DeploymentStore? Deployments { get; init; }
}
