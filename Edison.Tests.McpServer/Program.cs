using System.Collections.Concurrent;
using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

// "--fail" stands for a server that cannot start; "--die-after N" for one that stops after answering N calls; "--http KEY"
// serves Streamable HTTP instead of stdio.
if (args.Contains("--fail"))
{
    Console.Error.WriteLine("the notebook's storage is missing");
    return 3;
}

var notebook = new Notebook(args.SkipWhile(a => a != "--die-after").Skip(1).Select(int.Parse).FirstOrDefault());

// "--http KEY": Streamable HTTP on a free loopback port, which it prints, answering only requests with X-Key: KEY.
if (args.SkipWhile(a => a != "--http").Skip(1).FirstOrDefault() is { } key)
{
    var web = WebApplication.CreateBuilder();
    web.Logging.ClearProviders();
    web.WebHost.UseUrls("http://127.0.0.1:0");
    web.Services.AddSingleton(notebook);
    web.Services.AddMcpServer().WithHttpTransport().WithTools<NotebookTools>();
    var app = web.Build();
    app.Use(async (context, next) =>
    {
        if (context.Request.Headers["X-Key"] != key)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        await next();
    });
    app.MapMcp("/mcp");
    await app.StartAsync();
    Console.WriteLine($"listening {app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()}/mcp");
    await app.WaitForShutdownAsync();
    return 0;
}

var builder = Host.CreateApplicationBuilder(args);

// Standard output is the protocol's: logs go to standard error.
builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Services.AddSingleton(notebook);
builder.Services.AddMcpServer().WithStdioServerTransport().WithTools<NotebookTools>();
await builder.Build().RunAsync();
return 0;

/// <summary>The notebook's pages, kept for as long as the server runs.</summary>
internal sealed class Notebook(int dieAfter)
{
    private int _calls;

    public ConcurrentQueue<string> Notes { get; } = new();

    /// <summary>Counts a call; past the limit the server stops, as a crashed server would.</summary>
    public void Called()
    {
        if (dieAfter > 0 && Interlocked.Increment(ref _calls) > dieAfter)
        {
            Environment.Exit(4);
        }
    }
}

[McpServerToolType]
internal sealed class NotebookTools(Notebook notebook)
{
    [McpServerTool(Name = "write_note"), Description("Writes a note into the notebook.")]
    public string WriteNote([Description("The note's text.")] string text)
    {
        notebook.Called();
        notebook.Notes.Enqueue(text);
        return $"Noted ({notebook.Notes.Count} notes).";
    }

    [McpServerTool(Name = "read_notes"), Description("Reads every note in the notebook.")]
    public string ReadNotes()
    {
        notebook.Called();
        return notebook.Notes.IsEmpty ? "The notebook is empty." : string.Join("\n", notebook.Notes);
    }
}
