using System.ComponentModel;
using System.Globalization;
using Edison.Core.Conversations;
using Edison.Core.Search;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Edison.Core.Tools;

/// <summary>
/// The tools Edison itself offers a model that can call tools: <c>web_search</c> (when a search provider is
/// configured), <c>fetch_url</c>, <c>calculator</c> and <c>search_conversations</c>. None changes anything, so none asks
/// the person first.
/// </summary>
public sealed class BuiltInTools(ISearchProvider search, IOptions<SearchOptions> searchOptions, UrlFetcher pages, IConversationStore conversations)
{
    public const string WebSearchName = "web_search";

    public IReadOnlyList<AIFunction> All() =>
    [
        .. search.IsConfigured
            ? [AIFunctionFactory.Create(WebSearchAsync, WebSearchName, "Searches the web. Returns the top results: title, URL and a snippet each. Use it for facts that may be recent or that you are unsure of.")]
            : Array.Empty<AIFunction>(),
        AIFunctionFactory.Create(FetchUrlAsync, "fetch_url", "Fetches a web page (http or https) and returns its text. Use it to read a page a search found or the person gave."),
        AIFunctionFactory.Create(Calculate, "calculator", "Evaluates an arithmetic expression exactly: + - * / % ^ and parentheses, with numbers of any size. Use it for any arithmetic instead of working it out yourself."),
        AIFunctionFactory.Create(SearchConversationsAsync, "search_conversations", "Searches the person's earlier conversations with you for words. Returns the matching conversations: title, date and a snippet each."),
    ];

    private async Task<string> WebSearchAsync([Description("What to search for.")] string query, CancellationToken cancellationToken)
    {
        var settings = searchOptions.Value;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.Timeout);
        try
        {
            var results = await search.SearchAsync(query, settings.MaxResults, deadline.Token);
            return results.Count == 0
                ? $"No results for \"{query}\"."
                : string.Join("\n", results.Select((r, i) => $"{i + 1}. {r.Title} ({r.Url}): {r.Snippet}"));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ToolFailedException($"The web search did not answer within {settings.Timeout.TotalSeconds:0.#} s.");
        }
    }

    private Task<string> FetchUrlAsync([Description("The page's http or https URL.")] string url, CancellationToken cancellationToken) =>
        pages.FetchAsync(url, cancellationToken);

    private static string Calculate([Description("The expression, such as (1.5 + 2) * 3^4 / 7.")] string expression) =>
        Calculator.Evaluate(expression);

    private async Task<string> SearchConversationsAsync([Description("The words to look for.")] string query, CancellationToken cancellationToken)
    {
        var hits = await conversations.SearchTextAsync(query, cancellationToken);
        return hits is not { Count: > 0 }
            ? $"No conversation holds \"{query}\"."
            : string.Join("\n", hits.Take(10).Select(hit => $"- {hit.Title} ({hit.Updated.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}): {hit.Snippet}"));
    }
}
