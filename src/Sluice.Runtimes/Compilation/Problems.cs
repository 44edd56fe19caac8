namespace Sluice.Runtimes.Compilation;

/// <summary>Collects compilation problems so a compiler can report all of them at once.</summary>
public sealed class Problems
{
    private readonly List<string> _items = [];

    public bool Any => _items.Count > 0;

    public void Add(string path, string message)
    {
        var problem = $"{path}: {message}";
        if (!_items.Contains(problem))
        {
            _items.Add(problem);
        }
    }

    public void ThrowIfAny(string subject)
    {
        if (_items.Count > 0)
        {
            throw new CompilationException(subject, _items.ToArray());
        }
    }
}
