using System.Collections.Concurrent;

namespace Edison.Bench;

/// <summary>
/// One thread that runs every raw decode loop, as Edison's engine has one: llama.cpp's OpenMP keeps a worker team per
/// calling thread, so loops run on whichever pool thread is free would leave several teams spinning against each
/// other and make the floor slower than it is.
/// </summary>
public sealed class DecodeThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;

    public DecodeThread()
    {
        _thread = new Thread(() =>
        {
            foreach (var work in _work.GetConsumingEnumerable())
            {
                work();
            }
        })
        {
            IsBackground = true,
            Name = "Raw decode",
        };
        _thread.Start();
    }

    public Task<T> RunAsync<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join();
        _work.Dispose();
    }
}
