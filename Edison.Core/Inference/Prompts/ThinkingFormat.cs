namespace Edison.Core.Inference.Prompts;

/// <summary>
/// How a model that thinks marks its thinking, read from its GGUF (its chat template and its vocabulary), never from its
/// file name: thinking between <see cref="Open"/> and <see cref="Close"/>, as Qwen3, QwQ, SmolLM3 and the DeepSeek-R1
/// distills write it, or as gpt-oss writes its harmony channels (its <c>analysis</c> channel is the thinking, its
/// <c>final</c> channel the answer).
/// </summary>
/// <param name="Opening">
/// Markup the template's generation prompt adds to open the thinking itself (QwQ, the R1 distills: the answer starts
/// inside it and only closes it); null when the model opens it.
/// </param>
/// <param name="Off">
/// Markup after the generation prompt that skips the thinking (Qwen3's empty think block); null when the template has
/// no way to turn thinking off.
/// </param>
public sealed record ThinkingFormat(string Open, string Close, string? Opening, string? Off)
{
    private const string ThinkOpen = "<think>";
    private const string ThinkClose = "</think>";
    /// <summary>Harmony's markup, which its tool calls are written in too (<see cref="Tools.HarmonyToolCalls"/>).</summary>
    public const string HarmonyStart = "<|start|>";
    public const string HarmonyChannel = "<|channel|>";
    public const string HarmonyMessage = "<|message|>";
    public const string HarmonyEnd = "<|end|>";

    /// <summary>
    /// gpt-oss's harmony: the model writes <c>&lt;|channel|&gt;analysis&lt;|message|&gt;</c>, its thinking and
    /// <c>&lt;|end|&gt;</c>, then starts its answer's message in the <c>final</c> channel (or answers there at once).
    /// Its thinking cannot be turned off.
    /// </summary>
    public static readonly ThinkingFormat Harmony = new($"{HarmonyChannel}analysis{HarmonyMessage}", HarmonyEnd, Opening: null, Off: null)
    {
        Markers = [HarmonyStart, HarmonyChannel, HarmonyMessage, HarmonyEnd],
        // A message in the commentary channel to no one is a preamble to the person, before a call: answer text.
        AnswerMarkup = [$"{HarmonyStart}assistant", $"{HarmonyChannel}final{HarmonyMessage}", $"{HarmonyChannel}commentary{HarmonyMessage}"],
        // A call goes to the commentary channel addressed to a function, the address in the channel's header or the
        // message's (the generation prompt has started that one already).
        CallMarkup = new Dictionary<string, string>
        {
            [$"{HarmonyChannel}commentary to="] = HarmonyCall,
            [HarmonyCall] = HarmonyCall,
            ["to=functions."] = HarmonyCall + "functions.",
        },
    };

    /// <summary>How the answer's text shows the start of a harmony call, wherever the model put its address.</summary>
    public const string HarmonyCall = $"{HarmonyStart}assistant to=";

    /// <summary>
    /// The single tokens the format's markup is made of: control tokens in a prompt's markup, and broken in its content
    /// (their vocabulary reads them in any text), so that no message can open or close the model's thinking.
    /// </summary>
    public IReadOnlyList<string> Markers { get; init; } = [Open, Close];

    /// <summary>Markup the model writes before its answer that is not the answer (harmony's final channel): dropped.</summary>
    public IReadOnlyList<string> AnswerMarkup { get; init; } = [];

    /// <summary>
    /// Markup that starts a tool call outside the thinking, with what the answer's text shows for it: from there on the
    /// model's text, its markup included, is the call's, passed on whole for the call's reader (harmony's
    /// <c>&lt;|call|&gt;</c> ends the answer there). Empty for formats whose calls are text in the answer already.
    /// </summary>
    public IReadOnlyDictionary<string, string> CallMarkup { get; init; } = new Dictionary<string, string>();

    /// <summary>The model's format, or null for a model that does not think.</summary>
    /// <param name="isOneToken">Whether the vocabulary holds the text as one token.</param>
    public static ThinkingFormat? Read(string? template, Func<string, bool> isOneToken)
    {
        if (template is not null && template.Contains(HarmonyChannel, StringComparison.Ordinal) && template.Contains(HarmonyStart, StringComparison.Ordinal)
            && Harmony.Markers.All(isOneToken))
        {
            return Harmony;
        }

        if (template is null || !template.Contains(ThinkOpen, StringComparison.Ordinal) || !isOneToken(ThinkOpen) || !isOneToken(ThinkClose))
        {
            return null;
        }

        // What the template writes for the answer's own turn: the strings after its last test of add_generation_prompt.
        int generation = template.LastIndexOf("add_generation_prompt", StringComparison.Ordinal);
        var written = generation < 0 ? [] : JinjaLiterals.In(template[generation..]);
        var opening = written.FirstOrDefault(s => s.Contains(ThinkOpen, StringComparison.Ordinal) && !s.Contains(ThinkClose, StringComparison.Ordinal));
        var off = written.FirstOrDefault(s => s.Contains(ThinkOpen, StringComparison.Ordinal) && s.Contains(ThinkClose, StringComparison.Ordinal));
        return new ThinkingFormat(
            ThinkOpen,
            ThinkClose,
            opening?[opening.IndexOf(ThinkOpen, StringComparison.Ordinal)..],
            off?[off.IndexOf(ThinkOpen, StringComparison.Ordinal)..]);
    }

    /// <summary>
    /// An earlier answer as the model's own template reads it back: without the thinking a client kept in it (what
    /// follows the last close, as Qwen3's and the R1 distills' templates cut it, without markup that opened it).
    /// </summary>
    public string AnswerOf(string content)
    {
        var answer = content.LastIndexOf(Close, StringComparison.Ordinal) is var close and >= 0 ? content[(close + Close.Length)..].TrimStart('\n') : content;
        while (AnswerMarkup.FirstOrDefault(markup => answer.StartsWith(markup, StringComparison.Ordinal)) is { } markup)
        {
            answer = answer[markup.Length..];
        }

        return answer;
    }

    /// <summary>Whether a prompt leaves the thinking open: the model's first words are thinking.</summary>
    public bool IsOpenAtEndOf(PromptText prompt) => prompt.Text.AsSpan().TrimEnd().EndsWith(Open, StringComparison.Ordinal);
}
