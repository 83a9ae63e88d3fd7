using System.Text;
using Edison.Core.Inference.Models;

namespace Edison.Core.Context;

/// <summary>Text put into a prompt with the new message (memories, web results), and the sources it was written from.</summary>
public sealed record PromptSection(string Text, IReadOnlyList<ChatSource> Sources)
{
    /// <summary>
    /// A heading and as many items as fit the token budget, in order (one that does not fit is skipped, a shorter one
    /// after it may still go in), at most <paramref name="maxItems"/>; null when none fits.
    /// </summary>
    /// <param name="describe">An item's line in the prompt and its source; gets the number of items taken so far.</param>
    public static PromptSection? Fit<T>(
        IChatModel model,
        string heading,
        IEnumerable<T> items,
        int tokenBudget,
        int maxItems,
        Func<T, int, (string Line, ChatSource Source)> describe)
    {
        var text = new StringBuilder(heading).Append('\n');
        int tokens = model.CountTokens(text.ToString());
        var sources = new List<ChatSource>();
        foreach (var item in items)
        {
            var (line, source) = describe(item, sources.Count);
            int lineTokens = model.CountTokens(line + "\n");
            if (tokens + lineTokens > tokenBudget)
            {
                continue;
            }

            text.Append(line).Append('\n');
            tokens += lineTokens;
            sources.Add(source);
            if (sources.Count == maxItems)
            {
                break;
            }
        }

        return sources.Count == 0 ? null : new PromptSection(text.ToString(), sources);
    }
}
