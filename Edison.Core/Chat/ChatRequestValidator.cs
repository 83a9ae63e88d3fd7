using Edison.Core.Inference.Engine;
using Edison.Core.Inference.Prompts;
using Edison.Core.Modes;
using Microsoft.Extensions.Options;

namespace Edison.Core.Chat;

/// <summary>
/// Checks a request as it arrives, before any model or store is asked: what can be wrong with it whatever model runs
/// (the text and its sizes, the mode, the ids, the sampling numbers, the images). A request Edison will not run throws
/// <see cref="ChatRequestException"/> with what to change.
/// </summary>
public sealed class ChatRequestValidator(IOptions<ChatLimits> limits)
{
    /// <summary>What can be checked without the model: the text, its sizes, the mode, the ids and sampling numbers, the images.</summary>
    public ValidatedRequest Validate(ChatRequest request)
    {
        var text = request.Message ?? string.Empty;

        // A question answered again (parent_id) brings its own text, and so does an answer continued; tool results are
        // what the model answers when a client's conversation ends with them.
        if (string.IsNullOrWhiteSpace(text) && request.Images is not { Count: > 0 } && request.ParentId is null && request.ContinueId is null
            && !ChatPromptBuilder.EndsWithToolResults(request.History ?? [], text))
        {
            throw new ChatRequestException("\"message\" is required and must not be empty.");
        }

        if (request.ContinueId is not null && (request.ConversationId is null || request.ParentId is not null || text.Length > 0 || request.Images is { Count: > 0 }))
        {
            throw new ChatRequestException("\"continue_id\" is the id of an answer in the conversation named by \"conversation_id\"; send no \"message\", images or \"parent_id\" with it.");
        }

        CheckSizes(request, text);

        if (!ChatMode.IsAuto(request.Mode) && ChatMode.Find(request.Mode) is null)
        {
            throw new ChatRequestException($"Unknown mode \"{request.Mode}\"; use one of: {ChatMode.ValidNames}.");
        }

        Guid conversationId = Guid.NewGuid();
        if (request.ConversationId is not null && !Guid.TryParse(request.ConversationId, out conversationId))
        {
            throw new ChatRequestException($"\"conversation_id\" must be a GUID; \"{request.ConversationId}\" is not one.");
        }

        if (request.ParentId is { } parentId && (parentId < 0 || request.ConversationId is null || request.History is not null))
        {
            throw new ChatRequestException("\"parent_id\" is the id of a message in the conversation named by \"conversation_id\" (0 for its start).");
        }

        if (request.Temperature is { } temperature && !SamplingLimits.IsTemperature(temperature))
        {
            throw new ChatRequestException($"\"temperature\" must be between {SamplingLimits.MinTemperature} and {SamplingLimits.MaxTemperature}.");
        }

        if (request.MaxReasoningTokens is < 1 or > 1 << 20)
        {
            throw new ChatRequestException($"\"max_reasoning_tokens\" must be between 1 and {1 << 20}.");
        }

        if (request.TopP is { } topP && !SamplingLimits.IsTopP(topP))
        {
            throw new ChatRequestException("\"top_p\" must be greater than 0 and at most 1.");
        }

        if (request.History?.FirstOrDefault(t => t.Role is not (ChatTurn.User or ChatTurn.Assistant or ChatTurn.Tool)) is { } odd)
        {
            throw new ChatRequestException($"A message in the conversation has the role \"{odd.Role}\"; only user, assistant and tool messages can follow the system message.");
        }

        CheckToolResults(request.History ?? []);

        if (request.History is not null && request.ConversationId is not null)
        {
            throw new ChatRequestException("Send either \"conversation_id\" or the conversation's messages, not both.");
        }

        // Every image is checked first, so a client learns what is wrong with it whatever model runs.
        return new ValidatedRequest(text, conversationId, Images(request.Images));
    }

    /// <summary>Every text that reaches the prompt counts: the message, each message of a client-kept history, the system prompt, and all of them together.</summary>
    private void CheckSizes(ChatRequest request, string text)
    {
        var most = limits.Value;
        void CheckOne(string? value, string name)
        {
            if (value is { Length: var length } && length > most.MaxMessageCharacters)
            {
                throw new ChatRequestException($"{name} is {length} characters long; Edison accepts at most {most.MaxMessageCharacters}.");
            }
        }

        CheckOne(text, "\"message\"");
        CheckOne(request.SystemPrompt, "The system message");
        var history = request.History ?? [];
        for (int i = 0; i < history.Count; i++)
        {
            CheckOne(history[i].Content, $"Message {i + 1} of the conversation");
        }

        long total = text.Length + (request.SystemPrompt?.Length ?? 0) + history.Sum(t => (long)t.Content.Length + t.ToolCalls.Sum(c => c.Arguments.Length))
            + (request.Tools ?? []).Sum(tool => (long)tool.JsonSchema.GetRawText().Length + (tool.Description?.Length ?? 0));
        if (total > most.MaxConversationCharacters)
        {
            throw new ChatRequestException(
                $"The conversation sent is {total} characters long; Edison accepts at most {most.MaxConversationCharacters} in one request.");
        }
    }

    /// <summary>
    /// Each tool result answers a call of the answer just before the results, once; each call of an answer that is
    /// followed by anything is answered before the next message.
    /// </summary>
    private static void CheckToolResults(IReadOnlyList<ChatTurn> history)
    {
        HashSet<string> open = [];
        for (int i = 0; i < history.Count; i++)
        {
            var turn = history[i];
            if (turn.Role == ChatTurn.Tool)
            {
                if (turn.ToolCallId is not { } id || !open.Remove(id))
                {
                    throw new ChatRequestException(
                        $"Message {i + 1} of the conversation is a tool result for \"{turn.ToolCallId}\", which is not a call of the assistant message before it (or was answered already).");
                }

                continue;
            }

            RefuseUnanswered(open);
            open = [.. turn.ToolCalls.Select(call => call.Id)];
            if (open.Count < turn.ToolCalls.Count)
            {
                throw new ChatRequestException($"Message {i + 1} of the conversation has two tool calls with the same id; each call's id must be its own.");
            }
        }

        RefuseUnanswered(open);
    }

    private static void RefuseUnanswered(HashSet<string> calls)
    {
        if (calls.Count > 0)
        {
            throw new ChatRequestException($"The tool calls {string.Join(", ", calls.Select(id => $"\"{id}\""))} have no results: each call of an assistant message needs a tool message after it.");
        }
    }

    /// <summary>Images checked as a request's are: those of a request, or those a stored question was sent with.</summary>
    public IReadOnlyList<ImageAttachment> Images(IReadOnlyList<string?>? images) => ImageAttachment.ParseAll(images, limits.Value);
}

/// <summary>A request that passed <see cref="ChatRequestValidator"/>: its text, the conversation it goes to (new when none was named) and its images, decoded.</summary>
public sealed record ValidatedRequest(string Text, Guid ConversationId, IReadOnlyList<ImageAttachment> Images);
