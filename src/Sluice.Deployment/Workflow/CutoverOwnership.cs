using Sluice.Store.Deployments;
using Sluice.Store.Ownership;

namespace Sluice.Deployment.Workflow;

/// <summary>The check every Sluice deploy path makes before it submits: Sluice starts only the jobs it owns.</summary>
public static class CutoverOwnership
{
    /// <summary>
    /// Refuses (permanently, naming the owner) to start a job its legacy control plane owns or a cut-over other than
    /// <paramref name="d"/> holds. A job the migrator never saw is Sluice's.
    /// </summary>
    public static void CheckSluiceMayStart(DeploymentRecord d, OwnershipRecord owner)
    {
        if (!owner.LetsSluiceStart(d.Id))
        {
            throw new PermanentStepException(
                $"{d.Job} is {owner.Describe()}: Sluice may not start it" +
                (owner.Owner == JobOwner.Legacy ? $"; move it with `sluice migrate {owner.LegacyName ?? d.Job}`" : ""));
        }
    }
}
