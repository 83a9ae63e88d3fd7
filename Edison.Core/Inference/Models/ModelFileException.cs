namespace Edison.Core.Inference.Models;

/// <summary>The configured model file cannot be used; the message names the file and the problem in one line.</summary>
/// <param name="setting">The setting that named the file.</param>
public sealed class ModelFileException(string path, string problem, string setting = ModelFileException.ModelPathSetting)
    : Exception($"{setting} \"{path}\": {problem}")
{
    public const string ModelPathSetting = "Edison:Model:Path";
    public const string ProjectorPathSetting = "Edison:Model:MultimodalProjectorPath";

    public string ModelPath { get; } = path;
}
