using Edison.Core.Context;
using Edison.Core.Inference.Models;
using Edison.Core.Modes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Edison.Core.Search;

/// <summary>
/// Decides whether a message gets a web search (its mode always searches, or it asks for something to be looked
/// up or for fresh facts), runs it within the timeout, and writes the top results into a prompt section. A search
/// that fails or times out never fails the chat: the answer goes on without it, with a notice saying so.
/// </summary>
public sealed class WebSearch(ISearchProvider provider, ModeDetector detector, IOptions<SearchOptions> options, ILogger<WebSearch> logger)
{
    private const int SnippetCharacters = 300;

    public bool Wants(ChatMode mode, string message) =>
        provider.IsConfigured && (mode.Search == SearchUse.Always || detector.WantsWebSearch(message));

    public async Task<WebSearchOutcome> SearchAsync(IChatModel model, string message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        IReadOnlyList<SearchResult> results;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(settings.Timeout);
            try
            {
                results = await provider.SearchAsync(message, settings.MaxResults, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Web search timed out after {Timeout}", settings.Timeout);
                return WebSearchOutcome.Failed($"Web search did not answer within {settings.Timeout.TotalSeconds:0.#} s; this answer was written without it.");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Web search failed");
                return WebSearchOutcome.Failed("Web search failed; this answer was written without it.");
            }
        }

        if (results.Count == 0)
        {
            return WebSearchOutcome.Failed("Web search found nothing; this answer was written without it.");
        }

        var section = PromptSection.Fit(
            model,
            "Web search results (cite the ones you use by title):",
            results,
            settings.TokenBudget,
            settings.MaxResults,
            (result, taken) =>
            {
                var snippet = Snippet.Of(result.Snippet, SnippetCharacters);
                return ($"[{taken + 1}] {result.Title} ({result.Url}): {snippet}", ChatSource.Web(result.Title, result.Url, snippet));
            });
        return section is null
            ? WebSearchOutcome.Failed("Web search results did not fit in the prompt; this answer was written without them.")
            : new WebSearchOutcome(section, null);
    }
}

/// <summary>What a search added to the prompt, or the notice saying why nothing was.</summary>
public sealed record WebSearchOutcome(PromptSection? Section, string? Notice)
{
    /// <summary>The prompt also says the search failed, so the model does not pretend to have fresh facts.</summary>
    public static WebSearchOutcome Failed(string notice) =>
        new(new PromptSection("Web search was attempted but is unavailable for this message: do not claim to have current information.\n", []), notice);
}
