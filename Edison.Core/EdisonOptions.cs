namespace Edison.Core;

/// <summary>Settings directly under <c>Edison</c>.</summary>
public sealed class EdisonOptions
{
    public const string Section = "Edison";

    /// <summary>Where Edison keeps its database and the generated demo model.</summary>
    public string DataPath { get; set; } = System.IO.Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "Edison");
}
