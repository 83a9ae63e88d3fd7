using Edison.Core.Gguf;

namespace Edison.Core.Inference.Models;

/// <summary>The model Edison generates and serves when no GGUF is configured, so it runs on a fresh machine.</summary>
public static class DemoModel
{
    public const string Name = "edison-demo";

    /// <summary>What the demo model is, in a line.</summary>
    public const string Summary = "Edison is running its built-in demo model, which can only say one thing.";

    /// <summary>How to load a GGUF file of one's own instead.</summary>
    public const string Instructions =
        "To chat for real, set Edison:Model:Path in appsettings.json (or the environment variable Edison__Model__Path) " +
        "to a GGUF file and restart.";

    public const string Hint = Summary + " " + Instructions;

    /// <summary>Writes the demo model into the data folder (it is small and quick to write) and returns its path.</summary>
    public static string WriteTo(string dataPath)
    {
        var path = Path.Combine(dataPath, "models", Name + ".gguf");
        ScriptedModelWriter.Write(Spec, path);
        return path;
    }

    public static ScriptedModelSpec Spec { get; } = new(
        Name,
        "Hello 👋 I am Edison's built-in demo model: a tiny network that can only say this message. " +
        "To chat for real, point Edison at a GGUF model file. Set Edison:Model:Path in appsettings.json, " +
        "or the environment variable Edison__Model__Path, then restart Edison.",
        ChatTemplate: ChatMl.Template,
        ControlTokens: ChatMl.Tokens);
}
