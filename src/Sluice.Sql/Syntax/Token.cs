namespace Sluice.Sql.Syntax;

public enum TokenKind : byte
{
    EndOfFile,
    Word,
    QuotedIdentifier,
    String,
    BinaryString,
    Number,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    LeftBrace,
    RightBrace,
    Comma,
    Semicolon,
    Dot,
    Star,
    Plus,
    Minus,
    Slash,
    Percent,
    Equals,
    NotEquals,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Concat,
    Pipe,
    Question,
    Colon,
    Arrow,
    Caret,
    HintStart,
    HintEnd,
}

/// <summary>One lexed token: where it is and, for a word, which keyword it spells (found once, at lexing time).</summary>
public readonly record struct Token(TokenKind Kind, Keyword Keyword, int Start, int Length)
{
    public int End => Start + Length;

    public bool Is(Keyword keyword) => Kind == TokenKind.Word && Keyword == keyword;

    /// <summary>A name a user may write without quoting: any word that is not a reserved keyword.</summary>
    public bool IsPlainName => Kind == TokenKind.Word && !Keywords.IsReserved(Keyword);

    public bool IsName => IsPlainName || Kind == TokenKind.QuotedIdentifier;

    public static string Describe(TokenKind kind) => kind switch
    {
        TokenKind.EndOfFile => "end of input",
        TokenKind.Word => "a name",
        TokenKind.QuotedIdentifier => "a quoted name",
        TokenKind.String => "a string literal",
        TokenKind.BinaryString => "a binary literal",
        TokenKind.Number => "a number",
        TokenKind.LeftParen => "'('",
        TokenKind.RightParen => "')'",
        TokenKind.LeftBracket => "'['",
        TokenKind.RightBracket => "']'",
        TokenKind.LeftBrace => "'{'",
        TokenKind.RightBrace => "'}'",
        TokenKind.Comma => "','",
        TokenKind.Semicolon => "';'",
        TokenKind.Dot => "'.'",
        TokenKind.Star => "'*'",
        TokenKind.Plus => "'+'",
        TokenKind.Minus => "'-'",
        TokenKind.Slash => "'/'",
        TokenKind.Percent => "'%'",
        TokenKind.Equals => "'='",
        TokenKind.NotEquals => "'<>'",
        TokenKind.Less => "'<'",
        TokenKind.LessOrEqual => "'<='",
        TokenKind.Greater => "'>'",
        TokenKind.GreaterOrEqual => "'>='",
        TokenKind.Concat => "'||'",
        TokenKind.Pipe => "'|'",
        TokenKind.Question => "'?'",
        TokenKind.Colon => "':'",
        TokenKind.Arrow => "'=>'",
        TokenKind.Caret => "'^'",
        TokenKind.HintStart => "'/*+'",
        TokenKind.HintEnd => "'*/'",
        _ => kind.ToString(),
    };
}
