using System.Runtime.CompilerServices;
using Edison.Core;
using Edison.Core.Chat;
using Edison.Core.Conversations;
using Edison.Core.Inference.Models;
using Edison.Core.Inference.Prompts;
using Edison.Core.Modes;
using Edison.Core.Telemetry;
using Edison.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Edison.Tests.Core.Chat;

/// <summary>The titler on a model that is switched away while the title's prompt is built, as a switch from another page may be, and after a person named the conversation.</summary>
public sealed class ConversationTitlerTests : IAsyncLifetime
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("edison-titler-");
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private IConversationStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteConversationStore(
            Options.Create(new DatabaseOptions()), Options.Create(new EdisonOptions { DataPath = _folder.FullName }), TimeProvider.System);
        await _store.InitializeAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task A_model_switched_away_while_the_title_prompt_is_built_still_names_the_conversation()
    {
        var id = Guid.NewGuid();
        await _store.AppendExchangeAsync(id, "where do otters sleep", "In holts.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        var metrics = new EdisonMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), new ChannelEngine());
        var titler = new ConversationTitler(
            new SwitchedWhileReadSource(), new TitleClient("Otter sleeping places"), _store, new ChatPromptBuilder(), metrics, NullLogger<ConversationTitler>.Instance);

        await titler.SuggestAsync(Prepared(id, "where do otters sleep"), "In holts.", CancellationToken.None);

        Assert.Equal("Otter sleeping places", (await _store.GetAsync(id, CancellationToken.None))!.Title);
    }

    [Fact]
    public async Task A_name_the_person_gave_while_the_first_answer_was_written_is_kept()
    {
        var id = Guid.NewGuid();
        await _store.AppendExchangeAsync(id, "where do otters sleep", "In holts.", context: null, ExchangePlace.AfterShown, details: null, CancellationToken.None);
        await _store.RenameAsync(id, "Otters for Ada", replacing: null, CancellationToken.None);
        var metrics = new EdisonMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), new ChannelEngine());
        var titler = new ConversationTitler(
            new SwitchedWhileReadSource(), new TitleClient("Otter sleeping places"), _store, new ChatPromptBuilder(), metrics, NullLogger<ConversationTitler>.Instance);

        await titler.SuggestAsync(Prepared(id, "where do otters sleep"), "In holts.", CancellationToken.None);

        Assert.Equal("Otters for Ada", (await _store.GetAsync(id, CancellationToken.None))!.Title);
    }

    private static PreparedChat Prepared(Guid id, string message)
    {
        List<ChatTurn> turns = [new(ChatTurn.System, "Be brief."), new(ChatTurn.User, message)];
        var prompt = new ChatPrompt(turns, PromptText.Content(message), message.Length, []);
        return new PreparedChat(id, ChatMode.Chat, message, ExchangeStorage.FromTheStart, true, prompt, prompt.ToMessages([]), new ChatOptions(), [], []);
    }

    /// <summary>
    /// A model source whose model is switched away the moment its tokenizer is first used, and freed as the host frees a
    /// retired model: at once when no lease holds it, else when the last lease is returned. A freed model cannot tokenize.
    /// </summary>
    private sealed class SwitchedWhileReadSource : IChatModelSource
    {
        private int _leases;
        private bool _switchedAway;

        public SwitchedWhileReadSource() => Model = new TokenizingModel(this);

        public event Action? Changed;

        public ModelState State => ModelState.Ready;

        public IChatModel? Model { get; }

        public string? Failure => null;

        public IModelLease? Acquire()
        {
            Interlocked.Increment(ref _leases);
            return new Lease(this);
        }

        public Task<IChatModel> WhenModelReadyAsync(CancellationToken cancellationToken) => Task.FromResult(Model!);

        /// <summary>Throws for a model already freed; otherwise switches it away (once).</summary>
        public void Tokenizing()
        {
            if (!_switchedAway)
            {
                _switchedAway = true;
                Changed?.Invoke();
            }

            ObjectDisposedException.ThrowIf(Volatile.Read(ref _leases) == 0, Model!);
        }

        private sealed class Lease(SwitchedWhileReadSource source) : IModelLease
        {
            public IChatModel Model => source.Model!;

            public void Dispose() => Interlocked.Decrement(ref source._leases);
        }
    }

    private sealed class TokenizingModel(SwitchedWhileReadSource source) : IChatModel
    {
        public string Name => "switched";

        public int ContextSize => 2048;

        public bool IsDemo => false;

        public bool CanSeeImages => false;

        public DateTimeOffset LoadedAt => DateTimeOffset.UnixEpoch;

        public IReadOnlyList<string> StopStrings => [];

        public int LongestTokenBytes => 1;

        public int CountTokens(string text)
        {
            source.Tokenizing();
            return text.Length;
        }

        public int CountTokens(PromptText prompt) => CountTokens(prompt.Text);

        public ThinkingFormat? Thinking => null;

        public bool CanCallTools => false;

        public PromptText Format(IReadOnlyList<ChatTurn> turns, bool thinkingOff = false, IReadOnlyList<AIFunctionDeclaration>? tools = null)
        {
            source.Tokenizing();
            return PromptText.Content(string.Join("\n", turns.Select(t => $"{t.Role}: {t.Content}")));
        }
    }

    /// <summary>A model that answers every prompt with the same few words.</summary>
    private sealed class TitleClient(string title) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, title)));

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, title);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
