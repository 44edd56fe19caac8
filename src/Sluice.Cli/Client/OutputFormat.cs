using System.Text.Json.Nodes;
using Google.Protobuf;
using Spectre.Console;
using YamlDotNet.Serialization;

namespace Sluice.Cli.Client;

/// <summary>`-o table|yaml|json`: how a command prints what the server answered.</summary>
public enum OutputFormat
{
    Table,
    Yaml,
    Json,
}

/// <summary>Prints protobuf answers as a table (Spectre.Console) or as their proto3 JSON / YAML form.</summary>
public static class Output
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithIndentation().WithFormatDefaultValues(false));

    // Piped output is not wrapped at 80 columns: scripts and grep see one row per line.
    private static readonly IAnsiConsole Terminal = CreateTerminal();

    private static readonly ISerializer Yaml = new SerializerBuilder().DisableAliases().Build();

    public static void Write(IMessage message, OutputFormat format, Action<IMessage> table)
    {
        switch (format)
        {
            case OutputFormat.Json:
                Console.Out.WriteLine(Json.Format(message));
                break;
            case OutputFormat.Yaml:
                Console.Out.Write(ToYaml(message));
                break;
            default:
                table(message);
                break;
        }
    }

    public static string ToYaml(IMessage message) => Yaml.Serialize(ToPlain(JsonNode.Parse(Json.Format(message))));

    public static void Table(IEnumerable<string> headers, IEnumerable<IEnumerable<string>> rows, string empty = "No results.")
    {
        var all = rows.ToList();
        if (all.Count == 0)
        {
            Console.Out.WriteLine(empty);
            return;
        }
        var table = new Table().Border(TableBorder.Simple);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(header.ToUpperInvariant()));
        }
        foreach (var row in all)
        {
            table.AddRow(row.Select(cell => new Markup(Markup.Escape(cell))).ToArray());
        }
        Terminal.Write(table);
    }

    private static IAnsiConsole CreateTerminal()
    {
        var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            terminal.Profile.Width = 4096;
        }
        return terminal;
    }

    // YamlDotNet serializes plain dictionaries, lists and scalars; the proto3 JSON form is turned into those.
    private static object? ToPlain(JsonNode? node) => node switch
    {
        JsonObject obj => obj.ToDictionary(pair => pair.Key, pair => ToPlain(pair.Value)),
        JsonArray array => array.Select(ToPlain).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
            System.Text.Json.JsonValueKind.True => true,
            System.Text.Json.JsonValueKind.False => false,
            System.Text.Json.JsonValueKind.Number => value.GetValue<decimal>(),
            _ => null,
        },
        _ => null,
    };
}
