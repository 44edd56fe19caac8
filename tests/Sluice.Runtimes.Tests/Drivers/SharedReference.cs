namespace Sluice.Runtimes.Tests.Drivers;

/// <summary>The shared reference data: <c>&lt;repo root&gt;/../shared/reference</c>, the repo root being where Sluice.slnx is.</summary>
internal static class SharedReference
{
    public static string PathOf(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sluice.slnx")))
            {
                var path = Path.Combine([dir.FullName, "..", "shared", "reference", .. parts]);
                return File.Exists(path) ? path : throw new FileNotFoundException($"shared reference file missing: {path}");
            }
        }
        throw new DirectoryNotFoundException($"no Sluice.slnx above {AppContext.BaseDirectory}");
    }
}
