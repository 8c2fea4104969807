namespace HybridLogging.Internal;

/// <summary>
/// Starts a destination's loop on a thread of its own, where it sleeps between batches in a blocking wait; once an await
/// of the loop completes asynchronously (a sink that really goes asynchronous) it goes on on the thread pool as any
/// async method does, and the thread ends.
/// </summary>
/// <remarks>
/// On the thread pool every wake-up of a sleeping loop was a work item, and a pool thread that runs out of work spins
/// (yielding) before it sleeps, often on two or three pool threads at once: with a file destination on a 2-core machine
/// about a quarter of the destination's CPU went to that spinning, taken from the dispatcher and the app. No
/// <see cref="SynchronizationContext"/> is installed, so sink code behaves as on the pool (no captured context to
/// deadlock on, <see cref="TaskScheduler.Current"/> is the default).
/// </remarks>
internal static class LoopThread
{
    [ThreadStatic]
    private static bool t_isLoopThread;

    /// <summary>Whether the caller runs on a loop's own thread (so it may block there while idle).</summary>
    public static bool IsCurrent => t_isLoopThread;

    /// <summary>Starts <paramref name="loop"/> on a new background thread; the task completes as the loop's does.</summary>
    public static Task Start(string name, Func<Task> loop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            t_isLoopThread = true;
            Task task;
            try
            {
                task = loop();
            }
            catch (Exception ex)
            {
                task = Task.FromException(ex);
            }

            t_isLoopThread = false;
            task.ContinueWith(static (task, state) => Complete(task, (TaskCompletionSource)state!), done, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    private static void Complete(Task task, TaskCompletionSource done)
    {
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
}
