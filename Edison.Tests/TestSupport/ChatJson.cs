using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Edison.Tests.TestSupport;

/// <summary><c>POST /chat</c> that must succeed: the answer's JSON.</summary>
public static class ChatJson
{
    public static async Task<JsonElement> PostAsync(HttpClient client, object body)
    {
        var response = await client.PostAsync("/chat", Sse.Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("ok").GetBoolean(), answer.ToString());
        return answer;
    }
}
