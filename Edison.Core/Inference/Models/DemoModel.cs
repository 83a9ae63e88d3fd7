using Edison.Core.Gguf;

namespace Edison.Core.Inference.Models;

/// <summary>The model Edison generates and serves when no GGUF is configured, so it runs on a fresh machine.</summary>
public static class DemoModel
{
    public const string Name = "edison-demo";

    public const string Hint =
        "Edison is running its built-in demo model, which can only say one thing. To chat for real, set " +
        "Edison:Model:Path in appsettings.json (or the environment variable Edison__Model__Path) to a GGUF file and restart.";

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
