namespace Edison.Core.Chat;

/// <summary>A way of answering: its name on the wire and the system prompt that sets it up.</summary>
public sealed record ChatMode(string Name, string SystemPrompt)
{
    public const string Auto = "auto";

    public static readonly ChatMode Chat = new("chat", "You are Edison, a helpful assistant. Answer clearly and concisely.");

    public static readonly ChatMode Code = new("code", "You are Edison, an expert programmer. Answer with correct, idiomatic code and brief explanations.");

    public static readonly ChatMode Agent = new("agent", "You are Edison, an assistant that plans and carries out tasks step by step.");

    public static readonly ChatMode Work = new("work", "You are Edison, a professional assistant for plans, documents and messages.");

    public static readonly ChatMode Reasoning = new("reasoning", "You are Edison. Think the problem through step by step before giving the answer.");

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
