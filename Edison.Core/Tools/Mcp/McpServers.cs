using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Client;

namespace Edison.Core.Tools.Mcp;

/// <summary>
/// The MCP servers the settings name, connected with the official C# SDK when Edison starts, each in the background:
/// a server that fails to start, or stops later, is reported (<see cref="States"/>, <c>/health</c>, the page) and its
/// tools are not offered until it is back (it is started again, less and less often), but nothing else fails. Their tools are offered with their own schemas; each asks the
/// person before it runs unless its server is configured <c>Approval = never</c>.
/// </summary>
public sealed class McpServers(IOptions<ToolOptions> options, TimeProvider time, ILoggerFactory loggers, ILogger<McpServers> logger) : IHostedService, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, McpServerState> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (McpClient Client, IReadOnlyList<McpTool> Tools)> _connected = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task _connecting = Task.CompletedTask;
    private int _disposed;

    /// <summary>Raised when a server's state changes.</summary>
    public event Action? Changed;

    public IReadOnlyList<McpServerState> States => [.. _states.Values.OrderBy(state => state.Name, StringComparer.Ordinal)];

    /// <summary>The tools of every server that is ready, in the servers' order.</summary>
    public IReadOnlyList<McpTool> Tools => [.. _connected.OrderBy(pair => pair.Key, StringComparer.Ordinal).SelectMany(pair => pair.Value.Tools)];

    /// <summary>Completes when every server has either connected or failed to, once.</summary>
    public Task WhenStartedAsync() => _connecting;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var servers = options.Value.Mcp.Servers;
        foreach (var name in servers.Keys)
        {
            _states[name] = new McpServerState(name, McpServerState.Starting, []);
        }

        var started = servers.Keys.ToDictionary(name => name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        foreach (var (name, server) in servers)
        {
            _ = KeepConnectedAsync(name, server, started[name], _stopping.Token);
        }

        _connecting = Task.WhenAll(started.Values.Select(first => first.Task));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            await _stopping.CancelAsync();
            await DisposeClientsAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The host stops it and the container disposes it; either may come first, and the container may ask twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        await DisposeClientsAsync();
        _stopping.Dispose();
    }

    /// <summary>
    /// Connects a server and keeps it connected: one that cannot start, or stops (its process exits, its connection
    /// drops), stops being offered, and is started again after <see cref="McpOptions.RetryAfter"/>, then twice as long
    /// each time it fails again (at most ten minutes), until it is back.
    /// </summary>
    private async Task KeepConnectedAsync(string name, McpServerOptions server, TaskCompletionSource started, CancellationToken cancellationToken)
    {
        var first = options.Value.Mcp.RetryAfter;
        var wait = first;
        while (!cancellationToken.IsCancellationRequested)
        {
            McpClient? client = null;
            try
            {
                client = await McpClient.CreateAsync(Transport(name, server), cancellationToken: cancellationToken, loggerFactory: loggers);
                var listed = await client.ListToolsAsync(cancellationToken: cancellationToken);
                IReadOnlyList<McpTool> tools = [.. listed.Select(tool => new McpTool(tool, AsksFirst: server.Approval != McpApproval.Never))];
                _connected[name] = (client, tools);
                Report(new McpServerState(name, McpServerState.Ready, [.. tools.Select(tool => tool.Function.Name)]), started);
                wait = first;

                var ended = await client.Completion.WaitAsync(cancellationToken);
                _connected.TryRemove(name, out _);
                var why = ended.Exception?.Message ?? "its session ended";
                logger.LogWarning("The MCP server {Server} stopped: {Reason}", name, why);
                Report(new McpServerState(name, McpServerState.Failed, [], $"It stopped: {why}. Edison starts it again in {wait.TotalSeconds:0} s."), started);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "The MCP server {Server} could not be started", name);
                Report(new McpServerState(name, McpServerState.Failed, [], $"It could not be started: {e.Message}. Edison tries again in {wait.TotalSeconds:0} s."), started);
            }

            if (client is not null && _connected.GetValueOrDefault(name).Client != client)
            {
                await client.DisposeAsync();
            }

            try
            {
                await Task.Delay(wait, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromMinutes(10).Ticks));
        }
    }

    private IClientTransport Transport(string name, McpServerOptions server) => (server.Command, server.Url) switch
    {
        ({ Length: > 0 } command, null or "") => new StdioClientTransport(
            new StdioClientTransportOptions { Name = name, Command = command, Arguments = server.Arguments }, loggers),
        (null or "", { Length: > 0 } url) => new HttpClientTransport(
            new HttpClientTransportOptions { Name = name, Endpoint = new Uri(url), AdditionalHeaders = server.Headers, TransportMode = HttpTransportMode.StreamableHttp }, loggers),
        _ => throw new InvalidOperationException($"Edison:Tools:Mcp:Servers:{name} needs either Command (a stdio server) or Url (a Streamable HTTP server), not both or neither."),
    };

    /// <param name="started">Set at the server's first report: connected, or failed to.</param>
    private void Report(McpServerState state, TaskCompletionSource started)
    {
        _states[state.Name] = state;
        started.TrySetResult();
        Changed?.Invoke();
    }

    private async Task DisposeClientsAsync()
    {
        foreach (var (name, connected) in _connected.ToArray())
        {
            _connected.TryRemove(name, out _);
            await connected.Client.DisposeAsync();
        }
    }
}

/// <summary>A tool of an MCP server, and whether the person approves each call of it first.</summary>
public sealed record McpTool(AIFunction Function, bool AsksFirst);
