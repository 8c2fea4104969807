using System.Runtime.CompilerServices;

namespace HybridLogging.Internal;

/// <summary>
/// A destination loop's own thread: the loop starts there and sleeps there between batches in a blocking wait. When an
/// await of the loop completes asynchronously (a sink that really goes asynchronous, or the file sink's lock held by its
/// periodic flush) the loop goes on on the thread pool as any async method does, and comes back here
/// (<see cref="ReturnHome"/>) before it sleeps again. The thread ends with the loop.
/// </summary>
/// <remarks>
/// On the thread pool every wake-up of a sleeping loop was a work item, and a pool thread that runs out of work spins
/// (yielding) before it sleeps, often on two or three pool threads at once: with a file destination on a 2-core machine
/// about a quarter of the destination's CPU went to that spinning, taken from the dispatcher and the app. Written by
/// hand because the BCL has no single-thread scheduler; no <see cref="SynchronizationContext"/> is installed, so sink
/// code behaves as on the pool (no captured context to deadlock on, <see cref="TaskScheduler.Current"/> is the default).
/// </remarks>
internal sealed class LoopThread
{
    [ThreadStatic]
    private static LoopThread? t_current;

    private readonly Queue<Action> _posted = new();
    private bool _ended;

    private LoopThread()
    {
    }

    /// <summary>Whether the caller runs on this loop's thread (so it may block there while idle).</summary>
    public bool IsCurrent => ReferenceEquals(t_current, this);

    /// <summary>
    /// Starts <paramref name="loop"/> on a new background thread. <paramref name="completion"/> completes as the loop's
    /// task does.
    /// </summary>
    public static LoopThread Start(string name, Func<LoopThread, Task> loop, out Task completion)
    {
        var home = new LoopThread();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        completion = done.Task;
        LibraryThread.Start(name, () => home.Run(loop, done));
        return home;
    }

    /// <summary>Resumes the awaiting loop on this thread (at once when it is already here).</summary>
    public HomeAwaitable ReturnHome() => new(this);

    private void Post(Action continuation)
    {
        lock (_posted)
        {
            if (!_ended)
            {
                _posted.Enqueue(continuation);
                Monitor.Pulse(_posted);
                return;
            }
        }

        // Cannot happen while the loop runs (the thread ends only with it); never lose a continuation anyway.
        ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);
    }

    private void Run(Func<LoopThread, Task> loop, TaskCompletionSource done)
    {
        t_current = this;
        Task task;
        try
        {
            task = loop(this);
        }
        catch (Exception ex)
        {
            task = Task.FromException(ex);
        }

        task.ContinueWith(static (_, state) => ((LoopThread)state!).End(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        while (true)
        {
            Action next;
            lock (_posted)
            {
                while (_posted.Count == 0 && !_ended)
                {
                    Monitor.Wait(_posted);
                }

                if (!_posted.TryDequeue(out next!))
                {
                    break;
                }
            }

            next(); // an await continuation: exceptions stay in the loop's task
        }

        if (task.IsFaulted)
        {
            done.TrySetException(task.Exception!.InnerExceptions);
        }
        else if (task.IsCanceled)
        {
            done.TrySetCanceled();
        }
        else
        {
            done.TrySetResult();
        }
    }

    private void End()
    {
        lock (_posted)
        {
            _ended = true;
            Monitor.Pulse(_posted);
        }
    }

    /// <summary>Awaitable of <see cref="ReturnHome"/>.</summary>
    internal readonly struct HomeAwaitable(LoopThread home) : ICriticalNotifyCompletion
    {
        public bool IsCompleted => home.IsCurrent;

        public HomeAwaitable GetAwaiter() => this;

        public void GetResult()
        {
        }

        public void OnCompleted(Action continuation) => home.Post(continuation);

        public void UnsafeOnCompleted(Action continuation) => home.Post(continuation);
    }
}
