using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Edison.Core.Inference.Models;

/// <summary>
/// The model chosen by a download (<c>pull</c> or the page), kept in <c>{DataPath}/model.json</c>, so the next start
/// loads it without a setting. <c>Edison:Model:Path</c>, when set, still wins.
/// </summary>
public sealed class ModelSelection(IOptions<EdisonOptions> edison)
{
    private string FilePath => Path.Combine(edison.Value.DataPath, "model.json");

    public string? SelectedPath
    {
        get
        {
            try
            {
                return File.Exists(FilePath) ? JsonSerializer.Deserialize<Selected>(File.ReadAllText(FilePath))?.Path : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    public void Select(string modelPath)
    {
        Directory.CreateDirectory(edison.Value.DataPath);
        var temporary = FilePath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new Selected(Path.GetFullPath(modelPath))));
        File.Move(temporary, FilePath, overwrite: true);
    }

    private sealed record Selected(string Path);
}
