using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using Edison.Tests.TestSupport;

namespace Edison.Tests.Features.Resuming;

/// <summary>Edison killed (<c>kill -9</c>) while a person reads an answer: after a restart the answer is there as far as they saw it.</summary>
public sealed class KilledMidAnswerTests
{
    [Fact]
    public async Task Edison_killed_mid_answer_keeps_what_the_client_saw_marked_interrupted()
    {
        var data = Directory.CreateTempSubdirectory("edison-test-data-").FullName;
        try
        {
            var settings = new Dictionary<string, string>
            {
                ["Edison__Model__Path"] = TestModels.Endless,
                ["Edison__Model__ContextSize"] = "8192",
                ["Edison__Model__Threads"] = "2",
                ["Edison__DataPath"] = data,
            };
            var id = Guid.NewGuid();
            string seenBeforeAMoment;
            await using (var edison = await EdisonServerProcess.StartAsync(settings))
            {
                var response = await edison.Client.SendAsync(
                    new HttpRequestMessage(HttpMethod.Post, "/chat/stream") { Content = Sse.Json(new { message = "go", conversation_id = id, max_tokens = 8000, resumable = true }) },
                    HttpCompletionOption.ResponseHeadersRead);
                var seen = new StringBuilder();
                await using var events = SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync().GetAsyncEnumerator();
                while (seen.Length < 600 && await events.MoveNextAsync())
                {
                    seen.Append(events.Current.EventType == "token" ? Sse.TokenText(events.Current) : string.Empty);
                }

                // The person reads on for a moment; then the process dies without a chance to store anything more.
                seenBeforeAMoment = seen.ToString();
                var reading = Task.Delay(TimeSpan.FromSeconds(1));
                while (!reading.IsCompleted && await events.MoveNextAsync())
                {
                }
            }

            await using var restarted = await EdisonServerProcess.StartAsync(settings);
            var stored = await restarted.Client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
            var answer = stored.GetProperty("messages")[1];

            Assert.Equal("go", stored.GetProperty("messages")[0].GetProperty("content").GetString());
            Assert.Equal("failed", answer.GetProperty("state").GetString());
            Assert.Equal("Edison stopped while this answer was being written.", answer.GetProperty("error").GetString());
            Assert.StartsWith(seenBeforeAMoment, answer.GetProperty("content").GetString());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }
}
