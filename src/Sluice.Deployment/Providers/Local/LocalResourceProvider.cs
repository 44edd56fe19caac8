using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sluice.Spec.V1;
using Sluice.Store.Deployments;

namespace Sluice.Deployment.Providers.Local;

/// <summary>
/// What a local provider makes of a request: attributes to record and, optionally, an artifact under the fabric's
/// folder. <paramref name="Content"/> is produced only when the artifact is written (null makes the artifact a
/// directory, e.g. a state store's); <paramref name="Fingerprint"/> stands for the content when deciding whether
/// anything changed, so an unchanged or in-memory resource never renders it.
/// </summary>
public sealed record LocalRendering(
    IReadOnlyDictionary<string, string> Attributes,
    string VirtualLocation,
    string? ArtifactPath = null,
    Func<string>? Content = null,
    string Fingerprint = "");

/// <summary>
/// The common part of the local providers: a record per resource (a JSON file under
/// <c>&lt;fabric&gt;/resources/</c>, or memory without a folder) plus the artifact a user can look at. Provisioning
/// writes the artifact before the record, so a record always points at a complete artifact; a repeat with the same
/// content and revision writes nothing.
/// </summary>
public abstract class LocalResourceProvider(LocalProviderOptions options) : IResourceProvider
{
    private static readonly JsonSerializerOptions RecordJson = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    private readonly ConcurrentDictionary<string, ResourceRecord> memory = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, object> locks = new(StringComparer.Ordinal);

    protected LocalProviderOptions Options { get; } = options;

    public abstract ResourceKind Kind { get; }

    public abstract IReadOnlyList<ResourceRequest> Plan(JobSpec spec, ResourceOwner owner);

    protected abstract LocalRendering Render(ResourceRequest request);

    public async Task<ProvisionedResource> ProvisionAsync(ResourceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Kind != Kind)
        {
            throw new ArgumentException($"request.kind: the {Kind.ToKebab()} provider cannot provision a {request.Kind.ToKebab()}");
        }
        var id = request.ExternalId;
        var operation = $"provision:{Kind.ToKebab()}";
        await Options.Faults.BeforeAsync(operation, cancellationToken).ConfigureAwait(false);
        var rendering = Render(request);
        var hash = Hash(rendering);
        ProvisionedResource result;
        lock (locks.GetOrAdd(id, _ => new object()))
        {
            var existing = Read(id);
            var artifact = ArtifactFullPath(request.Owner.Fabric, rendering.ArtifactPath);
            var artifactPresent = artifact is null || (rendering.Content is null ? Directory.Exists(artifact) : File.Exists(artifact));
            if (existing is not null && existing.ContentHash == hash && existing.Revision == request.Owner.Revision && artifactPresent)
            {
                return ToResult(existing, changed: false);
            }
            if (artifact is not null)
            {
                if (rendering.Content is null)
                {
                    Directory.CreateDirectory(artifact);
                }
                else
                {
                    WriteAtomically(artifact, rendering.Content());
                }
            }
            var location = artifact is null ? rendering.VirtualLocation : new Uri(artifact).AbsoluteUri;
            var record = new ResourceRecord(id, Kind, request.Name, request.Owner.Revision, location, new Dictionary<string, string>(rendering.Attributes), artifact, hash, Options.Time.GetUtcNow());
            Write(request.Owner.Fabric, record);
            result = ToResult(record, changed: true);
        }
        Options.Faults.After(operation);
        return result;
    }

    public async Task<ResourceObservation> ObserveAsync(string externalId, CancellationToken cancellationToken = default)
    {
        ResourceIds.Parse(externalId);
        await Options.Faults.BeforeAsync($"observe:{Kind.ToKebab()}", cancellationToken).ConfigureAwait(false);
        return Read(externalId) is { } record
            ? new ResourceObservation(externalId, true, record.Revision, record.Location)
            : new ResourceObservation(externalId, false);
    }

    public async Task<bool> ReleaseAsync(string externalId, CancellationToken cancellationToken = default)
    {
        var (kind, fabric, _, _) = ResourceIds.Parse(externalId);
        if (kind != Kind.ToKebab())
        {
            throw new ArgumentException($"externalId: '{externalId}' is a {kind}, not a {Kind.ToKebab()}");
        }
        var operation = $"release:{Kind.ToKebab()}";
        await Options.Faults.BeforeAsync(operation, cancellationToken).ConfigureAwait(false);
        lock (locks.GetOrAdd(externalId, _ => new object()))
        {
            if (Read(externalId) is not { } record)
            {
                return false;
            }
            if (record.ArtifactPath is { } artifact)
            {
                if (Directory.Exists(artifact))
                {
                    Directory.Delete(artifact, recursive: true);
                }
                File.Delete(artifact);
            }
            if (RecordPath(fabric, externalId) is { } path)
            {
                File.Delete(path);
            }
            memory.TryRemove(externalId, out _);
        }
        Options.Faults.After(operation);
        return true;
    }

    /// <summary>The job's runtime, resolving <c>any</c> to the platform default.</summary>
    protected Runtime RuntimeOf(JobSpec spec) =>
        spec.Runtime is Runtime.Flink or Runtime.Samza ? spec.Runtime : Options.DefaultRuntime;

    private ResourceRecord? Read(string externalId)
    {
        if (Options.Folder is null)
        {
            return memory.TryGetValue(externalId, out var record) ? record : null;
        }
        var path = RecordPath(ResourceIds.Parse(externalId).Fabric, externalId)!;
        return File.Exists(path) ? JsonSerializer.Deserialize<ResourceRecord>(File.ReadAllText(path), RecordJson) : null;
    }

    private void Write(string fabric, ResourceRecord record)
    {
        if (RecordPath(fabric, record.ExternalId) is { } path)
        {
            WriteAtomically(path, JsonSerializer.Serialize(record, RecordJson));
        }
        else
        {
            memory[record.ExternalId] = record;
        }
    }

    private string? RecordPath(string fabric, string externalId)
    {
        if (Options.Folder is null)
        {
            return null;
        }
        var (kind, _, job, name) = ResourceIds.Parse(externalId);
        return Path.Combine(Path.GetFullPath(Options.Folder), fabric, "resources", kind, job.Namespace, job.Name, name + ".json");
    }

    private string? ArtifactFullPath(string fabric, string? relative) =>
        Options.Folder is null || relative is null ? null : Path.Combine(Path.GetFullPath(Options.Folder), fabric, relative);

    private static ProvisionedResource ToResult(ResourceRecord record, bool changed) =>
        new(record.ExternalId, record.Kind, record.Name, record.Revision, record.Location, record.Attributes, changed);

    private static string Hash(LocalRendering rendering)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in rendering.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append('=').Append(value).Append('\n');
        }
        text.Append(rendering.ArtifactPath).Append('\n').Append(rendering.Fingerprint);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void WriteAtomically(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // A unique temporary name: worker processes sharing the folder never write each other's half-files.
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }

    private sealed record ResourceRecord(
        string ExternalId,
        ResourceKind Kind,
        string Name,
        long Revision,
        string? Location,
        Dictionary<string, string> Attributes,
        string? ArtifactPath,
        string ContentHash,
        DateTimeOffset ProvisionedAt);
}
