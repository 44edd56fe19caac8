namespace Sluice.Sql.Syntax;

/// <summary>
/// Turns script text into tokens over string indices: no substring is made while lexing, and keywords are found
/// through a span lookup. Comments are skipped; an optimizer hint's `/*+` and `*/` become tokens of their own.
/// </summary>
public sealed class Lexer
{
    private readonly string _text;
    private readonly SourceText _source;
    private readonly List<SqlDiagnostic> _diagnostics;
    private int _pos;
    private bool _inHint;

    private Lexer(SourceText source, List<SqlDiagnostic> diagnostics)
    {
        _source = source;
        _text = source.Text;
        _diagnostics = diagnostics;
    }

    public static List<Token> Tokenize(SourceText source, List<SqlDiagnostic> diagnostics)
    {
        var lexer = new Lexer(source, diagnostics);
        var tokens = new List<Token>(source.Text.Length / 5 + 8);
        while (true)
        {
            var token = lexer.Next();
            tokens.Add(token);
            if (token.Kind == TokenKind.EndOfFile)
            {
                // End of input is reported right after the last token, where a missing ';' or ')' belongs.
                var end = tokens.Count > 1 ? tokens[^2].End : 0;
                tokens[^1] = token with { Start = end };
                return tokens;
            }
        }
    }

    private Token Next()
    {
        SkipTrivia();
        if (_pos >= _text.Length)
        {
            return new Token(TokenKind.EndOfFile, Keyword.None, _text.Length, 0);
        }
        var start = _pos;
        var c = _text[_pos];
        if (IsWordStart(c))
        {
            if ((c is 'X' or 'x') && Peek(1) == '\'')
            {
                _pos++;
                ReadQuoted('\'', "binary literal");
                return new Token(TokenKind.BinaryString, Keyword.None, start, _pos - start);
            }
            while (_pos < _text.Length && IsWordPart(_text[_pos]))
            {
                _pos++;
            }
            var keyword = Keywords.Lookup(_text.AsSpan(start, _pos - start));
            return new Token(TokenKind.Word, keyword, start, _pos - start);
        }
        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
        {
            ReadNumber();
            return new Token(TokenKind.Number, Keyword.None, start, _pos - start);
        }
        if (c == '/' && Peek(1) == '*' && Peek(2) == '+')
        {
            _pos += 3;
            _inHint = true;
            return new Token(TokenKind.HintStart, Keyword.None, start, 3);
        }
        switch (c)
        {
            case '\'':
                ReadQuoted('\'', "string literal");
                return new Token(TokenKind.String, Keyword.None, start, _pos - start);
            case '`':
                ReadQuoted('`', "quoted name");
                return new Token(TokenKind.QuotedIdentifier, Keyword.None, start, _pos - start);
            case '"':
                Report(start, "double quotes are not valid here: write a string as 'text' and a quoted name as `name`");
                ReadQuoted('"', "double-quoted text");
                return new Token(TokenKind.QuotedIdentifier, Keyword.None, start, _pos - start);
        }
        _pos++;
        var kind = c switch
        {
            '(' => TokenKind.LeftParen,
            ')' => TokenKind.RightParen,
            '[' => TokenKind.LeftBracket,
            ']' => TokenKind.RightBracket,
            '{' => TokenKind.LeftBrace,
            '}' => TokenKind.RightBrace,
            ',' => TokenKind.Comma,
            ';' => TokenKind.Semicolon,
            '.' => TokenKind.Dot,
            '+' => TokenKind.Plus,
            '-' => TokenKind.Minus,
            '/' => TokenKind.Slash,
            '%' => TokenKind.Percent,
            '?' => TokenKind.Question,
            ':' => TokenKind.Colon,
            '^' => TokenKind.Caret,
            '*' when _inHint && Peek(0) == '/' => Advance(TokenKind.HintEnd),
            '*' => TokenKind.Star,
            '=' when Peek(0) == '>' => Advance(TokenKind.Arrow),
            '=' => TokenKind.Equals,
            '<' when Peek(0) == '>' => Advance(TokenKind.NotEquals),
            '<' when Peek(0) == '=' => Advance(TokenKind.LessOrEqual),
            '<' => TokenKind.Less,
            '>' when Peek(0) == '=' => Advance(TokenKind.GreaterOrEqual),
            '>' => TokenKind.Greater,
            '!' when Peek(0) == '=' => Advance(TokenKind.NotEquals),
            '|' when Peek(0) == '|' => Advance(TokenKind.Concat),
            '|' => TokenKind.Pipe,
            _ => (TokenKind)255,
        };
        if (kind == TokenKind.HintEnd)
        {
            _inHint = false;
        }
        if ((int)kind == 255)
        {
            Report(start, $"unexpected character '{Printable(c)}'");
            return Next();
        }
        return new Token(kind, Keyword.None, start, _pos - start);
    }

    private TokenKind Advance(TokenKind kind)
    {
        _pos++;
        return kind;
    }

    private void SkipTrivia()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (char.IsWhiteSpace(c))
            {
                _pos++;
            }
            else if (c == '-' && Peek(1) == '-')
            {
                var end = _text.IndexOf('\n', _pos);
                _pos = end < 0 ? _text.Length : end + 1;
            }
            else if (c == '/' && Peek(1) == '*')
            {
                if (Peek(2) == '+' && !_inHint)
                {
                    // An optimizer hint: its content is lexed as tokens; the parser reads it.
                    return;
                }
                var end = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    Report(_pos, "unterminated comment: expected '*/'");
                    _pos = _text.Length;
                    return;
                }
                _pos = end + 2;
            }
            else
            {
                return;
            }
        }
    }

    private void ReadNumber()
    {
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }
        if (_pos < _text.Length && _text[_pos] == '.' && char.IsAsciiDigit(Peek(1)))
        {
            _pos++;
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                _pos++;
            }
        }
        else if (_pos < _text.Length && _text[_pos] == '.' && !IsWordStart(Peek(1)))
        {
            _pos++;
        }
        if (_pos < _text.Length && (_text[_pos] is 'e' or 'E'))
        {
            var signed = Peek(1) is '+' or '-';
            if (char.IsAsciiDigit(Peek(signed ? 2 : 1)))
            {
                _pos += signed ? 2 : 1;
                while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
                {
                    _pos++;
                }
            }
        }
    }

    /// <summary>Reads a quoted run; a doubled quote inside it is an escaped quote.</summary>
    private void ReadQuoted(char quote, string what)
    {
        var start = _pos;
        _pos++;
        while (true)
        {
            var end = _text.IndexOf(quote, _pos);
            if (end < 0)
            {
                Report(start, $"unterminated {what}: expected a closing {quote}");
                _pos = _text.Length;
                return;
            }
            if (end + 1 < _text.Length && _text[end + 1] == quote)
            {
                _pos = end + 2;
                continue;
            }
            _pos = end + 1;
            return;
        }
    }

    private char Peek(int ahead) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private void Report(int offset, string message) =>
        _diagnostics.Add(SqlDiagnostic.Error(_source.PositionOf(offset), message));

    private static bool IsWordStart(char c) => char.IsAsciiLetter(c) || c == '_' || (c > 127 && char.IsLetter(c));

    private static bool IsWordPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$' || (c > 127 && char.IsLetterOrDigit(c));

    private static string Printable(char c) => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString();
}
