namespace HybridLogging.Internal;

/// <summary>
/// A live subscription's own thread for waking its reader: the writer (the dispatcher) only signals it, and this thread
/// completes the reader's wait, so the reader's loop resumes here (or on its captured context, if it has one) and runs
/// until it awaits again. The thread sleeps without spinning between wakes and ends when the subscription completes.
/// </summary>
/// <remarks>
/// Why not the thread pool: completing the wait asynchronously queued the reader's loop to a pool thread once per
/// dispatcher round, and a pool thread that runs out of work polls for more, yielding, before it sleeps. At a service's
/// pace (a burst of entries every millisecond) that polling cost the full configuration about 15 µs of CPU per entry,
/// 300,000 yields in 4 s (the <c>paced --full</c> benchmark, <c>perf sched</c>); the pool's spin limit is the
/// application's setting, not a library's. Completing the wait on the dispatcher itself would run the application's
/// loop body there, where nothing but the pipeline may run. One thread per subscription that is being read: a reader
/// that blocks holds up its own subscription only.
/// </remarks>
internal sealed class SubscriberWakeThread
{
    private readonly WakeSignal _signal = new();
    private readonly Func<TaskCompletionSource?> _takeWaiter;
    private readonly Func<bool> _completed;
    private volatile bool _ended;

    /// <summary>
    /// Starts the thread. <paramref name="takeWaiter"/> takes the reader's registered wait (or null);
    /// <paramref name="completed"/> says the subscription has ended, after which the thread completes the last wait and
    /// stops.
    /// </summary>
    public SubscriberWakeThread(Func<TaskCompletionSource?> takeWaiter, Func<bool> completed)
    {
        _takeWaiter = takeWaiter;
        _completed = completed;
        LibraryThread.Start("HybridLogging subscriber", Run);
    }

    /// <summary>Whether the thread has stopped (the subscription completed and its last wait was released).</summary>
    public bool Ended => _ended;

    /// <summary>Asks the thread to complete the reader's wait (writer side; never blocks).</summary>
    public void Wake() => _signal.Set();

    private void Run()
    {
        while (true)
        {
            // A wait of a second at most: a completion that raced with going to sleep is seen within that.
            var woken = _signal.Wait(TimeSpan.FromSeconds(1));
            var completed = _completed();
            if (woken || completed)
            {
                try
                {
                    // Runs the reader's continuation here: its loop body, until it awaits again.
                    _takeWaiter()?.TrySetResult();
                }
                catch (Exception ex)
                {
                    SelfLog.Report($"A subscriber's continuation threw {ex.GetType().Name}: {ex.Message}");
                }
            }

            if (completed)
            {
                _ended = true;
                _takeWaiter()?.TrySetResult(); // a wait registered while the last one ran
                return;
            }
        }
    }
}
