using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Edison.Core.Tools;

/// <summary>
/// Calls waiting for the person's approval, by conversation and call. Only the person decides, from the page's buttons or
/// <c>POST /chat/approve/{conversation_id}</c>: nothing a model, a tool or a web page writes reaches this.
/// </summary>
public sealed class ToolApprovals(IOptions<ToolOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(Guid Conversation, string Call), TaskCompletionSource<bool>> _waiting = new();

    /// <summary>Raised when a call starts or stops waiting.</summary>
    public event Action? Changed;

    /// <summary>Whether the call is waiting for a decision.</summary>
    public bool IsWaiting(Guid conversation, string call) => _waiting.TryGetValue((conversation, call), out var waiting) && !waiting.Task.IsCompleted;

    /// <summary>The calls one answer in <paramref name="conversation"/> asks, for as long as it runs (until disposed).</summary>
    public AnswerCalls For(Guid conversation) => new(this, conversation);

    /// <summary>The person's decision; false when no such call is waiting (decided already, or never asked).</summary>
    public bool Decide(Guid conversation, string call, bool approved) =>
        _waiting.TryGetValue((conversation, call), out var waiting) && waiting.TrySetResult(approved);

    private TaskCompletionSource<bool> Open(Guid conversation, string call)
    {
        bool added = false;
        var decided = _waiting.GetOrAdd((conversation, call), _ =>
        {
            added = true;
            return new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        });
        if (added)
        {
            Changed?.Invoke();
        }

        return decided;
    }

    private async Task<Decision> WaitAsync(Guid conversation, string call, CancellationToken cancellationToken)
    {
        var decided = Open(conversation, call);
        try
        {
            var timeout = options.Value.ApprovalTimeout;
            var waited = await Task.WhenAny(decided.Task, Task.Delay(timeout, time, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            return waited == decided.Task
                ? new Decision(decided.Task.Result, decided.Task.Result ? null : "The person denied this call.")
                : new Decision(false, $"No one approved this call within {timeout.TotalMinutes:0.#} min.");
        }
        finally
        {
            Close(conversation, call);
        }
    }

    private void Close(Guid conversation, string call)
    {
        if (_waiting.TryRemove((conversation, call), out _))
        {
            Changed?.Invoke();
        }
    }

    /// <param name="Reason">Why a denied call was denied, for the model to read.</param>
    public sealed record Decision(bool Approved, string? Reason);

    /// <summary>
    /// One answer's calls that ask first. Each is open for a decision from the moment the model asks it, before the
    /// person is shown its buttons, so a decision made before the answer gets to <see cref="WaitAsync"/> counts; what is
    /// still open when the answer ends waits no more.
    /// </summary>
    public sealed class AnswerCalls(ToolApprovals approvals, Guid conversation) : IDisposable
    {
        private readonly List<string> _asked = [];

        public void Expect(string call)
        {
            approvals.Open(conversation, call);
            _asked.Add(call);
        }

        /// <summary>
        /// Waits for the person's decision on a call; a call no one decides on within
        /// <see cref="ToolOptions.ApprovalTimeout"/> is denied. Cancelling (the answer stopped) stops the wait.
        /// </summary>
        public Task<Decision> WaitAsync(string call, CancellationToken cancellationToken) => approvals.WaitAsync(conversation, call, cancellationToken);

        public void Dispose()
        {
            foreach (var call in _asked)
            {
                approvals.Close(conversation, call);
            }
        }
    }
}
