namespace Edison.Core.ModelFiles;

/// <summary>Settings under <c>Edison:Downloads</c>: where downloaded models come from and go.</summary>
public sealed class DownloadOptions
{
    public const string Section = "Edison:Downloads";

    /// <summary>The Hugging Face hub (or a mirror with the same <c>/{repo}/resolve/main/{file}</c> layout).</summary>
    public string HubUrl { get; set; } = "https://huggingface.co";

    /// <summary>Where downloads go; empty means <c>{DataPath}/models</c>.</summary>
    public string? Folder { get; set; }
}
