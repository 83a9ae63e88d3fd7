using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Edison.Tests.TestSupport;
using OpenAI;
using OpenAI.Chat;

namespace Edison.Tests.Features.Tools;

/// <summary>
/// OpenAI's function-calling flow, with the official .NET SDK unchanged, against the local model: the tools offered, the
/// model's call read out of its text (never returned as text), streamed as OpenAI streams calls, and the call's result
/// sent back in the history.
/// </summary>
public sealed class FunctionCallingTests(FunctionCallingTests.Host host) : IClassFixture<FunctionCallingTests.Host>
{
    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool(
        "get_weather",
        "The weather now in a city.",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}"""));

    private static readonly ChatTool Time = ChatTool.CreateFunctionTool(
        "get_time",
        "The time now in a city.",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private readonly ChatClient _chat = new(
        "tool-calling",
        new ApiKeyCredential("not-checked-on-loopback"),
        new OpenAIClientOptions { Endpoint = new Uri(host.Client.BaseAddress!, "/v1"), Transport = new HttpClientPipelineTransport(host.Client) });

    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.ToolCalling));

    [Fact]
    public async Task The_model_s_call_comes_back_as_a_tool_call_with_its_arguments_as_JSON()
    {
        ChatCompletion completion = await _chat.CompleteChatAsync(
            [new UserChatMessage("What is the weather in Paris?")],
            new ChatCompletionOptions { Tools = { Weather, Time }, Temperature = 0 });

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.StartsWith("call_", call.Id);
        using var arguments = JsonDocument.Parse(call.FunctionArguments);
        Assert.Equal("Paris", arguments.RootElement.GetProperty("city").GetString());
        Assert.Equal("celsius", arguments.RootElement.GetProperty("unit").GetString());
        Assert.DoesNotContain(completion.Content, part => part.Text?.Contains("tool_call", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_streamed_call_arrives_as_OpenAI_streams_one_name_first_then_its_arguments()
    {
        var text = new StringBuilder();
        var arguments = new StringBuilder();
        var updates = new List<StreamingChatToolCallUpdate>();
        ChatFinishReason? finish = null;
        await foreach (var update in _chat.CompleteChatStreamingAsync(
            [new UserChatMessage("What is the weather in Paris?")],
            new ChatCompletionOptions { Tools = { Weather }, Temperature = 0 }))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(part => part.Text)));
            updates.AddRange(update.ToolCallUpdates);
            arguments.Append(string.Concat(update.ToolCallUpdates.Select(call => call.FunctionArgumentsUpdate?.ToString())));
            finish ??= update.FinishReason;
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal("", text.ToString());
        Assert.All(updates, update => Assert.Equal(0, update.Index));
        Assert.Equal("get_weather", updates[0].FunctionName);
        Assert.StartsWith("call_", updates[0].ToolCallId);
        using var parsed = JsonDocument.Parse(arguments.ToString());
        Assert.Equal("Paris", parsed.RootElement.GetProperty("city").GetString());
    }

    [Fact]
    public async Task The_call_s_result_goes_back_in_the_history_and_the_model_answers_on()
    {
        ChatCompletion first = await _chat.CompleteChatAsync(
            [new SystemChatMessage("You answer questions on the weather."), new UserChatMessage("What is the weather in Paris?")],
            new ChatCompletionOptions { Tools = { Weather }, Temperature = 0 });
        var call = Assert.Single(first.ToolCalls);

        ChatCompletion second = await _chat.CompleteChatAsync(
            [
                new SystemChatMessage("You answer questions on the weather."),
                new UserChatMessage("What is the weather in Paris?"),
                new AssistantChatMessage(first.ToolCalls),
                new ToolChatMessage(call.Id, """{"temperature": 21, "sky": "clear"}"""),
            ],
            new ChatCompletionOptions { Tools = { Weather }, Temperature = 0 });

        // The scripted model calls again whatever it reads; what matters is that the history was taken as OpenAI's.
        Assert.Equal(ChatFinishReason.ToolCalls, second.FinishReason);
        Assert.True(second.Usage.InputTokenCount > first.Usage.InputTokenCount, $"the second prompt holds the call and its result: {first.Usage.InputTokenCount} then {second.Usage.InputTokenCount} tokens");
    }

    [Theory]
    [InlineData("""{"role":"tool","tool_call_id":"call_unknown","content":"21"}""", "call_unknown")]
    [InlineData("""{"role":"tool","content":"21"}""", "tool_call_id")]
    [InlineData("""{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{not json"}}]}""", "arguments")]
    [InlineData("""{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{}"}},{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"21"}""", "same id")]
    public async Task A_tool_history_OpenAI_would_refuse_is_a_clear_400(string message, string named)
    {
        var body = """{"messages":[{"role":"user","content":"Weather?"},""" + message
            + """],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}""";
        var response = await host.Client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Contains(named, error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    /// <summary>Schemas whose bounds a grammar cannot spell (llama.cpp failed to parse them, and the process died) or that contradict themselves.</summary>
    [Theory]
    [InlineData("""{"type":"string","maxLength":5000}""")]
    [InlineData("""{"type":"string","minLength":100000}""")]
    [InlineData("""{"type":"string","minLength":10,"maxLength":2}""")]
    [InlineData("""{"type":"array","items":{"type":"integer"},"minItems":3000}""")]
    [InlineData("""{"type":"array","items":{"type":"integer"},"maxItems":1999}""")]
    public async Task A_schema_with_bounds_no_grammar_can_hold_still_gets_its_call_and_Edison_stays_up(string city)
    {
        var body = """{"max_tokens":200,"temperature":0,"tool_choice":"required","messages":[{"role":"user","content":"Weather?"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":"""
            + city + """},"required":["city"]}}}]}""";

        var response = await host.Client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task A_function_whose_arguments_are_not_an_object_is_a_clear_400()
    {
        var body = """{"messages":[{"role":"user","content":"Weather?"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"string"}}}]}""";

        var response = await host.Client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("of type \"object\"", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("""{"type":"function","function":{"name":"get_time"}}""", "get_time")]
    [InlineData("\"required\"", "tools")]
    public async Task A_tool_choice_that_names_nothing_offered_is_a_clear_400(string choice, string named)
    {
        var tools = named == "tools" ? "" : ""","tools":[{"type":"function","function":{"name":"get_weather"}}]""";
        var body = """{"messages":[{"role":"user","content":"Weather?"}],"tool_choice":""" + choice + tools + "}";
        var response = await host.Client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString());
    }
}

/// <summary>Llama 3.x's calls (the whole answer is the call's JSON) through OpenAI's function calling, with the official SDK.</summary>
public sealed class Llama3FunctionCallingTests(Llama3FunctionCallingTests.Host host) : IClassFixture<Llama3FunctionCallingTests.Host>
{
    private readonly ChatClient _chat = new(
        "llama3-tool-calling",
        new ApiKeyCredential("not-checked-on-loopback"),
        new OpenAIClientOptions { Endpoint = new Uri(host.Client.BaseAddress!, "/v1"), Transport = new HttpClientPipelineTransport(host.Client) });

    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Llama3ToolCalling, contextSize: 4096));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_answer_s_JSON_comes_back_as_a_tool_call(bool required)
    {
        var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("get_weather", "The weather now.", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}},"required":["city"]}""")) }, Temperature = 0 };
        options.ToolChoice = required ? ChatToolChoice.CreateRequiredChoice() : ChatToolChoice.CreateAutoChoice();
        ChatCompletion completion = await _chat.CompleteChatAsync([new SystemChatMessage("You help."), new UserChatMessage("What is the weather in Paris?")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("Paris", JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("city").GetString());
        Assert.Empty(completion.Content);
    }
}

/// <summary>Llama 3.1's calls after its <c>&lt;|python_tag|&gt;</c>: a call as any other, held to its schema.</summary>
public sealed class Llama3PythonTagTests(Llama3PythonTagTests.Host host) : IClassFixture<Llama3PythonTagTests.Host>
{
    private readonly ChatClient _chat = new(
        "llama3-python-tag-tool-calling",
        new ApiKeyCredential("not-checked-on-loopback"),
        new OpenAIClientOptions { Endpoint = new Uri(host.Client.BaseAddress!, "/v1"), Transport = new HttpClientPipelineTransport(host.Client) });

    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.Llama3PythonTagToolCalling, contextSize: 4096));

    [Fact]
    public async Task A_call_after_the_python_tag_is_a_call_whose_arguments_fit_the_schema()
    {
        // The model calls for Paris; the schema allows two other cities only.
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "The weather now.", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string","enum":["Lyon","Nice"]}},"required":["city"]}""")) },
            Temperature = 0,
        };

        ChatCompletion completion = await _chat.CompleteChatAsync([new UserChatMessage("What is the weather in Paris?")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Contains(JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("city").GetString(), new[] { "Lyon", "Nice" });
        Assert.Empty(completion.Content);
    }
}

/// <summary>
/// A model family's calls through OpenAI's function calling, with the official SDK: the call comes back as a call, none
/// of the family's markup as text, and its result is read back in the family's own format.
/// </summary>
public abstract class ToolCallingFamilyTests(HttpClient client, string model)
{
    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool(
        "get_weather", "The weather now.", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}"""));

    protected ChatClient Chat { get; } = new(
        model,
        new ApiKeyCredential("not-checked-on-loopback"),
        new OpenAIClientOptions { Endpoint = new Uri(client.BaseAddress!, "/v1"), Transport = new HttpClientPipelineTransport(client) });

    /// <summary>What the model writes as text before its call when it may answer in text.</summary>
    protected abstract string TextBeforeCall { get; }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_model_s_call_comes_back_as_a_tool_call_and_none_of_its_markup_as_text(bool required)
    {
        var options = new ChatCompletionOptions { Tools = { Weather }, Temperature = 0 };
        options.ToolChoice = required ? ChatToolChoice.CreateRequiredChoice() : ChatToolChoice.CreateAutoChoice();
        ChatCompletion completion = await Chat.CompleteChatAsync([new SystemChatMessage("You help."), new UserChatMessage("What is the weather in Paris?")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        using var arguments = JsonDocument.Parse(call.FunctionArguments);
        Assert.Equal("Paris", arguments.RootElement.GetProperty("city").GetString());
        Assert.Equal("celsius", arguments.RootElement.GetProperty("unit").GetString());
        Assert.Equal(required ? "" : TextBeforeCall, string.Concat(completion.Content.Select(part => part.Text)).Trim());
    }

    [Fact]
    public async Task The_result_goes_back_in_the_history_and_the_model_reads_it()
    {
        var options = new ChatCompletionOptions { Tools = { Weather }, Temperature = 0 };
        ChatCompletion first = await Chat.CompleteChatAsync([new UserChatMessage("What is the weather in Paris?")], options);
        var call = Assert.Single(first.ToolCalls);

        ChatCompletion second = await Chat.CompleteChatAsync(
            [new UserChatMessage("What is the weather in Paris?"), new AssistantChatMessage(first.ToolCalls), new ToolChatMessage(call.Id, """{"temperature": 21}""")],
            options);

        // The scripted model calls again whatever it reads; what matters is that the history was taken in the family's format.
        Assert.Equal(ChatFinishReason.ToolCalls, second.FinishReason);
        Assert.True(second.Usage.InputTokenCount > first.Usage.InputTokenCount + 10, $"the second prompt holds the call and its result: {first.Usage.InputTokenCount} then {second.Usage.InputTokenCount} tokens");
    }
}

/// <summary>Mistral's calls: a JSON array after the control token <c>[TOOL_CALLS]</c>, which no text shows.</summary>
public sealed class MistralFunctionCallingTests(MistralFunctionCallingTests.Host host)
    : ToolCallingFamilyTests(host.Client, "mistral-tool-calling"), IClassFixture<MistralFunctionCallingTests.Host>
{
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.MistralToolCalling, contextSize: 4096));

    protected override string TextBeforeCall => "Let me look.";

    [Fact]
    public async Task Without_tools_the_control_token_shows_nothing()
    {
        ChatCompletion completion = await Chat.CompleteChatAsync([new UserChatMessage("What is the weather in Paris?")], new ChatCompletionOptions { Temperature = 0 });

        // Its call has nothing to call: neither it nor its markup is the answer.
        Assert.Equal("Let me look.", string.Concat(completion.Content.Select(part => part.Text)).Trim());
        Assert.Empty(completion.ToolCalls);
    }
}

/// <summary>gpt-oss's calls: a commentary-channel message addressed to a function, after its thinking.</summary>
public sealed class HarmonyFunctionCallingTests(HarmonyFunctionCallingTests.Host host)
    : ToolCallingFamilyTests(host.Client, "harmony-tool-calling"), IClassFixture<HarmonyFunctionCallingTests.Host>
{
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.HarmonyToolCalling, contextSize: 4096));

    protected override string TextBeforeCall => "";

    [Fact]
    public async Task The_thinking_before_the_call_is_reasoning_and_the_call_streams_as_a_call()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model = "harmony-tool-calling",
                stream = true,
                temperature = 0,
                messages = new[] { new { role = "user", content = "What is the weather in Paris?" } },
                tools = new[] { new { type = "function", function = new { name = "get_weather", parameters = new { type = "object", properties = new { city = new { type = "string" }, unit = new { type = "string" } } } } } },
            }),
        };
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync();

        var chunks = body.Split('\n').Where(line => line.StartsWith("data: {", StringComparison.Ordinal))
            .Select(line => JsonDocument.Parse(line["data: ".Length..]).RootElement.GetProperty("choices")[0]).ToList();
        var reasoning = string.Concat(chunks.Select(c => c.GetProperty("delta").TryGetProperty("reasoning_content", out var r) ? r.GetString() : ""));
        var content = string.Concat(chunks.Select(c => c.GetProperty("delta").TryGetProperty("content", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : ""));
        Assert.Equal(TestModels.ToolThought, reasoning.Trim());
        Assert.Equal("", content);
        Assert.Contains(chunks, c => c.GetProperty("delta").TryGetProperty("tool_calls", out var calls) && calls[0].GetProperty("function").TryGetProperty("name", out var name) && name.GetString() == "get_weather");
        Assert.Equal("tool_calls", chunks.Last(c => c.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String).GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task A_call_of_a_function_not_offered_is_no_call_and_its_markup_is_no_answer()
    {
        // Arguments like the model's, under another name: harmony's grammar starts after the name, at <|constrain|>.
        var time = ChatTool.CreateFunctionTool("get_time", "The time now.", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}}}"""));

        ChatCompletion offeredOther = await Chat.CompleteChatAsync([new UserChatMessage("What is the weather in Paris?")], new ChatCompletionOptions { Tools = { time }, Temperature = 0 });
        ChatCompletion offeredNone = await Chat.CompleteChatAsync([new UserChatMessage("What is the weather in Paris?")], new ChatCompletionOptions { Temperature = 0 });

        Assert.All([offeredOther, offeredNone], completion =>
        {
            Assert.Empty(completion.ToolCalls);
            Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
            Assert.Equal("", string.Concat(completion.Content.Select(part => part.Text)));
        });
    }
}

/// <summary>gpt-oss's preamble: what it tells the person in its commentary channel before a call is answer text.</summary>
public sealed class HarmonyPreambleTests(HarmonyPreambleTests.Host host) : IClassFixture<HarmonyPreambleTests.Host>
{
    public sealed class Host() : SharedEdison(new EdisonFactory(TestModels.HarmonyPreambleToolCalling, contextSize: 4096));

    [Fact]
    public async Task The_preamble_is_the_answer_s_text_and_the_call_after_it_a_call()
    {
        var chat = new ChatClient(
            "harmony-preamble-tool-calling",
            new ApiKeyCredential("not-checked-on-loopback"),
            new OpenAIClientOptions { Endpoint = new Uri(host.Client.BaseAddress!, "/v1"), Transport = new HttpClientPipelineTransport(host.Client) });
        var weather = ChatTool.CreateFunctionTool("get_weather", "The weather now.", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("What is the weather in Paris?")], new ChatCompletionOptions { Tools = { weather }, Temperature = 0 });

        Assert.Equal("Let me check the sky.", string.Concat(completion.Content.Select(part => part.Text)).Trim());
        Assert.Equal("get_weather", Assert.Single(completion.ToolCalls).FunctionName);
    }
}
