using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Spec;

/// <summary>Parses YAML (or JSON) text into a node tree, turning a syntax error into a positioned diagnostic.</summary>
public static class YamlText
{
    /// <summary>The parsed stream, or null and the error at its line:column.</summary>
    public static (YamlStream? Stream, Diagnostic? Error) Load(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
            return (stream, null);
        }
        catch (YamlException e)
        {
            // YamlDotNet wraps the root cause; its innermost message names what the parser expected.
            var inner = e;
            while (inner.InnerException is YamlException deeper)
            {
                inner = deeper;
            }
            var at = new SourcePosition((int)inner.Start.Line, (int)inner.Start.Column);
            return (null, Diagnostic.Error("", $"not valid YAML: {inner.Message}").At(at));
        }
    }
}
