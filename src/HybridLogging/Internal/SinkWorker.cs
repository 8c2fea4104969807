using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace HybridLogging.Internal;

/// <summary>
/// One destination: its own bounded queue, batching by size and time, write timeout, retries with backoff, and exact
/// accounting (received = written + dropped + failed + pending). Fed by the dispatcher only; written by its own
/// async loop, so a slow or hung sink never delays another destination or the app.
/// </summary>
internal sealed class SinkWorker : IAsyncDisposable
{
    private readonly BoundedRing<LogEntry> _queue;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly CancellationTokenSource _abort = new();
    private readonly ResiliencePipeline _resilience;
    private readonly int _batchSize;
    private readonly TimeSpan _flushInterval;
    private readonly TimeSpan _writeTimeout;
    private readonly QueueFullMode _fullMode;
    private readonly long _blockTimeoutTicks;
    private readonly SemaphoreSlim _room = new(0, int.MaxValue);
    private int _posterWaiting;
    private readonly int _minimumLevel;
    private readonly List<FlushWaiter> _waiters = [];
    private readonly Task _loop;

    private long _received;
    private long _written;
    private long _dropped;
    private long _failed;
    private long _retried;
    private long _batches;
    private long _lastFlushTicks;
    private string? _lastError;
    private const int SleepingIdle = 1;
    private const int SleepingPartial = 2;

    private int _sleeping;
    private int _partialCount;
    private long _flushTarget;
    private volatile bool _closed;
    private volatile bool _stopping;
    private int _sinkDisposed;
    private Task? _hungWrite;
    private (Func<ILogSink> Create, Task PredecessorStopped)? _deferredSink;
    private string? _sinkError;

    public SinkWorker(string name, ILogSink sink, SinkOptions options, HybridLoggingOptions defaults, string? stream = null)
        : this(name, () => sink, options, defaults, stream, predecessorStopped: null)
    {
    }

    /// <summary>
    /// Creates a worker. With <paramref name="predecessorStopped"/>, the sink is created only after that task completes:
    /// a replacement destination (changed settings) then queues entries at once but opens its sink only after the one
    /// it replaces has written what it accepted and released its resources (a file sink's lock, for example).
    /// </summary>
    public SinkWorker(string name, Func<ILogSink> createSink, SinkOptions options, HybridLoggingOptions defaults, string? stream, Task? predecessorStopped)
    {
        Name = name;
        Stream = stream;
        if (predecessorStopped is null)
        {
            Sink = createSink();
        }
        else
        {
            _deferredSink = (createSink, predecessorStopped);
        }

        _batchSize = options.BatchSize ?? defaults.BatchSize;
        _flushInterval = options.FlushInterval ?? defaults.FlushInterval;
        _writeTimeout = options.WriteTimeout;
        _fullMode = options.FullMode;
        _blockTimeoutTicks = (long)(defaults.BlockTimeout.TotalSeconds * Stopwatch.Frequency);
        _minimumLevel = (int)options.MinimumLevel;
        _queue = new BoundedRing<LogEntry>(options.QueueCapacity);
        _resilience = BuildResilience(options);

        // The loop must not capture the caller's ExecutionContext (its AsyncLocals, e.g. a correlation context).
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(RunAsync);
        }
    }

    public string Name { get; }

    public string? Stream { get; }

    /// <summary>The sink; null while a deferred sink waits for its predecessor, or when creating it failed.</summary>
    public ILogSink? Sink { get; private set; }

    /// <summary>Called on the worker after each successful batch with its size (the stream manager raises StreamFlushed).</summary>
    public Action<int>? BatchWritten { get; set; }

    public int QueueCapacity => _queue.Capacity;

    public int QueueLength => _queue.Count;

    /// <summary>Entries that reached a final state: written, dropped or failed.</summary>
    public long Completed => Volatile.Read(ref _written) + Volatile.Read(ref _dropped) + Volatile.Read(ref _failed);

    public long Received => Volatile.Read(ref _received);

    /// <summary>Offers an entry (dispatcher thread only). Never blocks; a full queue drops and counts.</summary>
    public void Post(LogEntry entry)
    {
        if ((int)entry.Level < _minimumLevel)
        {
            return;
        }

        Interlocked.Increment(ref _received);
        if (_closed)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        if (!_queue.TryEnqueue(entry))
        {
            if (_fullMode == QueueFullMode.Block)
            {
                if (!WaitForRoom(entry))
                {
                    Interlocked.Increment(ref _dropped);
                }
            }
            else if (_fullMode == QueueFullMode.DropOldest && _queue.TryDequeue(out _))
            {
                Interlocked.Increment(ref _dropped);
                if (!_queue.TryEnqueue(entry))
                {
                    Interlocked.Increment(ref _dropped);
                }
            }
            else
            {
                Interlocked.Increment(ref _dropped);
            }
        }

        // Coalesced wake-ups: an idle worker is woken by the first entry (it starts the batch deadline); a worker
        // holding a partial batch only once a full batch is available. Waking it per entry cost a thread-pool hop and
        // a timed wait (timer allocation) per entry.
        // The threshold is capped at half the queue, so a batch size larger than the queue cannot leave the worker
        // asleep while its queue fills and drops.
        var sleeping = Volatile.Read(ref _sleeping);
        if (sleeping == SleepingIdle || (sleeping == SleepingPartial && _queue.Count >= WakeThreshold(Volatile.Read(ref _partialCount))))
        {
            Wake();
        }
    }

    /// <summary>
    /// <see cref="QueueFullMode.Block"/>: the dispatcher waits (at most the pipeline's BlockTimeout) until the worker
    /// takes a batch. The backlog then stays in the pipeline queue as pooled holders instead of piling up here as built
    /// entries, which would survive into older GC generations.
    /// </summary>
    private bool WaitForRoom(LogEntry entry)
    {
        var deadline = Stopwatch.GetTimestamp() + _blockTimeoutTicks;
        Volatile.Write(ref _posterWaiting, 1);
        try
        {
            while (!_closed)
            {
                Wake(force: true);
                if (_queue.TryEnqueue(entry))
                {
                    return true;
                }

                if (!BlockingWait.Step(_room, deadline))
                {
                    return false;
                }
            }

            return false;
        }
        finally
        {
            Volatile.Write(ref _posterWaiting, 0);
        }
    }

    /// <summary>Completes when every entry received before the call is written, dropped or failed, and the sink has flushed.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = Received;
        if (Completed >= target && _flushTarget >= target)
        {
            return Task.CompletedTask;
        }

        var waiter = new FlushWaiter(target);
        lock (_waiters)
        {
            _waiters.Add(waiter);
        }

        InterlockedMax(ref _flushTarget, target);
        Wake(force: true);
        if (_loop.IsCompleted)
        {
            // Stopped: no loop is left to complete the waiter, and StopAsync already settled every entry.
            CompleteWaiters(force: true);
        }

        return cancellationToken.CanBeCanceled ? waiter.Completion.Task.WaitAsync(cancellationToken) : waiter.Completion.Task;
    }

    public SinkStats GetStats() => new()
    {
        Name = Name,
        Stream = Stream,
        Received = Received,
        Written = Volatile.Read(ref _written),
        Dropped = Volatile.Read(ref _dropped),
        Failed = Volatile.Read(ref _failed),
        Retried = Volatile.Read(ref _retried),
        Batches = Volatile.Read(ref _batches),
        QueueLength = QueueLength,
        QueueCapacity = QueueCapacity,
        BytesWritten = Sink is IReportsBytes bytes ? bytes.BytesWritten : 0,
        LastFlush = Volatile.Read(ref _lastFlushTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null,
        LastError = Volatile.Read(ref _lastError),
    };

    /// <summary>Stops accepting, writes what is queued (until <paramref name="timeout"/>), counts the rest as dropped, disposes the sink.</summary>
    public async ValueTask StopAsync(TimeSpan timeout)
    {
        _closed = true;
        _stopping = true;
        Wake(force: true);
        try
        {
            await _loop.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            SelfLog.Report($"Destination '{Name}' did not drain within {timeout}; the rest of its queue is dropped.");
            await _abort.CancelAsync().ConfigureAwait(false);
            try
            {
                await _loop.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The sink ignores cancellation; its batch stays counted as pending and is reported below.
            }
        }

        while (_queue.TryDequeue(out _))
        {
            Interlocked.Increment(ref _dropped);
        }

        CompleteWaiters(force: true);
        try
        {
            if (Sink is not null && _hungWrite is null or { IsCompleted: true } && Interlocked.Exchange(ref _sinkDisposed, 1) == 0)
            {
                await Sink.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            else if (Sink is { } sink && _hungWrite is { IsCompleted: false } hung)
            {
                // Disposing while the timed-out write still runs could break the sink mid-write: dispose it when
                // (if ever) that write completes, without holding up shutdown.
                _ = hung.ContinueWith(
                    async _ =>
                    {
                        if (Interlocked.Exchange(ref _sinkDisposed, 1) == 0)
                        {
                            try
                            {
                                await sink.DisposeAsync().ConfigureAwait(false);
                            }
                            catch (Exception ex)
                            {
                                SelfLog.Report($"Destination '{Name}': disposing the sink after its hung write failed: {ex.Message}");
                            }
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.None,
                    TaskScheduler.Default);
            }
        }
        catch (Exception ex)
        {
            SelfLog.Report($"Destination '{Name}': disposing the sink failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _abort.Dispose();
    }

    private int WakeThreshold(int partialCount) => Math.Max(1, Math.Min(_batchSize - partialCount, _queue.Capacity / 2));

    private void Wake(bool force = false)
    {
        if (force || Volatile.Read(ref _sleeping) != 0)
        {
            if (Interlocked.Exchange(ref _sleeping, 0) != 0 || force)
            {
                _wake.Release();
            }
        }
    }

    private async Task RunAsync()
    {
        SuppressionScope.Enter();
        if (_deferredSink is { } deferred)
        {
            try
            {
                await deferred.PredecessorStopped.WaitAsync(_abort.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                return; // stopped before the predecessor finished: StopAsync counts the queue as dropped
            }
            catch (Exception ex)
            {
                SelfLog.Report($"Destination '{Name}': the destination it replaces stopped with an error: {ex.Message}");
            }

            try
            {
                Sink = deferred.Create();
            }
            catch (Exception ex)
            {
                _sinkError = $"the sink could not be created: {ex.Message}";
                Volatile.Write(ref _lastError, _sinkError);
                SelfLog.Report($"Destination '{Name}': {_sinkError}");
            }
        }

        var batch = new List<LogEntry>(_batchSize);
        var deadline = 0L;
        while (true)
        {
            try
            {
                while (batch.Count < _batchSize && _queue.TryDequeue(out var entry))
                {
                    if (batch.Count == 0)
                    {
                        deadline = Stopwatch.GetTimestamp() + (long)(_flushInterval.TotalSeconds * Stopwatch.Frequency);
                    }

                    batch.Add(entry);
                }

                if (Volatile.Read(ref _posterWaiting) != 0 && _room.CurrentCount == 0)
                {
                    _room.Release();
                }

                var flushWanted = Volatile.Read(ref _flushTarget) > Completed;
                if (batch.Count > 0 &&
                    (batch.Count >= _batchSize || flushWanted || _stopping || Stopwatch.GetTimestamp() >= deadline))
                {
                    batch = await WriteAsync(batch).ConfigureAwait(false);
                    await CompleteWaitersAsync().ConfigureAwait(false);
                    continue;
                }

                if (batch.Count == 0 && _queue.Count == 0)
                {
                    await CompleteWaitersAsync().ConfigureAwait(false);
                    if (_stopping)
                    {
                        return;
                    }
                }

                // Announce sleep, then re-check, so a Post between the check and the wait is not missed.
                Volatile.Write(ref _partialCount, batch.Count);
                Interlocked.Exchange(ref _sleeping, batch.Count == 0 ? SleepingIdle : SleepingPartial);
                if (batch.Count == 0 ? _queue.Count > 0 : _queue.Count >= WakeThreshold(batch.Count))
                {
                    Interlocked.Exchange(ref _sleeping, 0);
                    continue;
                }

                var wait = batch.Count == 0
                    ? Timeout.InfiniteTimeSpan
                    : TimeSpan.FromSeconds(Math.Max(0, (deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
                await _wake.WaitAsync(wait, _abort.Token).ConfigureAwait(false);
                Interlocked.Exchange(ref _sleeping, 0);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                Interlocked.Add(ref _dropped, batch.Count);
                return;
            }
            catch (Exception ex)
            {
                // Never let the loop die: report and go on.
                SelfLog.Report($"Destination '{Name}' loop error: {ex}");
            }
        }
    }

    /// <summary>Writes one batch; returns the list to reuse (a new one if a hung sink may still read the old).</summary>
    private async Task<List<LogEntry>> WriteAsync(List<LogEntry> batch)
    {
        var count = batch.Count;
        Interlocked.Increment(ref _batches);
        if (Sink is null)
        {
            Fail(batch, _sinkError ?? "the sink is not available");
            batch.Clear();
            return batch;
        }

        if (_hungWrite is { IsCompleted: false })
        {
            Fail(batch, "the sink is still busy with an earlier write that timed out");
            batch.Clear();
            return batch;
        }

        var abandoned = false;
        try
        {
            await _resilience.ExecuteAsync(
                async (state, token) =>
                {
                    var write = state.Worker.Sink!.WriteBatchAsync(state.Batch, token).AsTask();
                    try
                    {
                        await write.WaitAsync(state.Worker._writeTimeout, token).ConfigureAwait(false);
                    }
                    catch (TimeoutException)
                    {
                        state.Worker._hungWrite = write;
                        throw new SinkTimeoutException();
                    }
                },
                (Worker: this, Batch: (IReadOnlyList<LogEntry>)batch),
                _abort.Token).ConfigureAwait(false);
            Interlocked.Add(ref _written, count);
            Volatile.Write(ref _lastFlushTicks, DateTime.UtcNow.Ticks);
            BatchWritten?.Invoke(count);
        }
        catch (SinkTimeoutException)
        {
            abandoned = true;
            Fail(batch, $"write did not complete within {_writeTimeout}");
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            Interlocked.Add(ref _dropped, count);
        }
        catch (Exception ex)
        {
            Fail(batch, $"{ex.GetType().Name}: {ex.Message}");
        }

        if (abandoned)
        {
            return new List<LogEntry>(_batchSize);
        }

        batch.Clear();
        return batch;
    }

    private void Fail(List<LogEntry> batch, string reason)
    {
        Interlocked.Add(ref _failed, batch.Count);
        Volatile.Write(ref _lastError, reason);
        SelfLog.Report($"Destination '{Name}': {batch.Count} entries failed: {reason}");
    }

    private async Task CompleteWaitersAsync()
    {
        var completed = Completed;
        var any = false;
        lock (_waiters)
        {
            foreach (var waiter in _waiters)
            {
                any |= waiter.Target <= completed;
            }
        }

        if (!any)
        {
            return;
        }

        if (Sink is not null && _hungWrite is null or { IsCompleted: true })
        {
            try
            {
                await Sink.FlushAsync(_abort.Token).AsTask().WaitAsync(_writeTimeout).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_abort.IsCancellationRequested)
            {
                Volatile.Write(ref _lastError, $"flush failed: {ex.GetType().Name}: {ex.Message}");
            }
        }

        CompleteWaiters(force: false);
    }

    private void CompleteWaiters(bool force)
    {
        var completed = Completed;
        lock (_waiters)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (force || _waiters[i].Target <= completed)
                {
                    _waiters[i].Completion.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private ResiliencePipeline BuildResilience(SinkOptions options)
    {
        var builder = new ResiliencePipelineBuilder();
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                // A timed-out write may still be running: calling the sink again would overlap calls.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not SinkTimeoutException and not OperationCanceledException),
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _retried);
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }

    private static void InterlockedMax(ref long location, long value)
    {
        var current = Volatile.Read(ref location);
        while (current < value)
        {
            var observed = Interlocked.CompareExchange(ref location, value, current);
            if (observed == current)
            {
                return;
            }

            current = observed;
        }
    }

    private sealed class FlushWaiter(long target)
    {
        public long Target { get; } = target;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class SinkTimeoutException : Exception
    {
        public SinkTimeoutException()
            : base("The sink write timed out.")
        {
        }
    }
}
