using Sluice.Spec;
using Sluice.Spec.V1;

namespace Sluice.Cli.Client;

/// <summary>
/// What `apply -f` sends: each file's text as the user wrote it (so the server's errors carry line:column),
/// its name, and its kind from the extension. Directories are walked recursively, in name order. Platform configs
/// (examples/platform.yaml) are not jobs: they are skipped with a notice.
/// </summary>
public static class SpecFiles
{
    private static readonly string[] SpecExtensions = [".yaml", ".yml", ".json"];

    public static IReadOnlyList<SpecSource> Collect(IEnumerable<string> paths, SourceKind sqlKind)
    {
        var sources = new List<SpecSource>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var found = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(file => KindOf(file, sqlKind) is not null)
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (found.Count == 0)
                {
                    throw new FileNotFoundException($"{path}: no .yaml, .yml, .json or .sql files in this directory");
                }
                sources.AddRange(found.Select(file => Read(file, KindOf(file, sqlKind)!.Value)));
            }
            else if (File.Exists(path))
            {
                sources.Add(Read(path, KindOf(path, sqlKind)
                    ?? throw new ArgumentException($"{path}: not a spec file (expected .yaml, .yml, .json or .sql)")));
            }
            else
            {
                throw new FileNotFoundException($"{path}: no such file or directory");
            }
        }
        return sources.Where(IsJob).ToList();
    }

    private static bool IsJob(SpecSource source)
    {
        if (source.Kind != SourceKind.Spec || DocumentKinds.Detect(source.Text) != DocumentKind.PlatformConfig)
        {
            return true;
        }
        Console.Error.WriteLine($"{source.FileName}: skipped (a platform config, not a job)");
        return false;
    }

    private static SourceKind? KindOf(string file, SourceKind sqlKind)
    {
        var extension = Path.GetExtension(file).ToLowerInvariant();
        return SpecExtensions.Contains(extension) ? SourceKind.Spec : extension == ".sql" ? sqlKind : null;
    }

    /// <summary>The file is named in diagnostics as the user would name it: relative when under the working directory.</summary>
    private static SpecSource Read(string file, SourceKind kind)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), file);
        var shown = relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(file) : relative;
        return new SpecSource { Kind = kind, Text = File.ReadAllText(file), FileName = shown };
    }

    /// <summary>
    /// The apply request for one file. A SQL script has no place for its identity: its job is named after the file,
    /// in <paramref name="sqlNamespace"/>.
    /// </summary>
    public static ApplyJobRequest ApplyRequest(SpecSource source, string sqlNamespace)
    {
        var request = new ApplyJobRequest { Source = source };
        if (IsSql(source))
        {
            request.Namespace = sqlNamespace;
            request.Name = Sluice.Sql.SqlTranspiler.ToDnsLabel(Path.GetFileNameWithoutExtension(source.FileName));
        }
        return request;
    }

    public static bool IsSql(SpecSource source) => source.Kind is SourceKind.FlinkSql or SourceKind.BeamSql;
}
