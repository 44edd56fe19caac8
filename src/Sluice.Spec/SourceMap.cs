namespace Sluice.Spec;

/// <summary>Where each field path was written in the source text, so later checks can point at it.</summary>
public sealed class SourceMap
{
    private readonly Dictionary<string, SourcePosition> _positions = new(StringComparer.Ordinal);

    public void Record(string path, SourcePosition position) => _positions.TryAdd(path, position);

    /// <summary>The position of the path, or of its nearest written ancestor (a missing field points at its parent).</summary>
    public SourcePosition? Find(string path)
    {
        for (var current = path; current is not null; current = FieldPath.Parent(current))
        {
            if (_positions.TryGetValue(current, out var position))
            {
                return position;
            }
        }
        return null;
    }

    public Diagnostic Locate(Diagnostic diagnostic) =>
        diagnostic.Line > 0 || Find(diagnostic.Path) is not { } position ? diagnostic : diagnostic.At(position);
}
