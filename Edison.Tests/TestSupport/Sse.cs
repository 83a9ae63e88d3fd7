using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

namespace Edison.Tests.TestSupport;

/// <summary>Reads Edison's SSE stream the way a client would: with the framework's own SSE parser.</summary>
public static class Sse
{
    public static async Task<List<SseItem<string>>> ParseAsync(Stream stream)
    {
        var items = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(stream).EnumerateAsync())
        {
            items.Add(item);
        }

        return items;
    }

    public static StringContent Json(object body) =>
        new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public static string TokenText(SseItem<string> item) =>
        JsonDocument.Parse(item.Data).RootElement.GetProperty("t").GetString()!;

    public static JsonElement Data(SseItem<string> item) => JsonDocument.Parse(item.Data).RootElement.Clone();
}
