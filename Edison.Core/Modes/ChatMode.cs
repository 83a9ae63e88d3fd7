namespace Edison.Core.Modes;

/// <summary>When a mode looks things up on the web (with a search provider configured).</summary>
public enum SearchUse
{
    /// <summary>Only when the message asks to look something up or for fresh facts.</summary>
    WhenAsked,

    /// <summary>For every message.</summary>
    Always,
}

/// <summary>
/// A way of answering, and its profile: the system prompt, the sampling it answers with (a request's own
/// temperature wins), and the tools it may use: remembered conversations and web search.
/// </summary>
public sealed record ChatMode(string Name, string SystemPrompt, float Temperature, float TopP, bool UsesMemory, SearchUse Search)
{
    public const string Auto = "auto";

    /// <summary>
    /// For a model that thinks: the mode has it think (whatever the thinking setting says) and asks with this system
    /// prompt instead; null for a mode that leaves thinking to the model and the settings.
    /// </summary>
    public string? ThinkingSystemPrompt { get; init; }

    /// <summary>The system prompt for a model that thinks now, or for one that does not.</summary>
    public string SystemPromptFor(bool thinking) => thinking && ThinkingSystemPrompt is { } own ? own : SystemPrompt;

    public static readonly ChatMode Chat = new(
        "chat",
        "You are Edison, a helpful assistant. Answer clearly and concisely.",
        Temperature: 0.7f, TopP: 0.95f, UsesMemory: true, SearchUse.WhenAsked);

    public static readonly ChatMode Code = new(
        "code",
        "You are Edison, an expert programmer. Answer with correct, idiomatic code in fenced blocks and brief explanations. Say so when you are unsure an API exists.",
        Temperature: 0.2f, TopP: 0.9f, UsesMemory: true, SearchUse.WhenAsked);

    public static readonly ChatMode Agent = new(
        "agent",
        "You are Edison, an assistant that finds things out and carries out tasks. Plan the steps, use the search results given to you, cite their sources by title, and say plainly what you could not find or do.",
        Temperature: 0.4f, TopP: 0.9f, UsesMemory: true, SearchUse.Always);

    public static readonly ChatMode Work = new(
        "work",
        "You are Edison, a professional assistant for plans, documents and messages. Write in a clear, structured, ready-to-use form.",
        Temperature: 0.6f, TopP: 0.95f, UsesMemory: true, SearchUse.WhenAsked);

    public static readonly ChatMode Reasoning = new(
        "reasoning",
        "You are Edison. Think the problem through step by step, check each step, then give the final answer on its own line.",
        Temperature: 0.3f, TopP: 0.9f, UsesMemory: false, SearchUse.WhenAsked)
    {
        // A model that thinks works the steps out in its thinking: the mode asks it to think, not to write steps.
        ThinkingSystemPrompt = "You are Edison. Check your reasoning before you answer, then give the final answer on its own line.",
    };

    public static IReadOnlyList<ChatMode> All { get; } = [Chat, Code, Agent, Work, Reasoning];

    /// <summary>Every name a client may send, including "auto".</summary>
    public static string ValidNames { get; } = string.Join(", ", All.Select(m => m.Name).Prepend(Auto));

    /// <summary>No mode, or "auto": Edison detects the mode from the message.</summary>
    public static bool IsAuto(string? name) =>
        string.IsNullOrWhiteSpace(name) || string.Equals(name, Auto, StringComparison.OrdinalIgnoreCase);

    /// <summary>Finds a named mode; null for an unknown name (and for "auto", which is not a mode of its own).</summary>
    public static ChatMode? Find(string? name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
}
