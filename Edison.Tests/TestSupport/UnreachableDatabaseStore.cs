using System.Reflection;
using Edison.Core.Conversations;
using Microsoft.Data.Sqlite;

namespace Edison.Tests.TestSupport;

/// <summary>
/// The real conversation store, except that while <see cref="Down"/> every call fails as SQLite does when its file
/// cannot be opened. A proxy, so the store's interface can grow without this changing (and not sealed:
/// <see cref="DispatchProxy"/> derives from it).
/// </summary>
public class UnreachableDatabaseStore : DispatchProxy
{
    private IConversationStore _store = null!;

    public bool Down { get; set; }

    public static IConversationStore Wrap(IConversationStore store, out UnreachableDatabaseStore database)
    {
        var proxy = DispatchProxy.Create<IConversationStore, UnreachableDatabaseStore>();
        database = (UnreachableDatabaseStore)proxy;
        database._store = store;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (!Down)
        {
            return method!.Invoke(_store, args);
        }

        var failure = new SqliteException("SQLite Error 14: 'unable to open database file'.", 14);
        return method!.ReturnType == typeof(Task)
            ? Task.FromException(failure)
            : typeof(Task).GetMethod(nameof(Task.FromException), 1, [typeof(Exception)])!.MakeGenericMethod(method.ReturnType.GetGenericArguments()[0]).Invoke(null, [failure]);
    }
}
