namespace HybridLogging.Internal;

/// <summary>
/// Raises the stream manager's events (<c>RealTimeLog</c>, <c>StreamFlushed</c>) on a thread of its own, in the order
/// they were posted. Posting never blocks: the queue is bounded, and when it is full the oldest event is dropped and
/// counted. The thread starts with the first event (an app without handlers posts none and has no such thread), sleeps
/// without spinning while there is nothing to raise, and ends once <see cref="CompleteAsync"/> has drained the queue.
/// </summary>
/// <remarks>
/// Why not a pump on the thread pool (an <c>await foreach</c> over a channel, as before): the dispatcher posts events
/// in bursts, and each burst completed the pump's wait onto a pool thread, which polls for more work, yielding, before
/// it sleeps. With one <c>RealTimeLog</c> handler on a stream of the paced full configuration (a Warning stream, 15% of
/// 20,000 entries/s) that doubled the CPU the library's threads spent per entry (12.2 to 26.7 µs) and context switches
/// went from 0.4 to 2.0 per entry (<c>paced --full --realtime</c>; the same cause as the subscriber's, see
/// <see cref="SubscriberWakeThread"/>).
/// </remarks>
internal sealed class StreamEventThread(Action<object> raise, Action dropped)
{
    /// <summary>Events the queue holds before the oldest is dropped (a power of two).</summary>
    public const int Capacity = 16_384;

    private const int SignalEvery = 256;

    private readonly BoundedRing<object> _queue = new(Capacity);
    private readonly WakeSignal _signal = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private volatile bool _completing;
    private int _started;
    private int _quietPosts; // the dispatcher's only

    /// <summary>Queues an event and wakes the thread (any thread; never blocks, never throws).</summary>
    public void Post(object item)
    {
        Enqueue(item);
        _signal.Set();
    }

    /// <summary>
    /// Queues an event from the dispatcher, which wakes the thread once at the end of its round (<see cref="Signal"/>)
    /// rather than per event: a wake per event cost a context switch each, since the thread had gone back to sleep
    /// before the round's next event. Past <see cref="SignalEvery"/> quiet posts it wakes the thread anyway.
    /// </summary>
    public void PostQuietly(object item)
    {
        Enqueue(item);
        if (++_quietPosts >= SignalEvery)
        {
            Signal();
        }
    }

    /// <summary>Wakes the thread if events were posted quietly since the last wake (the dispatcher, end of a round).</summary>
    public void Signal()
    {
        if (_quietPosts != 0)
        {
            _quietPosts = 0;
            _signal.Set();
        }
    }

    /// <summary>Raises what is queued, then ends the thread; completes when it has ended (at once if it never started).</summary>
    public Task CompleteAsync()
    {
        _completing = true;
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ended.TrySetResult();
        }

        _signal.Set();
        return _ended.Task;
    }

    private void Enqueue(object item)
    {
        while (!_queue.TryEnqueue(item))
        {
            if (_queue.TryDequeue(out _))
            {
                dropped(); // full: the oldest goes, as handlers that cannot keep up must not hold up the pipeline
            }
        }

        if (Volatile.Read(ref _started) == 0 && Interlocked.Exchange(ref _started, 1) == 0)
        {
            LibraryThread.Start("HybridLogging events", Run);
        }
    }

    private void Run()
    {
        SuppressionScope.Enter(); // a handler that logs must not raise events about its own entries without end
        try
        {
            while (true)
            {
                while (_queue.TryDequeue(out var item))
                {
                    try
                    {
                        raise(item);
                    }
                    catch (Exception ex)
                    {
                        SelfLog.Report($"A stream event handler threw: {ex.GetType().Name}: {ex.Message}");
                    }
                }

                if (_completing && _queue.Count == 0)
                {
                    return;
                }

                // A set made while this thread was raising is kept for this wait, so a post never waits for the timeout.
                _signal.Wait(TimeSpan.FromSeconds(1));
            }
        }
        finally
        {
            _ended.TrySetResult();
        }
    }
}
