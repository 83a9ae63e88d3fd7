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

    /// <summary>
    /// Opens a call's wait the moment the model asks it, before the person is shown its buttons: a decision made before
    /// the answer gets to <see cref="WaitAsync"/> counts. A call expected and never waited for is <see cref="Forget"/>-ten.
    /// </summary>
    public void Expect(Guid conversation, string call)
    {
        if (_waiting.TryAdd((conversation, call), new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)))
        {
            Changed?.Invoke();
        }
    }

    /// <summary>
    /// Waits for the person's decision on a call; a call no one decides on within <see cref="ToolOptions.ApprovalTimeout"/>
    /// is denied. Cancelling (the answer stopped) stops the wait.
    /// </summary>
    public async Task<Decision> WaitAsync(Guid conversation, string call, CancellationToken cancellationToken)
    {
        var decided = _waiting.GetOrAdd((conversation, call), _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        Changed?.Invoke();
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
            Forget(conversation, call);
        }
    }

    /// <summary>The person's decision; false when no such call is waiting (decided already, or never asked).</summary>
    public bool Decide(Guid conversation, string call, bool approved) =>
        _waiting.TryGetValue((conversation, call), out var waiting) && waiting.TrySetResult(approved);

    /// <summary>The call waits no more (decided, or its answer ended before it was waited for).</summary>
    public void Forget(Guid conversation, string call)
    {
        if (_waiting.TryRemove((conversation, call), out _))
        {
            Changed?.Invoke();
        }
    }

    /// <param name="Reason">Why a denied call was denied, for the model to read.</param>
    public sealed record Decision(bool Approved, string? Reason);
}
