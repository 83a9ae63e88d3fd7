using System.Text.Json;
using Edison.Core.Inference.Prompts;
using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Tools;

/// <summary>
/// Llama 3.1, 3.2 and 3.3's format (Meta's template): "Environment: ipython" in the system turn, the tools as indented
/// JSON at the start of the first user message with Meta's instructions, a call as the whole answer
/// (<c>{"name": …, "parameters": {…}}</c>, one per answer), and each result in an <c>ipython</c> turn.
/// </summary>
public sealed class Llama3ToolCalls : ToolCallFormat
{
    private const string Environment = "Environment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n";

    private const string Instruction =
        "Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n\n" +
        "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n";

    private const string ResultRole = "ipython";

    /// <summary>What Llama 3.1 may write before a call: its code interpreter's tag, which llama.cpp does not show.</summary>
    private const string PythonTag = "<|python_tag|>";

    private readonly bool _pythonTag;

    private Llama3ToolCalls(bool pythonTag) => _pythonTag = pythonTag;

    public override string Opener => "{";

    public override bool CallIsTheAnswer => true;

    public override IReadOnlyList<string> Markers => [];

    /// <summary>The format, when the template is Llama 3's and writes results in <c>ipython</c> turns and calls with <c>"parameters"</c>.</summary>
    public static Llama3ToolCalls? DescribedBy(string template, Func<string, bool> isOneToken) =>
        template.Contains("<|start_header_id|>", StringComparison.Ordinal) && template.Contains(ResultRole, StringComparison.Ordinal)
            && template.Contains("\"parameters\"", StringComparison.Ordinal)
            ? new Llama3ToolCalls(isOneToken(PythonTag))
            : null;

    public override IReadOnlyList<ChatTurn> Write(IReadOnlyList<ChatTurn> turns, IReadOnlyList<AIFunctionDeclaration> tools)
    {
        var written = new List<ChatTurn>(turns.Count + 1);
        bool offered = tools.Count == 0;
        if (tools.Count > 0 && turns is not [{ Role: ChatTurn.System }, ..])
        {
            written.Add(new ChatTurn(ChatTurn.System, string.Empty) { Parts = new PromptTextBuilder().Markup(Environment).Build().Parts });
        }

        foreach (var turn in turns)
        {
            switch (turn)
            {
                case { Role: ChatTurn.System } when tools.Count > 0:
                    written.Add(turn with { Parts = new PromptTextBuilder().Markup(Environment).Content(turn.Content.Trim()).Build().Parts });
                    break;
                case { Role: ChatTurn.User } when !offered:
                    var user = new PromptTextBuilder().Markup(Instruction);
                    foreach (var tool in tools)
                    {
                        user.Content(TemplateJson.Write(TemplateJson.Tool(tool), indent: 4)).Markup("\n\n");
                    }

                    written.Add(turn with { Parts = user.Content(turn.Content.Trim()).Build().Parts });
                    offered = true;
                    break;
                case { Role: ChatTurn.Assistant, ToolCalls.Count: > 0 }:
                    var calls = new PromptTextBuilder();
                    foreach (var call in turn.ToolCalls)
                    {
                        calls.Markup((calls.IsEmpty ? "" : "\n") + "{\"name\": \"").Content(call.Name).Markup("\", \"parameters\": ")
                            .Content(TemplateJson.Reformat(call.Arguments)).Markup("}");
                    }

                    written.Add(turn with { Parts = calls.Build().Parts });
                    break;
                case { Role: ChatTurn.Tool }:
                    written.Add(new ChatTurn(ResultRole, turn.Content) { ToolCallId = turn.ToolCallId });
                    break;
                default:
                    written.Add(turn);
                    break;
            }
        }

        return written;
    }

    /// <summary>
    /// One call (after the code interpreter's tag, when the model writes it), or (when the answer may be text) text that
    /// does not start as a call does, nor with a tag; Llama 3 makes one call per answer.
    /// </summary>
    public override string Grammar(IReadOnlyList<AIFunctionDeclaration> tools, bool parallel, string? before, bool orText, string? openerToken = null)
    {
        var grammar = new JsonSchemaGrammar();
        grammar.Rule("call", (_pythonTag ? $"{JsonSchemaGrammar.Literal(PythonTag)}? " : "") + CallObject(grammar, tools, "parameters"));
        if (orText)
        {
            grammar.Rule("text", "(([^{<] | \"<\" [^|]) [^\\x00]*)?");
        }

        grammar.Rule("root", orText ? "call | text" : "call");
        return grammar.ToString();
    }

    public override IReadOnlyList<ToolCall> Parse(string calls)
    {
        try
        {
            using var json = JsonDocument.Parse(calls);
            var root = json.RootElement;
            var arguments = root.ValueKind != JsonValueKind.Object ? default
                : root.TryGetProperty("parameters", out var parameters) ? parameters
                : root.TryGetProperty("arguments", out var given) ? given
                : default;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                   && arguments.ValueKind is JsonValueKind.Object or JsonValueKind.Undefined
                ? [new ToolCall(ToolCall.NewId(), name.GetString()!, arguments.ValueKind == JsonValueKind.Object ? arguments.GetRawText() : "{}")]
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
