using System.Globalization;
using Sluice.Spec.V1;
using Sluice.Store.Deployments;

namespace Sluice.Deployment.Providers.Local;

/// <summary>
/// A state store per <c>state.stores[]</c> entry (one named <c>state</c> for a stateful job that names none), as a
/// directory <c>&lt;fabric&gt;/state/&lt;namespace&gt;/&lt;job&gt;/&lt;store&gt;/</c> and a record of its settings.
/// </summary>
public sealed class LocalStateStoreProvider(LocalProviderOptions options) : LocalResourceProvider(options)
{
    public override ResourceKind Kind => ResourceKind.StateStore;

    public override IReadOnlyList<ResourceRequest> Plan(JobSpec spec, ResourceOwner owner)
    {
        var stores = spec.State?.Stores ?? [];
        if (stores.Count == 0)
        {
            return spec.State?.Stateful == true ? [new ResourceRequest(Kind, "state", owner, spec)] : [];
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        var requests = new List<ResourceRequest>();
        for (var i = 0; i < stores.Count; i++)
        {
            var name = stores[i].Name;
            if (string.IsNullOrEmpty(name) || !names.Add(name))
            {
                throw new ArgumentException($"state.stores[{i}].name: expected a unique, non-empty name, got '{name}'");
            }
            ResourceIds.Format(Kind, owner.Fabric, owner.Job, name);
            requests.Add(new ResourceRequest(Kind, name, owner, spec));
        }
        return requests;
    }

    protected override LocalRendering Render(ResourceRequest request)
    {
        var store = request.Spec.State?.Stores.FirstOrDefault(s => s.Name == request.Name);
        var attributes = new Dictionary<string, string>
        {
            ["store"] = request.Name,
            ["kind"] = store?.Kind switch { StoreKind.InMemory => "in-memory", StoreKind.Rocksdb => "rocksdb", _ => "default" },
            ["changelog"] = (store?.Changelog ?? false) ? "true" : "false",
        };
        if (store?.Ttl is { } ttl)
        {
            attributes["ttl_seconds"] = ((long)ttl.ToTimeSpan().TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }
        var owner = request.Owner;
        return new LocalRendering(
            attributes,
            VirtualLocation: $"local://{owner.Fabric}/state/{owner.Job.Namespace}/{owner.Job.Name}/{request.Name}",
            ArtifactPath: Path.Combine("state", owner.Job.Namespace, owner.Job.Name, request.Name));
    }
}
