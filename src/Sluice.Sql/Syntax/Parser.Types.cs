using System.Collections.Frozen;
using System.Text;

namespace Sluice.Sql.Syntax;

public sealed partial class Parser
{
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> TypeNames = WordSet(
        "CHAR", "CHARACTER", "VARCHAR", "STRING", "BOOLEAN", "BOOL", "BINARY", "VARBINARY", "BYTES", "DECIMAL", "DEC", "NUMERIC",
        "TINYINT", "SMALLINT", "INT", "INTEGER", "BIGINT", "FLOAT", "REAL", "DOUBLE", "DATE", "TIME", "TIMESTAMP",
        "TIMESTAMP_LTZ", "INTERVAL", "ARRAY", "MULTISET", "MAP", "ROW", "RAW", "NULL", "VARIANT", "DATETIME");

    /// <summary>
    /// A data type: `INT`, `DECIMAL(10, 2)`, `TIMESTAMP(3) WITH LOCAL TIME ZONE`, `ARRAY<STRING>`, `MAP<K, V>`,
    /// `ROW<a INT, b STRING>` or `ROW(a INT)`, `INT ARRAY`, `RAW('class', 'snapshot')`, `INTERVAL DAY TO SECOND(3)`,
    /// with NOT NULL / NULL. Its structure is checked; its text is kept, normalized to single spaces.
    /// </summary>
    private DataType ParseDataType()
    {
        EnterNesting();
        var start = Offset;
        var startIndex = _index;
        ParseTypeCore();
        while (Current.Kind == TokenKind.Word && Current.Keyword is Keyword.Array or Keyword.Multiset)
        {
            Advance();
        }
        if (At(Keyword.Not) && Peek(1).Is(Keyword.Null))
        {
            _index += 2;
        }
        else
        {
            Accept(Keyword.Null);
        }
        ExitNesting();
        return new DataType(Normalize(startIndex, _index), start);
    }

    private void ParseTypeCore()
    {
        var token = Current;
        if (!(token.Kind == TokenKind.Word && (token.IsPlainName || token.Keyword is Keyword.Interval)) && token.Kind != TokenKind.QuotedIdentifier)
        {
            throw Error("a data type (INT, STRING, TIMESTAMP(3), DECIMAL(10, 2), ARRAY<…>, ROW<…>, …)");
        }
        var qualified = Peek(1).Kind == TokenKind.Dot;
        var name = WordIn(token, TypeNames) ?? (qualified ? "" : null);
        if (name is null)
        {
            throw new SyntaxError(token.Start, $"unknown data type '{TextOf(token)}'; expected INT, BIGINT, STRING, VARCHAR(n), DECIMAL(p, s), TIMESTAMP(3), ARRAY<…>, MAP<…>, ROW<…>, …");
        }
        Advance();
        switch (name)
        {
            case "ROW" when At(TokenKind.Less) || At(TokenKind.LeftParen):
                ParseRowFields(At(TokenKind.Less) ? TokenKind.Greater : TokenKind.RightParen);
                return;
            case "ARRAY" or "MULTISET" when At(TokenKind.Less):
                Advance();
                ParseDataType();
                Expect(TokenKind.Greater);
                return;
            case "MAP" when At(TokenKind.Less):
                Advance();
                ParseDataType();
                Expect(TokenKind.Comma);
                ParseDataType();
                Expect(TokenKind.Greater);
                return;
            case "INTERVAL":
                ParseIntervalUnit();
                if (Accept(Keyword.To))
                {
                    ParseIntervalUnit();
                }
                return;
            case "DOUBLE" when IsWord(Current, "PRECISION"):
                Advance();
                return;
            case "CHAR" or "CHARACTER" or "BINARY" when IsWord(Current, "VARYING"):
                Advance();
                break;
        }
        while (At(TokenKind.Dot) && Peek(1).IsName)
        {
            _index += 2;
        }
        if (Accept(TokenKind.LeftParen))
        {
            do
            {
                if (!Accept(TokenKind.Number) && !Accept(TokenKind.String))
                {
                    throw Error("a length, precision or scale");
                }
            }
            while (Accept(TokenKind.Comma));
            Expect(TokenKind.RightParen);
        }
        if (name is "TIMESTAMP" or "TIME" && (At(Keyword.With) || At(Keyword.Without)) && Peek(1).Is(Keyword.Local) | Peek(1).Is(Keyword.Time))
        {
            Advance();
            Accept(Keyword.Local);
            Expect(Keyword.Time, "TIME ZONE");
            Expect(Keyword.Zone, "ZONE after TIME");
        }
    }

    private void ParseRowFields(TokenKind close)
    {
        Advance();
        if (Accept(close))
        {
            return;
        }
        do
        {
            ParseName("a field name");
            ParseDataType();
            if (At(TokenKind.String))
            {
                Advance();
            }
        }
        while (Accept(TokenKind.Comma));
        Expect(close);
    }

    /// <summary>The tokens' text joined by single spaces, without spaces inside brackets or before commas.</summary>
    private string Normalize(int startIndex, int endIndex)
    {
        if (endIndex - startIndex == 1)
        {
            return TextOf(_tokens[startIndex]);
        }
        var text = new StringBuilder();
        for (var i = startIndex; i < endIndex; i++)
        {
            var token = _tokens[i];
            var glue = i == startIndex
                || token.Kind is TokenKind.LeftParen or TokenKind.RightParen or TokenKind.Comma or TokenKind.Less or TokenKind.Greater
                || _tokens[i - 1].Kind is TokenKind.LeftParen or TokenKind.Less;
            if (!glue)
            {
                text.Append(' ');
            }
            text.Append(TextOf(token));
        }
        return text.ToString();
    }
}
