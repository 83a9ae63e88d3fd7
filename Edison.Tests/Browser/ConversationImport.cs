using System.Text.Json;
using Microsoft.Playwright;

namespace Edison.Tests.Browser;

/// <summary>Conversations a browser test starts from, imported through the API of the Edison the page is on.</summary>
public static class ConversationImport
{
    /// <summary>Imports questions and answers (an OpenAI-style <c>messages</c> array) as a new conversation; its id.</summary>
    public static async Task<string> ImportAsync(this IPage page, params (string Role, string Content)[] messages)
    {
        var imported = await page.APIRequest.PostAsync("/api/conversations/import", new APIRequestContextOptions
        {
            DataObject = new { messages = messages.Select(m => new { role = m.Role, content = m.Content }).ToArray() },
        });
        Assert.Equal(201, imported.Status);
        return JsonDocument.Parse(await imported.TextAsync()).RootElement.GetProperty("conversation_id").GetString()!;
    }
}
