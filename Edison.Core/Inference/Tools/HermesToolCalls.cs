using System.Text;
using System.Text.Json;
using Edison.Core.Inference.Prompts;
using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Tools;

/// <summary>
/// The Hermes format, as Qwen 2.5, Qwen3, QwQ and Hermes 2/3 write it: the tools as JSON lines between
/// <c>&lt;tools&gt;</c> tags in the system turn, each call as <c>&lt;tool_call&gt;{"name": …, "arguments": {…}}&lt;/tool_call&gt;</c>,
/// and results in a user turn, each between <c>&lt;tool_response&gt;</c> tags. The instructions around the tools are
/// the template's own words where it has them.
/// </summary>
public sealed class HermesToolCalls : ToolCallFormat
{
    private const string CallOpen = "<tool_call>";
    private const string CallClose = "</tool_call>";
    private const string ResponseOpen = "<tool_response>";
    private const string ResponseClose = "</tool_response>";

    private const string QwenIntroduction =
        "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
        "You are provided with function signatures within <tools></tools> XML tags:\n<tools>";

    private const string QwenInstruction =
        "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n" +
        "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>";

    private readonly string _introduction;
    private readonly string _instruction;

    private HermesToolCalls(string introduction, string instruction, IReadOnlyList<string> markers) =>
        (_introduction, _instruction, Markers) = (introduction, instruction, markers);

    public override string Opener => CallOpen;

    public override IReadOnlyList<string> Markers { get; }

    /// <summary>The format, when the template writes calls between <c>&lt;tool_call&gt;</c> tags and offers tools between <c>&lt;tools&gt;</c> tags.</summary>
    public static HermesToolCalls? DescribedBy(string template, Func<string, bool> isOneToken)
    {
        if (!template.Contains(CallOpen, StringComparison.Ordinal) || !template.Contains("<tools>", StringComparison.Ordinal))
        {
            return null;
        }

        var literals = JinjaLiterals.In(template);
        var introduction = literals.FirstOrDefault(l => l.TrimEnd().EndsWith("<tools>", StringComparison.Ordinal));
        var instruction = literals.FirstOrDefault(l => l.Contains("</tools>", StringComparison.Ordinal) && l.Contains(CallClose, StringComparison.Ordinal));
        return new HermesToolCalls(
            introduction ?? QwenIntroduction,
            instruction is null ? QwenInstruction : instruction[..(instruction.LastIndexOf(CallClose, StringComparison.Ordinal) + CallClose.Length)],
            [.. ((string[])[CallOpen, CallClose, ResponseOpen, ResponseClose]).Where(isOneToken)]);
    }

    public override IReadOnlyList<ChatTurn> Write(IReadOnlyList<ChatTurn> turns, IReadOnlyList<AIFunctionDeclaration> tools)
    {
        var written = new List<ChatTurn>(turns.Count + 1);
        int at = 0;
        if (tools.Count > 0)
        {
            var system = new PromptTextBuilder();
            if (turns is [{ Role: ChatTurn.System } first, ..])
            {
                system.Content(first.Content).Markup("\n\n");
                at = 1;
            }

            system.Markup(_introduction);
            foreach (var tool in tools)
            {
                system.Markup("\n").Content(TemplateJson.Write(TemplateJson.Tool(tool)));
            }

            written.Add(new ChatTurn(ChatTurn.System, string.Empty) { Parts = system.Markup(_instruction).Build().Parts });
        }

        for (; at < turns.Count; at++)
        {
            var turn = turns[at];
            if (turn.Role == ChatTurn.Tool)
            {
                var results = new PromptTextBuilder();
                for (; at < turns.Count && turns[at].Role == ChatTurn.Tool; at++)
                {
                    results.Markup((results.IsEmpty ? "" : "\n") + ResponseOpen + "\n").Content(turns[at].Content).Markup("\n" + ResponseClose);
                }

                at--;
                written.Add(new ChatTurn(ChatTurn.User, string.Empty) { Parts = results.Build().Parts });
            }
            else if (turn is { Role: ChatTurn.Assistant, ToolCalls.Count: > 0 })
            {
                var calls = new PromptTextBuilder().Answer(turn.Content);
                foreach (var call in turn.ToolCalls)
                {
                    calls.Markup((calls.IsEmpty ? "" : "\n") + CallOpen + "\n{\"name\": \"")
                        .Content(call.Name)
                        .Markup("\", \"arguments\": ")
                        .Content(TemplateJson.Reformat(call.Arguments))
                        .Markup("}\n" + CallClose);
                }

                written.Add(turn with { Parts = calls.Build().Parts });
            }
            else
            {
                written.Add(turn);
            }
        }

        return written;
    }

    public override string Grammar(IReadOnlyList<AIFunctionDeclaration> tools, bool parallel, string? before, bool orText, string? openerToken = null)
    {
        var grammar = new JsonSchemaGrammar();
        // The markup as the template writes it, a line break where it has one or none: Qwen writes these exactly.
        grammar.Rule("call", $"{openerToken ?? JsonSchemaGrammar.Literal(CallOpen)} \"\\n\"? {CallObject(grammar, tools, "arguments")} \"\\n\"? {JsonSchemaGrammar.Literal(CallClose)}");
        grammar.Rule("root", (before is null ? "" : $"({JsonSchemaGrammar.Literal(before)} \"\\n\"? \"\\n\"?)? ") + (parallel ? "call (\"\\n\" call)*" : "call"));
        return grammar.ToString();
    }

    /// <summary>
    /// The calls, each read as the JSON value after its opening tag (so a string inside it may spell either tag) and
    /// ended by the closing tag; reading stops at the first call that is not whole.
    /// </summary>
    public override IReadOnlyList<ToolCall> Parse(string calls)
    {
        var parsed = new List<ToolCall>();
        var bytes = Encoding.UTF8.GetBytes(calls);
        var open = Encoding.UTF8.GetBytes(CallOpen);
        var close = Encoding.UTF8.GetBytes(CallClose);
        int at = 0;
        while (bytes.AsSpan(at).IndexOf(open) is >= 0 and var found)
        {
            at += found + open.Length;
            var reader = new Utf8JsonReader(bytes.AsSpan(at));
            JsonDocument json;
            try
            {
                json = JsonDocument.ParseValue(ref reader);
            }
            catch (JsonException)
            {
                break;
            }

            using (json)
            {
                at += (int)reader.BytesConsumed;
                var rest = bytes.AsSpan(at);
                int spaces = rest.Length - rest.TrimStart(" \t\r\n"u8).Length;
                if (!rest[spaces..].StartsWith(close))
                {
                    break;
                }

                at += spaces + close.Length;
                var root = json.RootElement;
                if (root.ValueKind == JsonValueKind.Object
                    && root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                    && (!root.TryGetProperty("arguments", out var arguments) || arguments.ValueKind == JsonValueKind.Object))
                {
                    parsed.Add(new ToolCall(ToolCall.NewId(), name.GetString()!, arguments.ValueKind == JsonValueKind.Object ? arguments.GetRawText() : "{}"));
                }
            }
        }

        return parsed;
    }
}
