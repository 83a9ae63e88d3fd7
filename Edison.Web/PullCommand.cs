using Edison.Core;
using Edison.Core.Inference.Models;
using Edison.Core.ModelFiles;

namespace Edison.Web;

/// <summary>
/// <c>dotnet run --project Edison.Web -- pull &lt;hf-repo&gt; &lt;file.gguf&gt;</c>: downloads a model with a progress bar
/// (resuming a download that was interrupted), then makes it the model Edison loads on its next start.
/// </summary>
public static class PullCommand
{
    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "pull";

    public static async Task<int> RunAsync(string[] args)
    {
        // After "pull": the repository and the file, and any --setting=value, as for a normal run.
        var positional = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        var settings = args.Skip(1).Where(a => a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        if (positional.Count != 2)
        {
            var problem = positional.Count switch
            {
                0 => null,
                1 => $"pull needs the file to download as well as the repository \"{positional[0]}\".",
                _ => $"pull takes a repository and a file; these are extra: {string.Join(' ', positional.Skip(2))}",
            };
            if (problem is not null)
            {
                Console.Error.WriteLine(problem);
            }

            Console.Error.WriteLine("usage: dotnet run --project Edison.Web -- pull <hf-repo> <file.gguf>");
            Console.Error.WriteLine("recommended:");
            foreach (var model in RecommendedModel.All)
            {
                Console.Error.WriteLine($"  pull {model.Repo} {model.File}   ({model.Name}, ~{model.ApproximateGigabytes:0.##} GB, {model.Licence})");
            }

            return 2;
        }

        var (repo, file) = (positional[0], positional[1]);
        // Settings (data folder, hub) come from the same places as for a normal run.
        var builder = WebApplication.CreateBuilder(settings);
        builder.Logging.ClearProviders();
        builder.AddEdisonCore();
        await using var app = builder.Build();
        var services = app.Services;
        var downloader = services.GetRequiredService<ModelDownloader>();
        using var interrupt = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            interrupt.Cancel();
        };

        try
        {
            Console.WriteLine($"Downloading {file} from {repo} into {downloader.Folder}");
            var path = await downloader.DownloadAsync(repo, file, new ConsoleBar(), interrupt.Token);
            services.GetRequiredService<ModelSelection>().Select(path);
            Console.WriteLine();
            Console.WriteLine($"Done: {path}");
            Console.WriteLine("Edison loads it the next time it starts: dotnet run --project Edison.Web");
            return 0;
        }
        catch (ModelDownloadException e)
        {
            Console.WriteLine();
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            Console.WriteLine();
            Console.Error.WriteLine("Stopped; run the same command again to resume.");
            return 1;
        }
    }

    /// <summary>One line, redrawn: bar, percentage, bytes, speed and time left.</summary>
    private sealed class ConsoleBar : IProgress<DownloadProgress>
    {
        private const int Width = 30;

        public void Report(DownloadProgress value)
        {
            int filled = (int)Math.Round((value.Fraction ?? 0) * Width);
            var (percent, amount, speed, left) = value.Figures;
            var line = $"[{new string('#', filled)}{new string('.', Width - filled)}] {percent} {amount}, {speed}{(left is null ? string.Empty : $", {left} left")}";
            Console.Write(Console.IsOutputRedirected ? line + Environment.NewLine : "\r" + line.PadRight(Console.WindowWidth > 0 ? Console.WindowWidth - 1 : 100));
        }

    }
}
