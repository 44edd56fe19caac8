using System.Diagnostics;
using System.Text;
using Sluice.Spec.V1;
using Sluice.Sql.Syntax;

namespace Sluice.Sql.Tests;

/// <summary>
/// Robustness: thousands of random mutations of the corpus and our scripts (deleted, duplicated and swapped tokens,
/// truncation, random characters and bytes) never crash, hang or throw anything but the parser's own error.
/// Mutations are seeded per script, so a failure names the exact text that caused it.
/// </summary>
public class MutationTests
{
    private const int MutationsPerScript = 80;

    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var script in TestFiles.CorpusScripts())
        {
            data.Add(Path.Combine(TestFiles.Corpus, script));
        }
        foreach (var script in TestFiles.OwnScripts())
        {
            data.Add(Path.Combine(TestFiles.ProjectDirectory, "Scripts", script));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Mutated_script_never_crashes_or_hangs(string path)
    {
        var original = File.ReadAllText(path);
        var random = new Random(StableSeed(Path.GetFileName(path)));
        var mutants = Enumerable.Range(0, MutationsPerScript).Select(_ => Mutate(original, random)).ToList();
        string? current = null;
        Exception? failure = null;

        var run = Task.Run(() =>
        {
            foreach (var mutant in mutants)
            {
                current = mutant;
                try
                {
                    Exercise(mutant);
                }
                catch (Exception error)
                {
                    failure = error;
                    return;
                }
            }
        });

        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))) == run;
        Assert.True(finished, $"transpiling a mutant of {path} did not finish:\n{current}");
        Assert.True(failure is null, $"{failure}\n--- mutant of {path}:\n{current}");
    }

    [Fact]
    public void Random_bytes_never_crash()
    {
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            Exercise(Encoding.UTF8.GetString(bytes));
            Exercise(new string(bytes.Select(b => (char)b).ToArray()));
        }
    }

    /// <summary>Runs the whole pipeline both ways; only <see cref="SqlParseException"/> may come out of ParseOrThrow.</summary>
    private static void Exercise(string script)
    {
        var stopwatch = Stopwatch.StartNew();
        foreach (var dialect in new[] { SqlDialect.FlinkSql, SqlDialect.BeamSql })
        {
            var result = SqlTranspiler.Transpile(script, "mutant.sql", dialect);
            Assert.Equal(result.Spec is null, result.HasErrors);
            foreach (var diagnostic in result.Diagnostics)
            {
                Assert.InRange(diagnostic.Position.Offset, 0, script.Length);
                _ = diagnostic.Format(result.Source);
            }
            try
            {
                Parser.ParseOrThrow(new SourceText(script, "mutant.sql"), dialect);
            }
            catch (SqlParseException error)
            {
                Assert.NotEmpty(error.Diagnostics);
            }
        }
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"one mutant took {stopwatch.Elapsed}");
    }

    private static string Mutate(string text, Random random)
    {
        var diagnostics = new List<SqlDiagnostic>();
        var tokens = Lexer.Tokenize(new SourceText(text, ""), diagnostics);
        var count = random.Next(1, 4);
        for (var i = 0; i < count && text.Length > 0; i++)
        {
            var token = tokens[random.Next(tokens.Count)];
            var start = Math.Min(token.Start, text.Length);
            var end = Math.Min(token.End, text.Length);
            text = random.Next(7) switch
            {
                0 => text.Remove(start, end - start),
                1 => text.Insert(start, text[start..end] + " "),
                2 => text[..random.Next(text.Length)],
                3 => text.Insert(random.Next(text.Length + 1), RandomChars(random)),
                4 => ReplaceChar(text, random),
                5 => SwapWithNext(text, tokens, random),
                _ => text.Insert(start, Fragments[random.Next(Fragments.Length)]),
            };
        }
        return text;
    }

    private static readonly string[] Fragments =
    [
        "(", ")", "'", "`", "\"", ";", ",", "/*", "*/", "/*+", "--", "SELECT", "FROM", "JOIN", "WITH", "AS", "END", "BEGIN",
        "STATEMENT SET", "OVER (", "MATCH_RECOGNIZE (", "TABLE(", "LATERAL", "UNNEST(", "INTERVAL '1'", "CAST(", "CASE WHEN",
        "<", ">", "ROW<", "ARRAY<", "PATTERN (", "DEFINE", "FOR SYSTEM_TIME AS OF", "EXECUTE", "INSERT INTO", "=>", "[", "]",
    ];

    private const string Punctuation = "()'`\";,.*+-/<>=|[]{}?:^@#$\\";

    private static string RandomChars(Random random)
    {
        var chars = new char[random.Next(1, 6)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = random.Next(4) switch
            {
                0 => (char)random.Next(0, 32),
                1 => (char)random.Next(0xD800, 0xE000),
                2 => Punctuation[random.Next(Punctuation.Length)],
                _ => (char)random.Next(32, 0x2000),
            };
        }
        return new string(chars);
    }

    private static string ReplaceChar(string text, Random random)
    {
        var index = random.Next(text.Length);
        return text[..index] + RandomChars(random)[0] + text[(index + 1)..];
    }

    private static string SwapWithNext(string text, List<Token> tokens, Random random)
    {
        if (tokens.Count < 3)
        {
            return text;
        }
        var i = random.Next(tokens.Count - 2);
        var (a, b) = (tokens[i], tokens[i + 1]);
        if (b.End > text.Length)
        {
            return text;
        }
        return text[..a.Start] + text[b.Start..b.End] + text[a.End..b.Start] + text[a.Start..a.End] + text[b.End..];
    }

    private static int StableSeed(string name)
    {
        var seed = 17;
        foreach (var c in name)
        {
            seed = unchecked(seed * 31 + c);
        }
        return seed;
    }
}
