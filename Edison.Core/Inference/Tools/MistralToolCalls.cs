using System.Text;
using System.Text.Json;
using Edison.Core.Inference.Prompts;
using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Tools;

/// <summary>
/// Mistral's format, as Mistral 7B v0.3, Nemo, Small 3 and 3.1 and Large 2411 write it: the tools as a JSON list between
/// <c>[AVAILABLE_TOOLS]</c> tags just before the last user message, the calls as one JSON array after the control token
/// <c>[TOOL_CALLS]</c> (<c>[{"name": …, "arguments": {…}, "id": …}]</c>, ids of nine letters and digits), each result as
/// <c>[TOOL_RESULTS] {"content": …, "call_id": …}[/TOOL_RESULTS]</c>. llama.cpp's built-in Mistral formats end every
/// turn but a user's with <c>&lt;/s&gt;</c>, so no result could be a turn of theirs: with tools, this format writes
/// the whole conversation itself (<see cref="ToolCallFormat.WritesTurnMarkup"/>), with the template's spacing.
/// </summary>
public sealed class MistralToolCalls : ToolCallFormat
{
    private const string CallsOpen = "[TOOL_CALLS]";
    private const string ToolsOpen = "[AVAILABLE_TOOLS]";
    private const string ToolsClose = "[/AVAILABLE_TOOLS]";
    private const string ArgumentsAfterName = "[ARGS]";
    private const string End = "</s>";
    private const int IdLength = 9;

    private readonly bool _systemPromptTags;
    private readonly string _space;

    private MistralToolCalls(bool systemPromptTags, string space) => (_systemPromptTags, _space) = (systemPromptTags, space);

    public override string Opener => CallsOpen;

    /// <summary>Mistral's markup is all control tokens: content cannot spell them already.</summary>
    public override IReadOnlyList<string> Markers => [];

    public override bool WritesTurnMarkup => true;

    /// <summary>
    /// The format, when the template offers tools between <c>[AVAILABLE_TOOLS]</c> tags and <c>[TOOL_CALLS]</c> is one
    /// token. Later Mistral templates name the function before <c>[ARGS]</c> instead of writing an array: not read here.
    /// </summary>
    /// <remarks>
    /// Templates with <c>[SYSTEM_PROMPT]</c> (v7) put the system prompt between those tags, earlier ones before the last
    /// user message; templates that write <c>"[INST] "</c> put a space after each tag and before each answer.
    /// </remarks>
    public static MistralToolCalls? DescribedBy(string template, Func<string, bool> isOneToken) =>
        template.Contains(CallsOpen, StringComparison.Ordinal) && template.Contains(ToolsOpen, StringComparison.Ordinal)
            && !template.Contains(ArgumentsAfterName, StringComparison.Ordinal) && isOneToken(CallsOpen)
            ? new MistralToolCalls(
                template.Contains("[SYSTEM_PROMPT]", StringComparison.Ordinal),
                JinjaLiterals.In(template).Any(literal => literal.EndsWith("[INST] ", StringComparison.Ordinal)) ? " " : "")
            : null;

    public override IReadOnlyList<ChatTurn> Write(IReadOnlyList<ChatTurn> turns, IReadOnlyList<AIFunctionDeclaration> tools)
    {
        var (system, rest) = SystemAndRest(turns);
        int lastUser = rest.FindLastIndex(turn => turn.Role == ChatTurn.User);
        var written = new List<ChatTurn>(turns.Count);
        if (system is not null && _systemPromptTags)
        {
            written.Add(new ChatTurn(ChatTurn.System, system)
            {
                Parts = new PromptTextBuilder().Markup("[SYSTEM_PROMPT]" + _space).Content(system).Markup("[/SYSTEM_PROMPT]").Build().Parts,
            });
        }

        for (int i = 0; i < rest.Count; i++)
        {
            var turn = rest[i];
            var markup = new PromptTextBuilder();
            switch (turn)
            {
                case { Role: ChatTurn.User }:
                    if (i == lastUser && tools.Count > 0)
                    {
                        markup.Markup(ToolsOpen + " [").Content(string.Join(", ", tools.Select(tool => TemplateJson.Write(TemplateJson.Tool(tool))))).Markup("]" + ToolsClose);
                    }

                    markup.Markup("[INST]" + _space);
                    if (i == lastUser && system is not null && !_systemPromptTags)
                    {
                        markup.Content(system).Markup("\n\n");
                    }

                    markup.Content(turn.Content).Markup("[/INST]");
                    break;
                case { Role: ChatTurn.Assistant, ToolCalls.Count: > 0 }:
                    markup.Markup(CallsOpen + " [");
                    foreach (var (call, n) in turn.ToolCalls.Select((call, n) => (call, n)))
                    {
                        markup.Markup((n == 0 ? "" : ", ") + "{\"name\": \"").Content(call.Name).Markup("\", \"arguments\": ")
                            .Content(TemplateJson.Reformat(call.Arguments)).Markup(", \"id\": \"").Content(ShortId(call.Id)).Markup("\"}");
                    }

                    markup.Markup("]" + End);
                    break;
                case { Role: ChatTurn.Tool }:
                    markup.Markup("[TOOL_RESULTS] {\"content\": ").Content(turn.Content)
                        .Markup(", \"call_id\": \"").Content(ShortId(turn.ToolCallId ?? "")).Markup("\"}[/TOOL_RESULTS]");
                    break;
                case { Role: ChatTurn.Assistant } when i == rest.Count - 1:
                    markup.Answer(turn.Content, lead: _space, open: true);
                    break;
                default:
                    markup.Answer(turn.Content, lead: _space).Markup(End);
                    break;
            }

            written.Add(turn with { Parts = markup.Build().Parts });
        }

        return written;
    }

    public override string Grammar(IReadOnlyList<AIFunctionDeclaration> tools, bool parallel, string? before, bool orText, string? openerToken = null)
    {
        var grammar = new JsonSchemaGrammar();
        // The id the model may write after the arguments, as the template writes ids: its last nine letters and digits.
        grammar.Rule("call", CallObject(grammar, tools, "arguments", $"(\",\" space {JsonSchemaGrammar.Literal("\"id\"")} \":\" space \"\\\"\" [a-zA-Z0-9]{{{IdLength}}} \"\\\"\")?"));
        grammar.Rule("root", $"{openerToken ?? JsonSchemaGrammar.Literal(CallsOpen)} \" \"? \"[\" call " + (parallel ? "(\",\" space call)* " : "") + "\"]\"");
        return grammar.ToString();
    }

    /// <summary>The calls in the JSON array after <c>[TOOL_CALLS]</c> (one object alone is read too); an array not whole is no call.</summary>
    public override IReadOnlyList<ToolCall> Parse(string calls)
    {
        var bytes = Encoding.UTF8.GetBytes(calls);
        var open = Encoding.UTF8.GetBytes(CallsOpen);
        int at = bytes.AsSpan().IndexOf(open);
        if (at < 0)
        {
            return [];
        }

        try
        {
            var reader = new Utf8JsonReader(bytes.AsSpan(at + open.Length));
            using var json = JsonDocument.ParseValue(ref reader);
            var root = json.RootElement;
            var objects = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : [root];
            return [.. objects.Select(Call).OfType<ToolCall>()];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static ToolCall? Call(JsonElement call) =>
        call.ValueKind == JsonValueKind.Object
        && call.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
        && (!call.TryGetProperty("arguments", out var arguments) || arguments.ValueKind == JsonValueKind.Object)
            ? new ToolCall(ToolCall.NewId(), name.GetString()!, arguments.ValueKind == JsonValueKind.Object ? arguments.GetRawText() : "{}")
            : null;

    /// <summary>A call's id as Mistral's templates write it: its last nine characters.</summary>
    private static string ShortId(string id) => id.Length > IdLength ? id[^IdLength..] : id;
}
