using System.Diagnostics.Metrics;
using HybridLogging.Internal;

namespace HybridLogging;

/// <summary>
/// Named streams over the one logging pipeline: each stream selects entries with its filters and sends them to its
/// destinations, each destination with its own queue, batching and retries. Streams can be created, changed and
/// removed while the app logs; recent entries can be queried; subscribers get entries as they are dispatched.
/// </summary>
/// <remarks>
/// The dispatcher thread reads an immutable snapshot of the streams; changes build a new snapshot under a lock and
/// publish it with one reference write, so logging never waits for a change and a change never sees half a stream.
/// </remarks>
/// <example>
/// <code language="csharp">
/// var streams = host.Services.GetRequiredService&lt;LogStreamManager&gt;();
/// streams.CreateStream(new LogStreamConfig
/// {
///     Id = "errors",
///     Filters = [new LogFilter { Id = "errors", MinimumLevel = LogLevel.Error }],
///     Destinations = [new LogDestinationConfig { Id = "errors-file", Type = "File", Settings = { ["Path"] = "logs/errors.json" } }],
/// });
/// await using var errors = streams.SubscribeToStream("errors", null, 1_000);
/// await foreach (var entry in errors)
/// {
///     Console.WriteLine(entry.Message);
/// }
/// </code>
/// </example>
public sealed partial class LogStreamManager
{
    private readonly HybridLoggerProvider _provider;
    private readonly StreamBuilder _builder;
    private readonly Lock _gate = new();
    private readonly StreamEventThread _events;
    private readonly Meter _meter;
    private readonly HashSet<string> _configuredIds = new(StringComparer.Ordinal);
    private volatile StreamRuntime[] _streams = [];
    private volatile LogSubscription[] _subscribers = [];
    private volatile bool _running = true;
    private long _eventsDropped;
    private int _disposed;

    internal LogStreamManager(HybridLoggerProvider provider)
    {
        _provider = provider;
        _events = new StreamEventThread(RaiseEvent, () => Interlocked.Increment(ref _eventsDropped));
        _builder = new StreamBuilder(provider, (stream, destination, count) =>
        {
            if (StreamFlushed is not null)
            {
                _events.Post(new StreamFlushedEventArgs(stream, destination, count));
            }
        });

        _meter = new Meter(HybridLoggingMetrics.MeterName);
        _meter.CreateObservableCounter("hybridlogging.stream.received", () => PerStream(s => s.Received), "{entry}", "Entries offered to a stream.");
        _meter.CreateObservableCounter("hybridlogging.stream.matched", () => PerStream(s => s.Matched), "{entry}", "Entries a stream's filters passed.");
    }

    /// <summary>Raised (off the logging path) for each entry matched by a stream with <see cref="LogStreamConfig.RealTimeEnabled"/>.</summary>
    public event EventHandler<RealTimeLogEventArgs>? RealTimeLog;

    /// <summary>Raised (off the logging path) each time a stream's destination writes a batch.</summary>
    public event EventHandler<StreamFlushedEventArgs>? StreamFlushed;

    /// <summary>Whether streams receive entries (see <see cref="Start"/> and <see cref="StopAsync"/>).</summary>
    public bool IsRunning => _running;

    /// <summary>Events dropped because handlers could not keep up (bounded event queue of 16,384; the oldest goes).</summary>
    public long EventsDropped => Volatile.Read(ref _eventsDropped);

    /// <summary>Resumes routing entries to streams.</summary>
    public void Start() => _running = true;

    /// <summary>Stops routing entries to streams, then waits until their destinations have written what they accepted.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        _running = false;
        var workers = new List<SinkWorker>();
        CollectWorkers(workers);
        await Task.WhenAll(workers.Select(w => w.FlushAsync(cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>The current stream configurations (copies).</summary>
    public IReadOnlyList<LogStreamConfig> GetStreams() => [.. _streams.Select(s => s.Config.Clone())];

    /// <summary>The configuration of one stream (a copy), or null.</summary>
    public LogStreamConfig? GetStream(string id) => Find(id)?.Config.Clone();

    /// <summary>Creates a stream and starts routing to it. Throws <see cref="ArgumentException"/> for invalid or duplicate configuration.</summary>
    public void CreateStream(LogStreamConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var copy = Normalize(config);
        lock (_gate)
        {
            ThrowIfDisposed();
            if (Find(copy.Id) is not null)
            {
                throw new ArgumentException($"A stream with id '{copy.Id}' already exists.", nameof(config));
            }

            var runtime = _builder.Build(copy, previous: null, out _);
            _streams = [.. _streams, runtime];
            _provider.PublishRoutes();
        }
    }

    /// <summary>
    /// Replaces a stream's filters, destinations and settings. Destinations whose type, settings and queue settings are
    /// unchanged keep running (nothing they accepted is lost); replaced or removed ones write what they accepted, then close.
    /// </summary>
    public void UpdateStream(LogStreamConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var copy = Normalize(config);
        List<(SinkWorker Worker, StreamCounters Counters, TaskCompletionSource? Stopped)> retired;
        Task applied;
        lock (_gate)
        {
            ThrowIfDisposed();
            var previous = Find(copy.Id) ?? throw new KeyNotFoundException($"No stream with id '{copy.Id}'.");
            var runtime = _builder.Build(copy, previous, out retired);
            _streams = [.. _streams.Select(s => ReferenceEquals(s, previous) ? runtime : s)];
            applied = _provider.PublishRoutes();
        }

        Retire(retired, applied);
    }

    /// <summary>Removes a stream: stops routing to it, lets its destinations write what they accepted, then disposes them.</summary>
    public async Task<bool> RemoveStreamAsync(string id, CancellationToken cancellationToken = default)
    {
        StreamRuntime? removed;
        Task applied;
        lock (_gate)
        {
            removed = Find(id);
            if (removed is null)
            {
                return false;
            }

            _streams = [.. _streams.Where(s => !ReferenceEquals(s, removed))];
            _configuredIds.Remove(id);
            applied = _provider.PublishRoutes();
        }

        foreach (var subscriber in _subscribers)
        {
            if (subscriber.StreamId == id)
            {
                subscriber.Complete();
            }
        }

        await Task.WhenAll(Retire([.. removed.Destinations.Select(d => (d.Worker, removed.Counters, (TaskCompletionSource?)null))], applied)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Adds (or replaces, by id) a filter of a stream.</summary>
    public void AddFilter(string streamId, LogFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (_gate)
        {
            var config = (Find(streamId) ?? throw new KeyNotFoundException($"No stream with id '{streamId}'.")).Config.Clone();
            config.Filters.RemoveAll(f => f.Id == filter.Id);
            config.Filters.Add(filter.Clone());
            UpdateStream(config);
        }
    }

    /// <summary>Removes a filter from a stream (and from its destinations' filter ids). Returns false if it was not there.</summary>
    public bool RemoveFilter(string streamId, string filterId)
    {
        lock (_gate)
        {
            var config = (Find(streamId) ?? throw new KeyNotFoundException($"No stream with id '{streamId}'.")).Config.Clone();
            if (config.Filters.RemoveAll(f => f.Id == filterId) == 0)
            {
                return false;
            }

            foreach (var destination in config.Destinations)
            {
                destination.FilterIds.Remove(filterId);
            }

            UpdateStream(config);
            return true;
        }
    }

    /// <summary>Recent entries (each stream keeps its last <see cref="LogStreamConfig.BufferSize"/>), newest last.</summary>
    public IReadOnlyList<LogEntry> QueryLogs(LogQuery? query = null) => RecentQuery.Run(_streams, query);

    /// <summary>Subscribes to every dispatched entry (buffer of 1,000).</summary>
    public LogSubscription Subscribe() => Subscribe(null, 1_000);

    /// <summary>Subscribes to every dispatched entry that <paramref name="filter"/> passes, with a buffer of <paramref name="capacity"/> entries.</summary>
    public LogSubscription Subscribe(LogFilter? filter, int capacity) => AddSubscriber(null, filter, capacity);

    /// <summary>Subscribes to the entries a stream matches (the stream must have <see cref="LogStreamConfig.RealTimeEnabled"/>).</summary>
    public LogSubscription SubscribeToStream(string streamId, LogFilter? filter, int capacity)
    {
        var stream = Find(streamId) ?? throw new KeyNotFoundException($"No stream with id '{streamId}'.");
        if (!stream.Config.RealTimeEnabled)
        {
            throw new InvalidOperationException($"Stream '{streamId}' does not have RealTimeEnabled set.");
        }

        return AddSubscriber(streamId, filter, capacity);
    }

    /// <summary>Counters of one stream, or null if there is no such stream.</summary>
    public LogStreamStats? GetStreamStats(string id) => Find(id) is { } stream ? StreamBuilder.StatsOf(stream) : null;

    /// <summary>Counters of every stream.</summary>
    public IReadOnlyList<LogStreamStats> GetAllStreamStats() => [.. _streams.Select(StreamBuilder.StatsOf)];

    /// <summary>Ends subscriptions and the events thread (after it raised what was queued). Destinations are stopped by the provider's shutdown.</summary>
    /// <remarks>Internal: the provider owns the manager and disposes it; a user disposing it would end every subscription.</remarks>
    internal async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _running = false;
        foreach (var subscriber in _subscribers)
        {
            subscriber.Complete();
        }

        await _events.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _meter.Dispose();
    }


    /// <summary>Whether anyone handles <see cref="RealTimeLog"/> (the dispatcher builds entries for it only then).</summary>
    internal bool HasRealTimeHandlers => RealTimeLog is not null;

    /// <summary>The streams and the subscribers to every entry, for the dispatcher's route table.</summary>
    internal (StreamRuntime[] Streams, LogSubscription[] Subscribers) Snapshot()
    {
        var streams = _streams;
        var subscribers = _subscribers;
        foreach (var stream in streams)
        {
            stream.Subscribers = [.. subscribers.Where(s => s.StreamId == stream.Id)];
        }

        return (streams, [.. subscribers.Where(s => s.StreamId is null)]);
    }

    /// <summary>Queues a <see cref="RealTimeLog"/> event (dispatcher thread; raised on the events thread after <see cref="SignalEvents"/>).</summary>
    internal void RaiseRealTime(string streamId, LogEntry entry) => _events.PostQuietly(new RealTimeLogEventArgs(streamId, entry));

    /// <summary>Wakes the events thread for the <see cref="RealTimeLog"/> events of the dispatcher's round.</summary>
    internal void SignalEvents() => _events.Signal();

    internal void CollectWorkers(List<SinkWorker> workers)
    {
        foreach (var stream in _streams)
        {
            foreach (var destination in stream.Destinations)
            {
                workers.Add(destination.Worker);
            }

            workers.AddRange(stream.Counters.Snapshot().Retiring);
        }
    }

    private LogSubscription AddSubscriber(string? streamId, LogFilter? filter, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var subscription = new LogSubscription(streamId, filter, capacity, RemoveSubscriber);
        lock (_gate)
        {
            ThrowIfDisposed();
            _subscribers = [.. _subscribers, subscription];
            _provider.PublishRoutes();
        }

        return subscription;
    }

    private void RemoveSubscriber(LogSubscription subscription)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, subscription))];
            _provider.PublishRoutes();
        }
    }

    private StreamRuntime? Find(string id)
    {
        foreach (var stream in _streams)
        {
            if (string.Equals(stream.Id, id, StringComparison.Ordinal))
            {
                return stream;
            }
        }

        return null;
    }

    private IEnumerable<Measurement<long>> PerStream(Func<StreamCounters, long> read)
    {
        foreach (var stream in _streams)
        {
            yield return new Measurement<long>(read(stream.Counters), new KeyValuePair<string, object?>("stream", stream.Id));
        }
    }

    // Runs on the events thread (StreamEventThread), which reports what a handler throws.
    private void RaiseEvent(object item)
    {
        switch (item)
        {
            case RealTimeLogEventArgs realTime:
                RealTimeLog?.Invoke(this, realTime);
                break;
            case StreamFlushedEventArgs flushed:
                StreamFlushed?.Invoke(this, flushed);
                break;
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
