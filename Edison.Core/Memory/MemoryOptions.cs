using System.ComponentModel.DataAnnotations;

namespace Edison.Core.Memory;

/// <summary>Settings under <c>Edison:Memory</c>: how much of earlier conversations goes into a prompt.</summary>
public sealed class MemoryOptions
{
    public const string Section = "Edison:Memory";

    public bool Enabled { get; set; } = true;

    [Range(1, 20)]
    public int MaxResults { get; set; } = 3;

    /// <summary>Prompt tokens the remembered exchanges may take together.</summary>
    [Range(16, 1 << 16)]
    public int TokenBudget { get; set; } = 384;
}
