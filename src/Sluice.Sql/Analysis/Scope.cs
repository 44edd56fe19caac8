using Sluice.Sql.Syntax;

namespace Sluice.Sql.Analysis;

/// <summary>The WITH queries visible at a point of a query, innermost first; each remembers the scope it was defined in.</summary>
public sealed class Scope
{
    public static readonly Scope Empty = new(null, null, null);

    private readonly CommonTableExpression? _cte;
    private readonly Scope? _definedIn;
    private readonly Scope? _outer;

    private Scope(CommonTableExpression? cte, Scope? definedIn, Scope? outer)
    {
        _cte = cte;
        _definedIn = definedIn;
        _outer = outer;
    }

    public Scope With(IReadOnlyList<CommonTableExpression> ctes)
    {
        var scope = this;
        foreach (var cte in ctes)
        {
            scope = new Scope(cte, scope, scope);
        }
        return scope;
    }

    /// <summary>The CTE a one-part name refers to, and the scope its own query is resolved in.</summary>
    public (CommonTableExpression Cte, Scope DefinedIn)? Find(QualifiedName name)
    {
        if (name.Parts.Count != 1)
        {
            return null;
        }
        for (var scope = this; scope is not null; scope = scope._outer)
        {
            if (scope._cte is not null && string.Equals(scope._cte.Name, name.Parts[0], StringComparison.Ordinal))
            {
                return (scope._cte, scope._definedIn!);
            }
        }
        return null;
    }
}
