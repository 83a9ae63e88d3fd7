using System.Reflection;
using Edison.Core.Conversations;
using Microsoft.Data.Sqlite;

namespace Edison.Tests.TestSupport;

/// <summary>
/// The real conversation store, under a test's control: reading one conversation can be held until the test lets it
/// through (the test acts while a page is in the middle of that read), and the database can be taken down (every call
/// fails as SQLite does when its file cannot be opened). A proxy, so the store's interface can grow without this
/// changing (and not sealed: <see cref="DispatchProxy"/> derives from it).
/// </summary>
public class ControlledConversationStore : DispatchProxy
{
    private IConversationStore _store = null!;
    private Guid _held;
    private Task _released = Task.CompletedTask;

    /// <summary>While true, every call fails as an unreachable database does.</summary>
    public bool Down { get; set; }

    public static IConversationStore Wrap(IConversationStore store, out ControlledConversationStore control)
    {
        var proxy = DispatchProxy.Create<IConversationStore, ControlledConversationStore>();
        control = (ControlledConversationStore)proxy;
        control._store = store;
        return proxy;
    }

    /// <summary>Reads of <paramref name="id"/> from now on wait for <paramref name="released"/>.</summary>
    public void Hold(Guid id, Task released) => (_held, _released) = (id, released);

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (Down)
        {
            var failure = new SqliteException("SQLite Error 14: 'unable to open database file'.", 14);
            return method!.ReturnType == typeof(Task)
                ? Task.FromException(failure)
                : typeof(Task).GetMethod(nameof(Task.FromException), 1, [typeof(Exception)])!.MakeGenericMethod(method.ReturnType.GetGenericArguments()[0]).Invoke(null, [failure]);
        }

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
