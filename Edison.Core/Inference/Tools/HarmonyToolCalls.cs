using System.Globalization;
using System.Text;
using System.Text.Json;
using Edison.Core.Inference.Prompts;
using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Tools;

/// <summary>
/// gpt-oss's harmony format, as its template writes it: the system message says calls go to the commentary channel,
/// the tools are TypeScript types in the developer message (<see cref="HarmonyTypeScript"/>), a call is a message
/// in the <c>commentary</c> channel addressed <c>to=functions.NAME</c> whose content is the arguments' JSON, ended by
/// <c>&lt;|call|&gt;</c>, and a result is a message from <c>functions.NAME</c> to the assistant. The model's text reaches
/// the reader with each call's start shown as <see cref="ThinkingFormat.HarmonyCall"/> (the thinking's reader parts
/// it from the channels). llama.cpp's built-in harmony format has no developer message and no addressed messages:
/// with tools, this format writes the whole conversation.
/// </summary>
public sealed class HarmonyToolCalls : ToolCallFormat
{
    private const string Start = ThinkingFormat.HarmonyStart;
    private const string Channel = ThinkingFormat.HarmonyChannel;
    private const string Message = ThinkingFormat.HarmonyMessage;
    private const string End = ThinkingFormat.HarmonyEnd;
    private const string Call = "<|call|>";
    private const string Constrain = "<|constrain|>";
    private const string Namespace = "functions.";
    private const string Identity = "You are ChatGPT, a large language model trained by OpenAI.";
    private const string Channels = "# Valid channels: analysis, commentary, final. Channel must be included for every message.";
    private const string CallsGoToCommentary = "Calls to these tools must go to the commentary channel: 'functions'.";

    private readonly TimeProvider _clock;

    private HarmonyToolCalls(TimeProvider clock) => _clock = clock;

    public override string Opener => ThinkingFormat.HarmonyCall;

    /// <summary>Harmony's markup is the thinking's (<see cref="ThinkingFormat.Harmony"/>) and control tokens.</summary>
    public override IReadOnlyList<string> Markers => [];

    public override bool WritesTurnMarkup => true;

    public override bool OpenerIsMarkup => true;

    /// <summary>
    /// Where a call the model may or may not make is held to its arguments' grammar: its <c>&lt;|constrain|&gt;</c>, which
    /// it writes after the function's name; one token, where the call's start is several.
    /// </summary>
    public override string GrammarTrigger => Constrain;

    /// <summary>The format, when the template is harmony's (see <see cref="ThinkingFormat.Harmony"/>) and addresses calls to functions.</summary>
    public static HarmonyToolCalls? DescribedBy(string template, ThinkingFormat? thinking, TimeProvider clock) =>
        ReferenceEquals(thinking, ThinkingFormat.Harmony) && template.Contains("to=", StringComparison.Ordinal)
            && template.Contains(Namespace, StringComparison.Ordinal) && template.Contains(Call, StringComparison.Ordinal)
            ? new HarmonyToolCalls(clock)
            : null;

    public override IReadOnlyList<ChatTurn> Write(IReadOnlyList<ChatTurn> turns, IReadOnlyList<AIFunctionDeclaration> tools)
    {
        var (instructions, rest) = SystemAndRest(turns);
        var written = new List<ChatTurn>(turns.Count + 2);
        string date = _clock.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var system = new PromptTextBuilder().Markup(
            $"{Start}system{Message}{Identity}\nKnowledge cutoff: 2024-06\nCurrent date: {date}\n\nReasoning: medium\n\n{Channels}"
            + (tools.Count > 0 ? "\n" + CallsGoToCommentary : "") + End);
        written.Add(new ChatTurn(ChatTurn.System, string.Empty) { Parts = system.Build().Parts });
        if (instructions is not null || tools.Count > 0)
        {
            var developer = new PromptTextBuilder().Markup($"{Start}developer{Message}");
            if (instructions is not null)
            {
                developer.Markup("# Instructions\n\n").Content(instructions).Markup("\n\n");
            }

            if (tools.Count > 0)
            {
                developer.Markup("# Tools\n\n").Content(HarmonyTypeScript.Namespace(tools));
            }

            written.Add(new ChatTurn(ChatTurn.System, string.Empty) { Parts = developer.Markup(End).Build().Parts });
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        string? lastCalled = null;
        for (int i = 0; i < rest.Count; i++)
        {
            var turn = rest[i];
            var markup = new PromptTextBuilder();
            switch (turn)
            {
                case { Role: ChatTurn.Assistant, ToolCalls.Count: > 0 }:
                    // One call a message, as harmony addresses each message to one recipient.
                    foreach (var call in turn.ToolCalls)
                    {
                        markup.Markup($"{Start}assistant to=").Content(Namespace + call.Name).Markup($"{Channel}commentary json{Message}")
                            .Content(TemplateJson.Reformat(call.Arguments)).Markup(Call);
                        names[call.Id] = lastCalled = call.Name;
                    }

                    break;
                case { Role: ChatTurn.Tool }:
                    var name = turn.ToolCallId is { } id && names.TryGetValue(id, out var called) ? called : lastCalled ?? "";
                    markup.Markup(Start).Content(Namespace + name).Markup($" to=assistant{Channel}commentary{Message}")
                        .Content(TemplateJson.String(turn.Content)).Markup(End);
                    break;
                case { Role: ChatTurn.Assistant } when i == rest.Count - 1:
                    markup.Markup($"{Start}assistant{Channel}final{Message}").Answer(turn.Content, open: true);
                    break;
                case { Role: ChatTurn.Assistant }:
                    markup.Markup($"{Start}assistant{Channel}final{Message}").Answer(ThinkingFormat.Harmony.AnswerOf(turn.Content)).Markup(End);
                    break;
                default:
                    markup.Markup($"{Start}{(turn.Role == ChatTurn.System ? "developer" : turn.Role)}{Message}").Content(turn.Content).Markup(End);
                    break;
            }

            written.Add(turn with { Parts = markup.Build().Parts });
        }

        if (rest is not [.., { Role: ChatTurn.Assistant, ToolCalls.Count: 0 }])
        {
            written.Add(new ChatTurn(ChatTurn.Assistant, string.Empty) { Parts = new PromptTextBuilder().Markup($"{Start}assistant").Build().Parts });
        }

        return written;
    }

    /// <summary>
    /// From the thinking's close (a required call): the call's message addressed to one of the tools, its arguments
    /// what that tool's schema allows. From <see cref="GrammarTrigger"/> (a call the model started): arguments that
    /// one of the tools' schemas allows. Harmony makes one call a message: <paramref name="parallel"/> changes nothing.
    /// </summary>
    public override string Grammar(IReadOnlyList<AIFunctionDeclaration> tools, bool parallel, string? before, bool orText, string? openerToken = null)
    {
        var grammar = new JsonSchemaGrammar();
        var arguments = tools.Select((tool, i) => grammar.Value(tool.JsonSchema, $"tool-{i}-arguments")).ToList();
        string header = $"\" \"? {JsonSchemaGrammar.Literal(Constrain)}? \"json\"? {JsonSchemaGrammar.Literal(Message)}";
        grammar.Rule("constrained", $"{JsonSchemaGrammar.Literal(Constrain)} \"json\" {JsonSchemaGrammar.Literal(Message)} ({string.Join(" | ", arguments)})");
        if (before is null)
        {
            grammar.Rule("root", "constrained");
            return grammar.ToString();
        }

        var calls = tools.Select((tool, i) => $"{JsonSchemaGrammar.Literal(tool.Name)} {header} {arguments[i]}");
        grammar.Rule("call", $"{JsonSchemaGrammar.Literal($"{Start}assistant{Channel}commentary to={Namespace}")} ({string.Join(" | ", calls)})");
        grammar.Rule("root", $"{JsonSchemaGrammar.Literal(before)} call | constrained");
        return grammar.ToString();
    }

    /// <summary>The call after the opener: the function's name after <c>functions.</c>, its arguments the JSON object after <c>&lt;|message|&gt;</c>.</summary>
    public override IReadOnlyList<ToolCall> Parse(string calls)
    {
        int at = calls.IndexOf(Opener, StringComparison.Ordinal);
        if (at < 0 || string.CompareOrdinal(calls, at + Opener.Length, Namespace, 0, Namespace.Length) != 0)
        {
            return [];
        }

        int nameStart = at + Opener.Length + Namespace.Length;
        int nameEnd = nameStart;
        while (nameEnd < calls.Length && OfferedTools.IsNameCharacter(calls[nameEnd]))
        {
            nameEnd++;
        }

        int message = calls.IndexOf(Message, nameEnd, StringComparison.Ordinal);
        if (nameEnd == nameStart || message < 0)
        {
            return [];
        }

        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(calls[(message + Message.Length)..]));
            using var json = JsonDocument.ParseValue(ref reader);
            return json.RootElement.ValueKind == JsonValueKind.Object
                ? [new ToolCall(ToolCall.NewId(), calls[nameStart..nameEnd], json.RootElement.GetRawText())]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
