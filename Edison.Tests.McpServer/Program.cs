using System.Collections.Concurrent;
using System.ComponentModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

// "--fail" stands for a server that cannot start; "--die-after N" for one that stops after answering N calls.
if (args.Contains("--fail"))
{
    Console.Error.WriteLine("the notebook's storage is missing");
    return 3;
}

var builder = Host.CreateApplicationBuilder(args);

// Standard output is the protocol's: logs go to standard error.
builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Services.AddSingleton(new Notebook(args.SkipWhile(a => a != "--die-after").Skip(1).Select(int.Parse).FirstOrDefault()));
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
