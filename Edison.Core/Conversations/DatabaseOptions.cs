namespace Edison.Core.Conversations;

/// <summary>Settings under <c>Edison:Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Edison:Database";
    public const string Sqlite = "Sqlite";

    public string Provider { get; set; } = Sqlite;

    /// <summary>Empty means the file edison.db in Edison's data folder.</summary>
    public string? ConnectionString { get; set; }
}
