using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Edison.Core.Inference.Models;

/// <summary>
/// llama.cpp's log, which is process-wide, in the "LLama.Native" logging category. While a model loads, its errors
/// are also kept: they say why a file was rejected where LLamaSharp's exception does not.
/// </summary>
public sealed class NativeLog(ILoggerFactory loggerFactory)
{
    private readonly Lock _gate = new();
    private readonly List<string> _errors = [];
    private bool _routed;
    private bool _capturing;

    /// <summary>Routes the log (once per process is enough; later calls do nothing).</summary>
    public void Route()
    {
        lock (_gate)
        {
            if (_routed)
            {
                return;
            }

            _routed = true;
        }

        var native = loggerFactory.CreateLogger("LLama.Native");
        NativeLogConfig.llama_log_set((level, message) =>
        {
            message = message.TrimEnd();
            switch (level)
            {
                case LLamaLogLevel.Error:
                    native.LogError("{Message}", message);
                    lock (_gate)
                    {
                        if (_capturing)
                        {
                            _errors.Add(message);
                        }
                    }

                    break;
                case LLamaLogLevel.Warning:
                    native.LogWarning("{Message}", message);
                    break;
                case LLamaLogLevel.Info:
                    native.LogDebug("{Message}", message);
                    break;
                default:
                    native.LogTrace("{Message}", message);
                    break;
            }
        });
    }

    /// <summary>Starts keeping errors, forgetting earlier ones; dispose the result to stop.</summary>
    public Capture CaptureErrors()
    {
        lock (_gate)
        {
            _errors.Clear();
            _capturing = true;
        }

        return new Capture(this);
    }

    /// <summary>The errors llama.cpp logged since the capture began, or the fallback when it logged none.</summary>
    public string ErrorsOr(string fallback)
    {
        lock (_gate)
        {
            return _errors.Count > 0 ? string.Join("; ", _errors) : fallback;
        }
    }

    public readonly struct Capture(NativeLog log) : IDisposable
    {
        public void Dispose()
        {
            lock (log._gate)
            {
                log._capturing = false;
            }
        }
    }
}
