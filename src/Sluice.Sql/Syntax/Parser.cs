using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text;
using Sluice.Spec.V1;

namespace Sluice.Sql.Syntax;

/// <summary>What parsing a script produced: the statements it could read and every error found on the way.</summary>
public sealed record SqlParseResult(SqlScript Script, IReadOnlyList<SqlDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}

/// <summary>
/// Recursive-descent parser for Flink SQL and Beam SQL scripts. It reads statement by statement; after an error
/// it skips to the next ';' and goes on, so one run reports every independent error. Whatever the input, it only
/// returns diagnostics (or, through <see cref="ParseOrThrow"/>, throws <see cref="SqlParseException"/>).
/// </summary>
public sealed partial class Parser
{
    private const int MaxDepth = 200;
    private const int MaxErrors = 100;

    private readonly SourceText _source;
    private readonly string _text;
    private readonly List<Token> _tokens;
    private readonly List<SqlDiagnostic> _diagnostics;
    private readonly bool _beam;
    private int _index;
    private int _depth;
    private bool _inStatementSet;

    private Parser(SourceText source, List<Token> tokens, List<SqlDiagnostic> diagnostics, SqlDialect dialect)
    {
        _source = source;
        _text = source.Text;
        _tokens = tokens;
        _diagnostics = diagnostics;
        _beam = dialect == SqlDialect.BeamSql;
    }

    public static SqlParseResult Parse(string text, string sourceName, SqlDialect dialect) =>
        Parse(new SourceText(text, sourceName), dialect);

    public static SqlParseResult Parse(SourceText source, SqlDialect dialect)
    {
        var diagnostics = new List<SqlDiagnostic>();
        var tokens = Lexer.Tokenize(source, diagnostics);
        var parser = new Parser(source, tokens, diagnostics, dialect);
        var statements = parser.ParseStatements();
        return new SqlParseResult(new SqlScript(statements, source), diagnostics);
    }

    public static SqlScript ParseOrThrow(SourceText source, SqlDialect dialect)
    {
        var result = Parse(source, dialect);
        if (result.HasErrors)
        {
            throw new SqlParseException(source, result.Diagnostics.Where(d => d.IsError).ToList());
        }
        return result.Script;
    }

    private List<Statement> ParseStatements()
    {
        var statements = new List<Statement>();
        while (!At(TokenKind.EndOfFile) && _diagnostics.Count < MaxErrors)
        {
            if (Accept(TokenKind.Semicolon))
            {
                continue;
            }
            try
            {
                var statement = ParseStatement();
                statements.Add(statement);
                if (statement is not (StatementSetStatement or ExplainStatement { Explained: StatementSetStatement }))
                {
                    ExpectStatementEnd(statement);
                }
            }
            catch (SyntaxError error)
            {
                Record(error);
                Recover();
            }
        }
        return statements;
    }

    private void ExpectStatementEnd(Statement statement)
    {
        if (!At(TokenKind.Semicolon) && !At(TokenKind.EndOfFile) && !(_inStatementSet && At(Keyword.End)))
        {
            throw Error($"';' after the {statement.Kind} statement");
        }
        Accept(TokenKind.Semicolon);
    }

    private void Record(SyntaxError error)
    {
        _diagnostics.Add(SqlDiagnostic.Error(_source.PositionOf(error.Offset), error.Message));
        _depth = 0;
    }

    /// <summary>Skips to just past the next ';' (or to an END that closes an open statement set).</summary>
    private void Recover()
    {
        while (!At(TokenKind.EndOfFile))
        {
            if (_inStatementSet && At(Keyword.End) && Peek(1).Kind is TokenKind.Semicolon or TokenKind.EndOfFile)
            {
                return;
            }
            if (Advance().Kind == TokenKind.Semicolon)
            {
                return;
            }
        }
    }

    // ---- token access -------------------------------------------------------------------------------------------

    private Token Current => _tokens[_index];

    private Token Peek(int ahead) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private int Offset => Current.Start;

    private Token Advance()
    {
        var token = _tokens[_index];
        if (token.Kind != TokenKind.EndOfFile)
        {
            _index++;
        }
        return token;
    }

    private bool At(TokenKind kind) => Current.Kind == kind;

    private bool At(Keyword keyword) => Current.Is(keyword);

    private bool Accept(TokenKind kind)
    {
        if (!At(kind))
        {
            return false;
        }
        Advance();
        return true;
    }

    private bool Accept(Keyword keyword)
    {
        if (!At(keyword))
        {
            return false;
        }
        Advance();
        return true;
    }

    private bool AcceptSequence(Keyword first, Keyword second)
    {
        if (At(first) && Peek(1).Is(second))
        {
            _index += 2;
            return true;
        }
        return false;
    }

    private Token Expect(TokenKind kind) => At(kind) ? Advance() : throw Error(Token.Describe(kind));

    private Token Expect(Keyword keyword) => At(keyword) ? Advance() : throw Error(Keywords.Spell(keyword));

    private Token Expect(Keyword keyword, string expected) => At(keyword) ? Advance() : throw Error(expected);

    private SyntaxError Error(string expected) => new(Offset, $"expected {expected}, found {DescribeCurrent()}");

    private SyntaxError Refuse(int offset, string construct) =>
        new(offset, $"{construct} is not supported by the Sluice SQL transpiler");

    private string DescribeCurrent()
    {
        var token = Current;
        return token.Kind switch
        {
            TokenKind.Word when token.Keyword != Keyword.None => $"'{Keywords.Spell(token.Keyword)}'",
            TokenKind.Word or TokenKind.QuotedIdentifier => $"name '{Shorten(NameText(token))}'",
            TokenKind.String => $"string '{Shorten(StringText(token))}'",
            TokenKind.Number => $"number {Shorten(TextOf(token))}",
            _ => Token.Describe(token.Kind),
        };
    }

    private static string Shorten(string text) => text.Length <= 30 ? text : text[..27] + "...";

    private void EnterNesting()
    {
        if (++_depth > MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new SyntaxError(Offset, $"nesting is deeper than {MaxDepth} levels");
        }
    }

    private void ExitNesting() => _depth--;

    // ---- token text -------------------------------------------------------------------------------------------

    private string TextOf(Token token) => _text.Substring(token.Start, token.Length);

    private ReadOnlySpan<char> SpanOf(Token token) => _text.AsSpan(token.Start, token.Length);

    /// <summary>True when the token spells <paramref name="word"/> (any case), without allocating.</summary>
    private bool IsWord(Token token, string word) =>
        token.Kind == TokenKind.Word && SpanOf(token).Equals(word, StringComparison.OrdinalIgnoreCase);

    /// <summary>The canonical (upper-case) member of <paramref name="words"/> the token spells, or null.</summary>
    private string? WordIn(Token token, FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> words) =>
        token.Kind == TokenKind.Word && words.TryGetValue(SpanOf(token), out var canonical) ? canonical : null;

    private static FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> WordSet(params string[] words) =>
        words.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

    private string TextBetween(int start, int end) => _text[start..Math.Max(start, end)];

    /// <summary>A name's text: quotes removed, doubled quotes collapsed.</summary>
    private string NameText(Token token)
    {
        if (token.Kind != TokenKind.QuotedIdentifier)
        {
            return TextOf(token);
        }
        return Unquote(token, token.Length >= 2 ? _text[token.Start] : '`');
    }

    private string StringText(Token token) => Unquote(token, '\'');

    private string Unquote(Token token, char quote)
    {
        var first = token.Kind == TokenKind.BinaryString ? token.Start + 1 : token.Start;
        var innerStart = first + 1;
        var end = token.End;
        var closed = end - innerStart >= 1 && _text[end - 1] == quote;
        var inner = _text.AsSpan(innerStart, Math.Max(0, (closed ? end - 1 : end) - innerStart));
        if (inner.IndexOf(quote) < 0)
        {
            return inner.ToString();
        }
        var builder = new StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            builder.Append(inner[i]);
            if (inner[i] == quote && i + 1 < inner.Length && inner[i + 1] == quote)
            {
                i++;
            }
        }
        return builder.ToString();
    }

    // ---- names and literals -------------------------------------------------------------------------------------

    private string ParseName(string expected = "a name")
    {
        if (!Current.IsName)
        {
            throw Error(expected);
        }
        return NameText(Advance());
    }

    private QualifiedName ParseQualifiedName(string expected = "a name")
    {
        var at = Offset;
        var parts = new List<string>(3) { ParseName(expected) };
        while (At(TokenKind.Dot) && Peek(1).IsName)
        {
            Advance();
            parts.Add(NameText(Advance()));
        }
        return new QualifiedName(parts, at);
    }

    private List<string> ParseNameList()
    {
        Expect(TokenKind.LeftParen);
        var names = new List<string>();
        do
        {
            names.Add(ParseQualifiedName("a column name").ToString());
        }
        while (Accept(TokenKind.Comma));
        Expect(TokenKind.RightParen);
        return names;
    }

    private string ParseString(string expected)
    {
        if (!At(TokenKind.String))
        {
            throw Error(expected);
        }
        var value = StringText(Advance());
        while (At(TokenKind.String))
        {
            value += StringText(Advance());
        }
        return value;
    }

    /// <summary>`( 'k' = 'v', … )` as in WITH, PROPERTIES, SET (…), PARTITION (…) and OPTIONS hints.</summary>
    private List<TableOption> ParseOptionList()
    {
        Expect(TokenKind.LeftParen);
        var options = new List<TableOption>();
        if (Accept(TokenKind.RightParen))
        {
            return options;
        }
        do
        {
            var at = Offset;
            var key = ParseOptionKey();
            Expect(TokenKind.Equals);
            options.Add(new TableOption(key, ParseOptionValue(), at));
        }
        while (Accept(TokenKind.Comma));
        Expect(TokenKind.RightParen);
        return options;
    }

    private string ParseOptionKey() =>
        At(TokenKind.String) ? StringText(Advance())
        : Current.IsName ? ParseQualifiedName().ToString()
        : throw Error("an option key such as 'connector'");

    private string ParseOptionValue()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.String:
                return ParseString("an option value");
            case TokenKind.Number:
                return TextOf(Advance());
            case TokenKind.Minus when Peek(1).Kind == TokenKind.Number:
                Advance();
                return "-" + TextOf(Advance());
            case TokenKind.Word when token.Keyword is Keyword.True or Keyword.False:
                return TextOf(Advance()).ToLowerInvariant();
            default:
                throw Error("an option value such as 'kafka'");
        }
    }

    /// <summary>`/*+ NAME(args), … */`; arguments are `'k'='v'` pairs or single names/strings.</summary>
    private List<Hint> ParseHints()
    {
        var hints = new List<Hint>();
        while (At(TokenKind.HintStart))
        {
            Advance();
            do
            {
                var at = Offset;
                var name = ParseName("a hint name such as OPTIONS");
                var arguments = new List<string>();
                var options = new List<TableOption>();
                if (Accept(TokenKind.LeftParen) && !Accept(TokenKind.RightParen))
                {
                    do
                    {
                        var argAt = Offset;
                        var key = At(TokenKind.String) ? StringText(Advance())
                            : Current.IsName ? ParseQualifiedName().ToString()
                            : At(TokenKind.Number) ? TextOf(Advance())
                            : throw Error("a hint argument");
                        if (Accept(TokenKind.Equals))
                        {
                            options.Add(new TableOption(key, ParseOptionValue(), argAt));
                        }
                        else
                        {
                            arguments.Add(key);
                        }
                    }
                    while (Accept(TokenKind.Comma));
                    Expect(TokenKind.RightParen);
                }
                hints.Add(new Hint(name, arguments, options, at));
            }
            while (Accept(TokenKind.Comma));
            Expect(TokenKind.HintEnd);
        }
        return hints;
    }

    private bool AtQueryStart() =>
        Current.Kind == TokenKind.Word && Current.Keyword is Keyword.Select or Keyword.With or Keyword.Values;

    /// <summary>True when a '(' here opens a query, looking through any further '(' (`((SELECT …) UNION …)`).</summary>
    private bool ParenOpensQuery()
    {
        var i = 0;
        while (Peek(i).Kind == TokenKind.LeftParen)
        {
            i++;
        }
        var token = Peek(i);
        return i > 0 && token.Kind == TokenKind.Word && token.Keyword is Keyword.Select or Keyword.With or Keyword.Values;
    }

    /// <summary>The internal signal that unwinds to the statement loop; never leaves the parser.</summary>
    private sealed class SyntaxError(int offset, string message) : Exception(message)
    {
        public int Offset { get; } = offset;
    }
}
