namespace Sluice.Runtimes.Compilation;

/// <summary>
/// A JobSpec could not be compiled into framework config: every problem found is listed, nothing is rendered.
/// </summary>
public sealed class CompilationException : Exception
{
    public CompilationException(string subject, IReadOnlyList<string> problems)
        : base(Format(subject, problems))
    {
        Subject = subject;
        Problems = problems;
    }

    /// <summary>What was being compiled, e.g. "job team/orders for flink on fabric us-east-1a".</summary>
    public string Subject { get; }

    /// <summary>One line per problem, each starting with the field path it concerns.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(string subject, IReadOnlyList<string> problems) =>
        $"cannot compile {subject}: {problems.Count} problem{(problems.Count == 1 ? "" : "s")}"
        + string.Concat(problems.Select(problem => $"{Environment.NewLine}  - {problem}"));
}
