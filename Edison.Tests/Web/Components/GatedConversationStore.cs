using System.Reflection;
using Edison.Core.Conversations;

namespace Edison.Tests.Web.Components;

/// <summary>
/// The real conversation store, except that reading one conversation waits until the test lets it through: the test
/// acts while a page is in the middle of that read. A proxy, so the store's interface can grow without this changing
/// (and not sealed: <see cref="DispatchProxy"/> derives from it).
/// </summary>
public class GatedConversationStore : DispatchProxy
{
    private IConversationStore _store = null!;
    private Guid _held;
    private Task _released = Task.CompletedTask;

    public static IConversationStore Wrap(IConversationStore store, out GatedConversationStore gate)
    {
        var proxy = DispatchProxy.Create<IConversationStore, GatedConversationStore>();
        gate = (GatedConversationStore)proxy;
        gate._store = store;
        return proxy;
    }

    /// <summary>Reads of <paramref name="id"/> from now on wait for <paramref name="released"/>.</summary>
    public void Hold(Guid id, Task released) => (_held, _released) = (id, released);

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (method!.Name == nameof(IConversationStore.GetAsync) && args![0] is Guid id && id == _held)
        {
            return ReadWhenReleasedAsync(method, args);
        }

        return method.Invoke(_store, args);
    }

    private async Task<Conversation?> ReadWhenReleasedAsync(MethodInfo method, object?[] args)
    {
        await _released;
        return await (Task<Conversation?>)method.Invoke(_store, args)!;
    }
}
