namespace HybridLogging.Internal;

/// <summary>
/// Wakes a thread that sleeps until another one has work or room for it: <see cref="Set"/> wakes every thread waiting
/// now, or the next one to wait when none is. <see cref="Wait"/> blocks at once, without spinning first.
/// </summary>
/// <remarks>
/// Why not <see cref="SemaphoreSlim"/>: its <c>Wait</c> spins about 140 times before it blocks, yielding the core on
/// most of them. The threads that wait here (the dispatcher when the queue is empty, a destination between batches, a
/// Block-mode log call waiting for half the queue to drain) have nothing to gain from microseconds of spinning, and on a
/// 2-core machine their yields took turns on the cores the dispatcher needed: <c>perf sched</c> counted about 10,000
/// switches each for the app's thread and the file destination per million entries of the peers benchmark, almost all
/// from those spins. Written by hand because <see cref="ManualResetEventSlim"/> (spin count 0) has no auto-reset: a
/// waiter that resets it after waking sends a second waiter, woken by the same set, back to sleep.
/// Threads that should spin before they sleep do so themselves, for as long as suits them (see LogPipeline).
/// </remarks>
internal sealed class WakeSignal
{
    private readonly object _gate = new();
    private volatile bool _set;
    private int _waiters;

    /// <summary>Whether a set is pending that no waiter has taken yet.</summary>
    public bool IsSet => _set;

    public void Set()
    {
        lock (_gate)
        {
            _set = true;
            if (_waiters > 0)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Sleeps until <see cref="Set"/> or the timeout, and takes the set; true when it was set.</summary>
    public bool Wait(TimeSpan timeout)
    {
        lock (_gate)
        {
            if (!_set)
            {
                _waiters++;
                try
                {
                    Monitor.Wait(_gate, timeout);
                }
                finally
                {
                    _waiters--;
                }
            }

            var wasSet = _set;
            _set = false;
            return wasSet;
        }
    }
}
