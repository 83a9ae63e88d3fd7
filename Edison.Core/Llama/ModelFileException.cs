namespace Edison.Core.Llama;

/// <summary>The configured model file cannot be used; the message names the file and the problem in one line.</summary>
public sealed class ModelFileException(string path, string problem)
    : Exception($"Edison:Model:Path \"{path}\": {problem}")
{
    public string ModelPath { get; } = path;
}
