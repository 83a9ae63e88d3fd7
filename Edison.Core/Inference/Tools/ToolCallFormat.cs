using Edison.Core.Inference.Prompts;
using Microsoft.Extensions.AI;

namespace Edison.Core.Inference.Tools;

/// <summary>
/// How a model family offers tools and writes its calls, read from its GGUF's chat template, never its file name: how
/// the tools, earlier calls and their results are written into the prompt, the text that opens the model's calls, the
/// grammar a call must follow, and how the calls are read back out of the model's text.
/// </summary>
public abstract class ToolCallFormat
{
    /// <summary>The format the template describes, or null for a template that offers no tools.</summary>
    /// <param name="isOneToken">Whether the model's vocabulary holds a text as one token.</param>
    /// <param name="thinking">How the model thinks, read from the same template (harmony's channels carry its calls).</param>
    /// <param name="clock">Today's date, for formats whose system message has it.</param>
    public static ToolCallFormat? Read(string? template, Func<string, bool> isOneToken, ThinkingFormat? thinking = null, TimeProvider? clock = null) =>
        template is null ? null
        : HermesToolCalls.DescribedBy(template, isOneToken) ?? (ToolCallFormat?)Llama3ToolCalls.DescribedBy(template, isOneToken)
            ?? MistralToolCalls.DescribedBy(template, isOneToken) ?? (ToolCallFormat?)HarmonyToolCalls.DescribedBy(template, thinking, clock ?? TimeProvider.System);

    /// <summary>The text that opens the model's calls: the answer's text ends where it starts.</summary>
    public abstract string Opener { get; }

    /// <summary>
    /// Whether the opener is markup the model's text cannot hold as prose (it reaches the reader only from the
    /// thinking's reader, as harmony's calls do): calls are then read even where none are offered, and dropped.
    /// </summary>
    public virtual bool OpenerIsMarkup => false;

    /// <summary>
    /// The markup, one token, from which a call the model may or may not make is held to the grammar: the opener, unless
    /// the format's calls start with several tokens.
    /// </summary>
    public virtual string GrammarTrigger => Opener;

    /// <summary>
    /// Whether a call is the whole answer (Llama 3's): an answer is a call or text from its first character, and the
    /// grammar holds it to one or the other from the start.
    /// </summary>
    public virtual bool CallIsTheAnswer => false;

    /// <summary>
    /// Whether <see cref="Write"/>'s turns hold their own turn markup, joined as they are instead of put in the chat
    /// template's turns: a family whose results and calls llama.cpp's built-in formats cannot write as turns.
    /// </summary>
    public virtual bool WritesTurnMarkup => false;

    /// <summary>
    /// Markup of the format's that the vocabulary holds as single tokens: control tokens in the template's markup, and
    /// broken in content, so that no message can write a call into the prompt.
    /// </summary>
    public abstract IReadOnlyList<string> Markers { get; }

    /// <summary>
    /// The conversation with the tools offered and its calls and results written as the model's template writes them:
    /// turns whose <see cref="ChatTurn.Parts"/> hold the format's markup, for the chat template to put in its turns.
    /// </summary>
    public abstract IReadOnlyList<ChatTurn> Write(IReadOnlyList<ChatTurn> turns, IReadOnlyList<AIFunctionDeclaration> tools);

    /// <summary>
    /// The GBNF grammar (root rule <c>root</c>) of the model's calls, from <see cref="Opener"/> to the last call's end:
    /// one call or several, each naming one of <paramref name="tools"/> with arguments its schema allows.
    /// </summary>
    /// <param name="before">Text the grammar may read first, before the opener (the thinking's close).</param>
    /// <param name="orText">For a format whose call is the whole answer: whether the answer may be text instead.</param>
    /// <param name="openerToken">
    /// The GBNF of the opener's own token (<c>&lt;[id]&gt;</c>) where the model writes it as one control token: then a
    /// spelling of its text in other tokens is no call. Null to match its text.
    /// </param>
    public abstract string Grammar(IReadOnlyList<AIFunctionDeclaration> tools, bool parallel, string? before, bool orText, string? openerToken = null);

    /// <summary>The whole calls in the model's text from <see cref="Opener"/> on; a call cut off before its end is left out.</summary>
    public abstract IReadOnlyList<ToolCall> Parse(string calls);

    /// <summary>
    /// The conversation's system prompt (null when there is none or it is empty) and the turns after it, for families
    /// that write the system prompt in a place of their own.
    /// </summary>
    protected static (string? System, List<ChatTurn> After) SystemAndRest(IReadOnlyList<ChatTurn> turns) =>
        turns is [{ Role: ChatTurn.System } first, ..]
            ? (first.Content.Length > 0 ? first.Content : null, [.. turns.Skip(1)])
            : (null, [.. turns]);

    /// <summary>
    /// The GBNF expression of one call's JSON object, as these families write it: <c>{"name": …, "KEY": {…}}</c>, the name
    /// one of the tools' and its arguments, under <paramref name="argumentsKey"/>, what that tool's schema allows.
    /// </summary>
    /// <param name="after">GBNF for what the family writes after the arguments, before the object's close.</param>
    protected static string CallObject(JsonSchemaGrammar grammar, IReadOnlyList<AIFunctionDeclaration> tools, string argumentsKey, string after = "")
    {
        var functions = tools.Select((tool, i) =>
            $"{JsonSchemaGrammar.Literal(TemplateJson.String(tool.Name))} \",\" space {JsonSchemaGrammar.Literal($"\"{argumentsKey}\"")} \":\" space "
            + grammar.Value(tool.JsonSchema, $"tool-{i}-{argumentsKey}"));
        return $"\"{{\" {JsonSchemaGrammar.Literal("\"name\"")} \":\" space ({string.Join(" | ", functions)}) {after} \"}}\"";
    }
}
