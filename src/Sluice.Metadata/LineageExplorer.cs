using Sluice.Spec.V1;
using Sluice.Store;

namespace Sluice.Metadata;

/// <summary>
/// Walks the lineage graph (jobs ⇄ datasets, from the index tables of each live job's head revision) breadth first,
/// one pair of queries per hop.
/// </summary>
internal sealed class LineageExplorer(SluiceStore store)
{
    public const int MaxDepth = 64;

    /// <summary>
    /// Jobs reached from the start datasets by following <paramref name="follow"/>: the jobs linked to the datasets in
    /// that direction, then the datasets those jobs link in the opposite direction, and so on.
    /// Downstream: datasets ← readers → written datasets → readers. Upstream: datasets ← writers → read datasets → writers.
    /// </summary>
    public async Task<(IReadOnlyList<LineageNode> Jobs, IReadOnlyList<string> Datasets)> WalkAsync(
        IReadOnlyCollection<long> startDatasets, bool downstream, int depth, ISet<long> visitedJobs, CancellationToken ct)
    {
        var jobDirection = downstream ? DatasetDirection.Read : DatasetDirection.Write;
        var nextDirection = downstream ? DatasetDirection.Write : DatasetDirection.Read;
        var nodes = new List<LineageNode>();
        var datasets = new SortedSet<string>(StringComparer.Ordinal);
        var seenDatasets = new HashSet<long>(startDatasets);
        var frontier = startDatasets;
        for (var hop = 1; hop <= depth && frontier.Count > 0; hop++)
        {
            var links = await store.LinksOfDatasetsAsync(frontier, jobDirection, ct);
            var reached = links.Where(l => !visitedJobs.Contains(l.JobId)).GroupBy(l => l.JobId).ToList();
            foreach (var job in reached)
            {
                visitedJobs.Add(job.Key);
                var node = new LineageNode { Job = job.First().ToRef(), Depth = hop };
                node.ViaDatasets.AddRange(job.Select(l => l.DatasetUri).Distinct().Order(StringComparer.Ordinal));
                nodes.Add(node);
            }
            var next = (await store.LinksOfJobsAsync(reached.Select(j => j.Key).ToList(), ct))
                .Where(l => l.Direction == nextDirection).ToList();
            foreach (var link in next) datasets.Add(link.DatasetUri);
            frontier = next.Select(l => l.DatasetId).Where(seenDatasets.Add).ToList();
        }
        return (nodes.OrderBy(n => n.Depth).ThenBy(n => n.Job.Namespace, StringComparer.Ordinal).ThenBy(n => n.Job.Name, StringComparer.Ordinal).ToList(),
            datasets.ToList());
    }
}
