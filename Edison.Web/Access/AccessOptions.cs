using System.ComponentModel.DataAnnotations;

namespace Edison.Web.Access;

/// <summary><c>Edison:ApiKeys</c>: the keys API clients (and remote browsers, through the sign-in page) must present.</summary>
public sealed class AccessOptions
{
    public const string Section = "Edison";

    public string[] ApiKeys { get; set; } = [];
}

/// <summary><c>Edison:RateLimit</c>: generation requests allowed per API key (or client address without keys).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Edison:RateLimit";

    /// <summary>0 turns the limit off.</summary>
    [Range(0, 1_000_000)]
    public int PermitsPerMinute { get; set; } = 60;
}

/// <summary><c>Edison:Cors</c>: browser origins allowed to call the chat and OpenAI endpoints from their own pages.</summary>
public sealed class CorsOriginOptions
{
    public const string Section = "Edison:Cors";

    public string[] Origins { get; set; } = [];
}
