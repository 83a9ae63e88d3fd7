using Edison.Core.Inference.Clients;
using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using Edison.Core.Modes;
using Edison.Core.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Edison.Core.Chat;

/// <summary>
/// Prepares a turn in named steps, each its own type: validate (<see cref="ChatRequestValidator"/>) → the starting point
/// in the conversation's tree (<see cref="StartingPoints"/>) → what the model must fit (<see cref="ModelFit"/>) → the mode
/// (<see cref="ModeChoice"/>) → what goes with the message (<see cref="TurnContext"/>: memories, web results) → the
/// prompt (<see cref="ChatPromptBuilder"/>). The result, a <see cref="PreparedChat"/>, is what <see cref="ChatPipeline"/> runs.
/// </summary>
public sealed class TurnPreparation(
    ChatRequestValidator validator,
    IChatModelSource models,
    StartingPoints startingPoints,
    ModeChoice modes,
    TurnContext context,
    ChatPromptBuilder prompts,
    AgentTools agentTools,
    IOptions<GenerationOptions> generation)
{
    /// <summary>
    /// Checks the request and builds its prompt, for an answer <paramref name="owner"/> owns (which decides when it is
    /// stored); a request Edison will not run throws <see cref="ChatRequestException"/>.
    /// </summary>
    public async Task<PreparedChat> PrepareAsync(ChatRequest request, AnswerOwner owner, CancellationToken cancellationToken)
    {
        var asked = validator.Validate(request);

        // Held while the prompt is built: a switch meanwhile cannot free the tokenizer under it.
        using var lease = AcquireModel();
        var model = lease.Model;

        var start = await startingPoints.FindAsync(request, asked, cancellationToken);
        int maxTokens = ModelFit.MaxTokens(model, generation.Value, request, start.Images);
        int answerRoom = ModelFit.AnswerRoom(maxTokens, model.ContextSize);
        ModelFit.RefuseUnfittable(model, start.Text, answerRoom);
        ModelFit.RefuseTools(model, request);

        var mode = modes.For(request, start);
        var thinking = ModelFit.Thinking(model, generation.Value, request, mode);
        var systemPrompt = request.SystemPrompt ?? mode.SystemPromptFor(thinking: model.Thinking is not null && !thinking.Off);
        var history = request.History ?? start.History();

        // A client that keeps its conversation (OpenAI-style) runs its own tools, if any; an answer Edison keeps may call
        // the mode's tools, which Edison runs as the answer goes.
        var edisonTools = request.History is null ? agentTools.For(mode, model) : [];
        var question = new ContextQuestion(model, mode, systemPrompt, start.Text, asked.ConversationId, history, answerRoom)
        {
            SearchIsATool = edisonTools.Any(tool => tool.Name == BuiltInTools.WebSearchName),
        };
        var gathered = await context.ForTurnAsync(start, clientKeepsHistory: request.History is not null, question, cancellationToken);

        IReadOnlyList<AIFunctionDeclaration> tools = [.. ModelFit.Tools(request), .. edisonTools];
        var prompt = TurnContext.Fit(() => prompts.Build(
            model, systemPrompt, history, start.Text, answerRoom, gathered.Text, start.Continued?.Content, thinking.Off, tools));
        var storage = StorageFor(request, start, owner);
        return new PreparedChat(
            asked.ConversationId,
            mode,
            start.Text,
            storage,
            storage != ExchangeStorage.None && start.IsNewConversation,
            prompt,
            prompt.ToMessages([.. start.Images.Select(image => new DataContent(image.Data, image.MediaType))]),
            OptionsFor(request, mode, prompt, maxTokens, thinking, edisonTools),
            gathered.Sources,
            gathered.Notices)
        {
            Context = gathered.Text,
            Images = start.Images,
            Place = start.Place,
            Continued = start.Continued,

            // A continued answer stays as remembered as it was; any other is as the request says.
            Remembered = start.Continued?.Details?.Remembered ?? request.Remember ?? true,
        };
    }

    private IModelLease AcquireModel() => models.Acquire() ?? throw new ChatRequestException(
        models.State == ModelState.Failed ? $"The model could not be loaded: {models.Failure}" : "The model is still loading; try again in a moment.",
        ChatRequestException.Unavailable);

    /// <summary>The sampling and limits of the answer; the local model reads the prompt as built here, formatted once.</summary>
    private PromptedChatOptions OptionsFor(
        ChatRequest request, ChatMode mode, ChatPrompt prompt, int maxTokens, (bool Off, int? Budget) thinking, IReadOnlyList<AIFunction> edisonTools)
    {
        var sampling = generation.Value.SamplingFor(mode, request.Temperature, request.TopP, request.Seed);
        return new PromptedChatOptions(prompt)
        {
            MaxOutputTokens = maxTokens,
            Temperature = sampling.Temperature,
            TopP = sampling.TopP,
            Seed = sampling.Seed,
            StopSequences = [.. prompt.StopStrings, .. request.StopStrings ?? []],
            MaxReasoningTokens = thinking.Budget,
            Tools = request.Tools is { Count: > 0 } tools ? [.. tools] : edisonTools.Count > 0 ? [.. edisonTools] : null,
            ToolMode = request.ToolMode,
            AllowMultipleToolCalls = request.ParallelToolCalls,

            // How any chat client is asked not to think; the local model reads it in the prompt already.
            Reasoning = thinking.Off ? new ReasoningOptions { Effort = ReasoningEffort.None } : null,
        };
    }

    /// <summary>
    /// A client that keeps the conversation itself gets no stored copy of it. An answer continued is stored already: it
    /// is reopened at the start, and put back as it was if the continuation fails.
    /// </summary>
    private static ExchangeStorage StorageFor(ChatRequest request, StartingPoint start, AnswerOwner owner) => (start.Continued, request, owner) switch
    {
        ({ }, _, _) => ExchangeStorage.FromTheStart,
        (_, { History: not null }, _) => ExchangeStorage.None,
        (_, _, AnswerOwner.Server) => ExchangeStorage.FromTheStart,
        _ => ExchangeStorage.WhenCompleted,
    };
}
