using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edison.Web.OpenAi;

// OpenAI's chat completions API, in its exact shapes (https://platform.openai.com/docs/api-reference/chat).

public sealed record OpenAiChatRequest(
    string? Model,
    IReadOnlyList<OpenAiMessage>? Messages,
    bool? Stream = null,
    OpenAiStreamOptions? StreamOptions = null,
    int? MaxTokens = null,
    int? MaxCompletionTokens = null,
    float? Temperature = null,
    float? TopP = null,
    JsonElement? Stop = null,
    int? N = null,
    uint? Seed = null,
    string? ReasoningEffort = null,
    bool? Think = null,
    int? MaxReasoningTokens = null,
    IReadOnlyList<OpenAiTool?>? Tools = null,
    JsonElement? ToolChoice = null,
    bool? ParallelToolCalls = null);

/// <param name="Content">A string, or a list of parts: <c>{"type":"text","text":...}</c> and <c>{"type":"image_url","image_url":{"url":...}}</c>.</param>
/// <param name="ToolCalls">The calls an assistant message made.</param>
/// <param name="ToolCallId">For a tool message: the call it is the result of.</param>
public sealed record OpenAiMessage(string? Role, JsonElement? Content, IReadOnlyList<OpenAiToolCall?>? ToolCalls = null, string? ToolCallId = null);

/// <summary>A function offered to the model: <c>{"type":"function","function":{"name","description","parameters"}}</c>.</summary>
public sealed record OpenAiTool(string? Type, OpenAiFunction? Function);

/// <param name="Parameters">The JSON schema of the function's arguments.</param>
public sealed record OpenAiFunction(string? Name, string? Description = null, JsonElement? Parameters = null, bool? Strict = null);

/// <summary>A call the model made: its id, <c>"function"</c>, and the function's name and arguments (a JSON object, as a string).</summary>
public sealed record OpenAiToolCall(string? Id, string? Type, OpenAiFunctionCall? Function);

public sealed record OpenAiFunctionCall(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    string? Arguments);

/// <summary>A piece of a streamed call: the first names it (index, id, type, name), the next carry its arguments.</summary>
public sealed record OpenAiToolCallDelta(
    int Index,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type,
    OpenAiFunctionCall Function);

public sealed record OpenAiStreamOptions(bool? IncludeUsage);

public sealed record OpenAiCompletion(string Id, long Created, string Model, IReadOnlyList<OpenAiChoice> Choices, OpenAiUsage Usage)
{
    public string Object => "chat.completion";
}

public sealed record OpenAiChoice(int Index, OpenAiResponseMessage Message, string FinishReason);

/// <param name="Content">The answer's text; null when the model only called tools, as OpenAI writes it.</param>
public sealed record OpenAiResponseMessage(
    string Role,
    string? Content,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReasoningContent = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<OpenAiToolCall>? ToolCalls = null);

public sealed record OpenAiUsage(
    int PromptTokens,
    int CompletionTokens,
    int TotalTokens,
    OpenAiPromptTokensDetails PromptTokensDetails,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OpenAiCompletionTokensDetails? CompletionTokensDetails = null);

/// <param name="ReasoningTokens">Of the completion tokens, those a thinking model thought in.</param>
public sealed record OpenAiCompletionTokensDetails(int ReasoningTokens);

/// <param name="CachedTokens">Prompt tokens Edison's prompt cache already held, as OpenAI reports its own cache.</param>
public sealed record OpenAiPromptTokensDetails(int CachedTokens);

public sealed record OpenAiChunk(string Id, long Created, string Model, IReadOnlyList<OpenAiChunkChoice> Choices, OpenAiUsage? Usage = null)
{
    public string Object => "chat.completion.chunk";

    // OpenAI omits usage from chunks unless the client asked for it.
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OpenAiUsage? Usage { get; init; } = Usage;
}

public sealed record OpenAiChunkChoice(int Index, OpenAiDelta Delta, string? FinishReason);

public sealed record OpenAiDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReasoningContent = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<OpenAiToolCallDelta>? ToolCalls = null);

public sealed record OpenAiModelList(IReadOnlyList<OpenAiModel> Data)
{
    public string Object => "list";
}

public sealed record OpenAiModel(string Id, long Created, string OwnedBy)
{
    public string Object => "model";
}

public sealed record OpenAiError(OpenAiErrorBody Error);

public sealed record OpenAiErrorBody(string Message, string Type, string? Param = null, string? Code = null);
