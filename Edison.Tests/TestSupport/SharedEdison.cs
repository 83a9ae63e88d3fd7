namespace Edison.Tests.TestSupport;

/// <summary>
/// One Edison host for every test of a class (an xunit class fixture), for tests that leave nothing behind another
/// could trip on, instead of a host started and loaded per test. Tests of one class run one at a time. On a real
/// Kestrel socket when <paramref name="onSocket"/> is true: for clients that drop their connection.
/// </summary>
public abstract class SharedEdison(EdisonFactory factory, bool onSocket = false) : IAsyncLifetime
{
    public EdisonFactory Factory { get; } = factory;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync() => Client = onSocket ? await Factory.StartOnSocketAsync() : await Factory.CreateReadyClientAsync();

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
