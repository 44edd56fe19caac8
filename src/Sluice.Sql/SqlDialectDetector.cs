using Sluice.Spec.V1;
using Sluice.Sql.Syntax;

namespace Sluice.Sql;

/// <summary>
/// Tells Beam SQL from Flink SQL by what only Beam writes: `CREATE EXTERNAL TABLE`, a `TYPE` clause on a CREATE
/// TABLE or CREATE CATALOG (outside any parentheses), or `TBLPROPERTIES`. Anything else is Flink SQL.
/// </summary>
public static class SqlDialectDetector
{
    public static SqlDialect Detect(string script)
    {
        var tokens = Lexer.Tokenize(new SourceText(script, ""), []);
        var inCreate = false;
        var depth = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            switch (token.Kind)
            {
                case TokenKind.Semicolon:
                    inCreate = false;
                    depth = 0;
                    continue;
                case TokenKind.LeftParen:
                    depth++;
                    continue;
                case TokenKind.RightParen:
                    depth--;
                    continue;
                case TokenKind.Word:
                    break;
                default:
                    continue;
            }
            if (token.Keyword == Keyword.Tblproperties)
            {
                return SqlDialect.BeamSql;
            }
            if (token.Keyword == Keyword.Create && depth == 0)
            {
                inCreate = true;
                if (tokens[i + 1].Is(Keyword.External))
                {
                    return SqlDialect.BeamSql;
                }
            }
            else if (inCreate && depth == 0 && token.Keyword is Keyword.Type or Keyword.As or Keyword.With)
            {
                if (token.Keyword == Keyword.Type)
                {
                    return SqlDialect.BeamSql;
                }
                inCreate = false;
            }
        }
        return SqlDialect.FlinkSql;
    }
}
