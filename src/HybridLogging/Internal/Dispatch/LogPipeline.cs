using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Internal;

/// <summary>
/// The engine: a bounded lock-free multi-producer queue of captured calls, one dispatcher thread that hands each call
/// to the <see cref="Dispatcher"/> with the current <see cref="RouteTable"/>, and the flush/shutdown protocol.
/// </summary>
/// <remarks>
/// Accounting: Produced = DroppedAtQueue + DroppedAtShutdown + Dispatched + Queued, at every moment. Each destination
/// then accounts for what it received (see <see cref="SinkWorker"/>).
/// </remarks>
internal sealed partial class LogPipeline : IAsyncDisposable
{
    private readonly PipelineQueue _queue;
    private readonly Action _wakeIfSleeping;
    private readonly Func<bool> _isAccepting;
    private static readonly long MaxSpinTicks = Stopwatch.Frequency / 10_000; // 100 µs
    private static readonly long MinSpinTicks = Stopwatch.Frequency / 500_000; // 2 µs

    private readonly WakeSignal _wake = new();
    private readonly ConcurrentQueue<(long Target, TaskCompletionSource Done)> _flushRequests = new();
    private readonly Dispatcher _dispatcher = new();
    private RouteTable? _tableSeen;
    private readonly Queue<(long Version, TaskCompletionSource Done)> _routeWaiters = new();
    private readonly Thread _thread;

    private volatile PipelineSettings _settings;
    private volatile RouteTable _table = RouteTable.Empty;
    private long _droppedShutdown;
    private long _droppedStragglers;
    private long _lastReportedDrops;
    private long _lastReportTimestamp;
    private int _sleeping;
    private long _spinTicks = MaxSpinTicks;
    private volatile bool _accepting = true;
    private volatile bool _stopping;
    private volatile bool _exited;
    private int _disposed;

    public LogPipeline(HybridLoggingOptions options)
    {
        _settings = new PipelineSettings(options);
        _queue = new PipelineQueue(options);
        _wakeIfSleeping = WakeIfSleeping;
        _isAccepting = () => _accepting;
        ShutdownTimeout = options.ShutdownTimeout;
        _thread = LibraryThread.Start("HybridLogging dispatcher", Run);
    }

    public PipelineSettings Settings
    {
        get => _settings;
        set => _settings = value;
    }

    public TimeSpan ShutdownTimeout { get; set; }

    public int QueueCapacity => _queue.Capacity;

    public int QueueLength => _queue.Count;

    /// <summary>
    /// Replaces the route table. The task completes once the dispatcher has taken it up, after handing the records it
    /// formatted for the previous table's destinations to them (at once if the dispatcher has stopped).
    /// </summary>
    public Task SetRoutes(RouteTable table)
    {
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_routeWaiters)
        {
            _table = table;
            _routeWaiters.Enqueue((table.Version, applied));
        }

        _wake.Set();
        if (_exited)
        {
            CompleteRouteWaiters(long.MaxValue);
        }

        return applied.Task;
    }

    public RouteTable Routes => _table;

    /// <summary>Adds a captured call. Never throws, never blocks except under <see cref="QueueFullMode.Block"/> (bounded).</summary>
    public void Enqueue(PendingEntry entry)
    {
        if (!_accepting)
        {
            Interlocked.Increment(ref _droppedShutdown);
            entry.Return();
            return;
        }

        if (_queue.TryAdd(entry, _wakeIfSleeping, _isAccepting))
        {
            WakeIfSleeping();
        }
    }

    private void WakeIfSleeping()
    {
        if (Volatile.Read(ref _sleeping) != 0 && Interlocked.Exchange(ref _sleeping, 0) != 0)
        {
            _wake.Set();
        }
    }

    /// <summary>Completes when every entry enqueued before the call has been written, dropped or failed at every destination.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var target = _queue.EnqueuedCount;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _flushRequests.Enqueue((target, done));
        _wake.Set();
        if (_exited)
        {
            // After shutdown no dispatcher is left to answer the request: everything is already written or counted.
            CompleteAllFlushRequests();
        }

        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);

        var workers = _table.Workers;

        var flushes = new Task[workers.Length];
        for (var i = 0; i < workers.Length; i++)
        {
            flushes[i] = workers[i].FlushAsync(cancellationToken);
        }

        await Task.WhenAll(flushes).ConfigureAwait(false);
    }

    private void Run()
    {
        SuppressionScope.Enter();
        _lastReportTimestamp = Stopwatch.GetTimestamp();
        while (true)
        {
            var processed = 0;
            try
            {
                if (!ReferenceEquals(_table, _tableSeen))
                {
                    TakeUpRoutes(); // even when idle, so a route change completes promptly
                }

                while (processed < 4096 && _queue.TryTake(out var pending))
                {
                    if (!ReferenceEquals(_table, _tableSeen))
                    {
                        TakeUpRoutes();
                    }

                    _dispatcher.Dispatch(pending, _tableSeen!, _settings);
                    processed++;
                    if ((processed & 255) == 0)
                    {
                        _queue.ReleaseBlockedProducers();
                    }
                }

                _queue.ReleaseBlockedProducers();

                // Records formatted this round go to their destinations, except that destinations with work queued get
                // theirs in fuller chunks (see HandOffAll) until the dispatcher sleeps or a flush asks for them.
                _tableSeen?.HandOffAll(all: _stopping);
                var flushPending = CompleteFlushRequests();
                ReportDrops(force: false);
                if (processed > 0)
                {
                    continue;
                }

                if (_stopping && _queue.Count == 0)
                {
                    // Answer requests that raced with shutdown; FlushAsync answers later ones itself (see _exited).
                    _tableSeen?.HandOffAll();
                    _exited = true;
                    CompleteAllFlushRequests();
                    CompleteRouteWaiters(long.MaxValue);
                    return;
                }

                if (flushPending || _queue.Count > 0)
                {
                    // A producer has claimed a slot but not yet published it: it will within nanoseconds.
                    Thread.Yield();
                    continue;
                }

                if (SpinForWork())
                {
                    continue;
                }

                _tableSeen?.HandOffAll();
                Interlocked.Exchange(ref _sleeping, 1);
                if (_queue.Count > 0 || !_flushRequests.IsEmpty || _stopping)
                {
                    Interlocked.Exchange(ref _sleeping, 0);
                    continue;
                }

                var slept = Stopwatch.GetTimestamp();
                _wake.Wait(TimeSpan.FromSeconds(1));
                Interlocked.Exchange(ref _sleeping, 0);
                if (Stopwatch.GetTimestamp() - slept < MaxSpinTicks)
                {
                    _spinTicks = MaxSpinTicks; // work came back within a full spin: spinning would have saved this sleep
                }
            }
            catch (Exception ex)
            {
                SelfLog.Report($"Dispatcher error: {ex}");
            }
        }
    }

    /// <summary>
    /// Before blocking, polls for a while (yielding, so other runnable threads such as subscribers get the core): at
    /// steady high rates the next entry arrives within microseconds, and a wake-up per idle-to-busy transition cost a
    /// kernel round trip per entry (spin-then-block, as in the Disruptor). The while adapts, as an adaptive mutex's
    /// spin does: up to 100 µs while spinning finds work, halved (down to 2 µs) each time it does not, back to 100 µs
    /// once work comes back sooner than a full spin would have waited.
    /// </summary>
    /// <remarks>
    /// A fixed 100 µs cost a service that logs in bursts (a few calls per request, a request every millisecond or so)
    /// 100 µs of CPU per burst for nothing: at 20,000 entries/s in bursts a millisecond apart (<c>paced</c> benchmark)
    /// about 5 of the 6.5 µs per entry the logger's threads spent.
    /// </remarks>
    private bool SpinForWork()
    {
        var until = Stopwatch.GetTimestamp() + _spinTicks;
        var spins = 0;
        while (Stopwatch.GetTimestamp() < until)
        {
            if (_queue.Count > 0 || !_flushRequests.IsEmpty || _stopping)
            {
                _spinTicks = MaxSpinTicks;
                return true;
            }

            // Yield every other poll: a subscriber's thread woken by the last entry then gets this core within
            // microseconds instead of waiting for the end of a scheduler slice (subscriber p99 4 ms -> under 0.4 ms
            // on 2 cores; yielding every 8th poll was not enough).
            if (++spins % 2 == 0)
            {
                Thread.Yield();
            }
            else
            {
                Thread.SpinWait(20);
            }
        }

        _spinTicks = Math.Max(MinSpinTicks, _spinTicks / 2);
        return false;
    }

    /// <summary>Switches to the current routes and completes the <see cref="SetRoutes"/> calls they include.</summary>
    private void TakeUpRoutes()
    {
        RouteTable table;
        lock (_routeWaiters)
        {
            table = _table;
        }

        _tableSeen?.HandOffAll(); // what was formatted for the old destinations goes to them
        _tableSeen = table;
        CompleteRouteWaiters(table.Version);
    }

    private void CompleteRouteWaiters(long version)
    {
        lock (_routeWaiters)
        {
            while (_routeWaiters.TryPeek(out var waiter) && waiter.Version <= version)
            {
                _routeWaiters.Dequeue().Done.TrySetResult();
            }
        }
    }

    private void CompleteAllFlushRequests()
    {
        while (_flushRequests.TryDequeue(out var request))
        {
            request.Done.TrySetResult();
        }
    }

    private bool CompleteFlushRequests()
    {
        if (_flushRequests.IsEmpty)
        {
            return false;
        }

        // A flush covers every record formatted so far: none may stay behind in a chunk being filled.
        _tableSeen?.HandOffAll();
        // Every item below the dequeue position has been dispatched (or dropped by a producer) once we get here,
        // because this thread is the only one that dispatches and it has finished the items it took.
        var watermark = _queue.DequeuedCount;
        var remaining = 0;
        var count = _flushRequests.Count;
        for (var i = 0; i < count && _flushRequests.TryDequeue(out var request); i++)
        {
            if (request.Target <= watermark || _stopping)
            {
                request.Done.TrySetResult();
            }
            else
            {
                _flushRequests.Enqueue(request);
                remaining++;
            }
        }

        return remaining > 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var timeout = ShutdownTimeout;
        var started = Stopwatch.GetTimestamp();
        using (var cts = new CancellationTokenSource(timeout))
        {
            try
            {
                await FlushAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                SelfLog.Report($"Shutdown flush did not finish within {timeout}; what is left is counted as dropped.");
            }
        }

        _accepting = false;
        _stopping = true;
        _wake.Set();
        var left = timeout - Stopwatch.GetElapsedTime(started);
        if (!_thread.Join(left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1)))
        {
            SelfLog.Report("The dispatcher did not stop in time.");
        }

        // Producers that raced with shutdown may have left entries behind: count them, never lose them silently.
        while (_queue.TryTake(out var straggler))
        {
            Interlocked.Increment(ref _droppedStragglers);
            straggler.Return();
        }

        var workers = _table.Workers;
        left = timeout - Stopwatch.GetElapsedTime(started);
        var stops = new Task[workers.Length];
        for (var i = 0; i < workers.Length; i++)
        {
            stops[i] = workers[i].StopAsync(left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1)).AsTask();
        }

        await Task.WhenAll(stops).ConfigureAwait(false);
        ReportDrops(force: true);
    }
}
