using Microsoft.Extensions.Logging;

namespace HybridLogging.Internal;

/// <summary>
/// One destination: its own bounded queue, batching by size and time, and exact accounting
/// (received = written + dropped + failed + pending). Fed by the dispatcher only; written by its own async loop through
/// <see cref="BatchWriter"/>, so a slow or hung sink never delays another destination or the app.
/// </summary>
/// <remarks>
/// This file holds its construction, the dispatcher's side (posting), flush, statistics and stop; the loop that takes
/// batches and writes them is in <c>SinkWorker.Loop.cs</c>.
/// A destination whose sink takes records (<see cref="IFormattedLogSink"/>) gets chunks of records the dispatcher
/// formatted once for every destination of that formatter; its queue limit still counts entries, not chunks.
/// </remarks>
internal sealed partial class SinkWorker : IAsyncDisposable
{
    private const int SleepingIdle = 1;
    private const int SleepingPartial = 2;

    private readonly DestinationQueue _queue;
    private readonly Action _forceWake;
    private readonly Func<bool> _isClosed;
    private readonly WakeSignal _wake = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly DestinationCounters _counters = new();
    private readonly BatchWriter _writer;
    private readonly int _batchSize;
    private readonly TimeSpan _flushInterval;
    private readonly TimeSpan _writeTimeout;
    private readonly int _minimumLevel;
    private readonly FlushWaiters _waiters = new();
    private readonly DeferredRecords _deferred;
    private readonly Task _loop;

    private int _sleeping;
    private int _partialCount;
    private volatile bool _closed;
    private volatile bool _stopping;
    private (Func<ILogSink> Create, Task PredecessorStopped)? _deferredSink;
    private string? _sinkError;

    public SinkWorker(string name, ILogSink sink, SinkOptions options, HybridLoggingOptions defaults, string? stream = null)
        : this(name, () => sink, options, defaults, stream, predecessorStopped: null)
    {
    }

    /// <summary>
    /// Creates a worker. With <paramref name="predecessorStopped"/>, the sink is created only after that task completes:
    /// a replacement destination (changed settings) then queues entries at once but opens its sink only after the one
    /// it replaces has written what it accepted and released its resources (a file sink's lock, for example). Until it
    /// opens, it takes what <paramref name="expectedFormatter"/> formats (its predecessor's), so the replacement gets
    /// records like the destination it replaces.
    /// </summary>
    public SinkWorker(
        string name,
        Func<ILogSink> createSink,
        SinkOptions options,
        HybridLoggingOptions defaults,
        string? stream,
        Task? predecessorStopped,
        Formatting.LogEntryFormatter? expectedFormatter = null)
    {
        Name = name;
        Stream = stream;
        if (predecessorStopped is null)
        {
            Sink = createSink();
            Formatter = (Sink as IFormattedLogSink)?.Formatter;
        }
        else
        {
            _deferredSink = (createSink, predecessorStopped);
            Formatter = expectedFormatter;
        }

        _batchSize = options.BatchSize ?? defaults.BatchSize;
        _flushInterval = options.FlushInterval ?? defaults.FlushInterval;
        _writeTimeout = options.WriteTimeout;
        _minimumLevel = (int)options.MinimumLevel;
        _queue = new DestinationQueue(options, defaults, _counters);
        _forceWake = () => Wake(force: true);
        _isClosed = () => _closed;
        _writer = new BatchWriter(name, options, _counters);
        _deferred = new DeferredRecords(name, _counters, _forceWake);

        // The loop runs on a thread of its own and sleeps there between batches (see LoopThread), without the caller's
        // execution context (see LibraryThread).
        LoopThread.Start($"HybridLogging sink {name}", RunAsync, out _loop);
    }

    public string Name { get; }

    public string? Stream { get; }

    /// <summary>The sink; null while a deferred sink waits for its predecessor, or when creating it failed.</summary>
    public ILogSink? Sink { get; private set; }

    /// <summary>
    /// Called on the worker after a batch with the number of its entries the write counted as written, when there are
    /// any (the stream manager raises StreamFlushed).
    /// </summary>
    public Action<int>? BatchWritten { get; set; }

    /// <summary>
    /// The formatter whose records this destination takes, or null when it takes <see cref="LogEntry"/> objects. Fixed
    /// for the worker's life (a deferred sink whose formatter differs fails the records it cannot take, see
    /// <see cref="FormatterMismatch"/>).
    /// </summary>
    public Formatting.LogEntryFormatter? Formatter { get; }

    /// <summary>Raised (once) when a deferred sink turns out to take another formatter's output than the one expected.</summary>
    public Action<SinkWorker>? FormatterMismatch { get; set; }

    /// <summary>The counters (a replacement absorbs its predecessor's final totals).</summary>
    internal DestinationCounters Counters => _counters;

    public int QueueCapacity => _queue.Capacity;

    /// <summary>Queued entries (a chunk of lines counts as its entries).</summary>
    public int QueueLength => _queue.Length;

    /// <summary>The lowest level this destination takes.</summary>
    public LogLevel MinimumLevel => (LogLevel)_minimumLevel;

    /// <summary>Entries that reached a final state: written, dropped or failed.</summary>
    public long Completed => _counters.Completed;

    public long Received => Volatile.Read(ref _counters.Received);

    /// <summary>Offers an entry (dispatcher thread only). Never blocks except under opt-in Block; a full queue drops and counts.</summary>
    public void Post(LogEntry entry)
    {
        if (Formatter is not null)
        {
            // The dispatcher formats records for these destinations; an entry here would never reach the sink.
            throw new InvalidOperationException($"Destination '{Name}' takes formatted records, not entries.");
        }

        if ((int)entry.Level < _minimumLevel)
        {
            return;
        }

        Offer(entry, 1);
    }

    /// <summary>
    /// Offers a chunk of records (dispatcher thread only). The caller has taken one reference on the chunk for this
    /// destination; the worker releases it once its records are written, dropped or failed.
    /// </summary>
    public void PostRecords(Utf8Chunk chunk) => Offer(chunk, chunk.Count);

    /// <summary>Counts an entry the formatter could not format for this destination (received, then failed).</summary>
    public void FailUnformatted(string reason)
    {
        Interlocked.Increment(ref _counters.Received);
        _counters.AddFailed(1, reason);
    }

    private void Offer(object item, int count)
    {
        Interlocked.Add(ref _counters.Received, count);
        if (_closed)
        {
            _queue.Drop(item, count);
            return;
        }

        _queue.Offer(item, count, _forceWake, _isClosed);

        // Coalesced wake-ups: an idle worker is woken by the first entry (it starts the batch deadline); a worker
        // holding a partial batch only once a full batch is available. Waking it per entry cost a thread-pool hop and
        // a timed wait (timer allocation) per entry.
        // The threshold is capped at half the queue, so a batch size larger than the queue cannot leave the worker
        // asleep while its queue fills and drops.
        var sleeping = Volatile.Read(ref _sleeping);
        if (sleeping == SleepingIdle || (sleeping == SleepingPartial && QueueLength >= WakeThreshold(Volatile.Read(ref _partialCount))))
        {
            Wake();
        }
    }

    /// <summary>Completes when every entry received before the call is written, dropped or failed, and the sink has flushed.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = Received;
        if (Completed >= target && _waiters.Target >= target)
        {
            return Task.CompletedTask;
        }

        var waiting = _waiters.Add(target, cancellationToken);
        Wake(force: true);
        if (_loop.IsCompleted)
        {
            // Stopped: no loop is left to complete the waiter, and StopAsync already settled every entry.
            CompleteWaiters(force: true);
        }

        return waiting;
    }

    public SinkStats GetStats() => new()
    {
        Name = Name,
        Stream = Stream,
        Received = Received,
        Written = Volatile.Read(ref _counters.Written),
        Dropped = Volatile.Read(ref _counters.Dropped),
        Failed = Volatile.Read(ref _counters.Failed),
        Retried = Volatile.Read(ref _counters.Retried),
        Batches = Volatile.Read(ref _counters.Batches),
        QueueLength = QueueLength,
        QueueCapacity = QueueCapacity,
        BytesWritten = Sink is IReportsBytes bytes ? bytes.BytesWritten : 0,
        LastFlush = Volatile.Read(ref _counters.LastFlushTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null,
        LastError = Volatile.Read(ref _counters.LastError),
        FailedByReason = _counters.FailedByReason,
        Counters = _counters.Counters,
        Deferred = _deferred.Pending,
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
            Wake(force: true); // a loop asleep between batches sees the abort
            try
            {
                await _loop.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The sink ignores cancellation; its batch stays counted as pending and is reported below.
            }
        }

        while (_queue.TryDequeue(out var left, out var leftCount))
        {
            _queue.Drop(left, leftCount);
        }

        _deferred.FailUnsettled(timeout);
        CompleteWaiters(force: true);
        await _writer.DisposeSinkAsync(Sink).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _abort.Dispose();
    }
}
