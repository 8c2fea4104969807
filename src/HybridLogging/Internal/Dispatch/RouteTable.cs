using HybridLogging.Formatting;

namespace HybridLogging.Internal;

/// <summary>
/// Where the dispatcher sends entries, compiled from the provider's destinations, the streams, the subscribers and the
/// observers. Destinations that take the same formatter's records with the same gate share a <see cref="FormatGroup"/>
/// (one chunk of records for all of them); each formatter runs once per entry however many groups take its output.
/// Immutable once published, except each group's current chunk, which only the dispatcher touches.
/// </summary>
internal sealed class RouteTable
{
    public static readonly RouteTable Empty = new([], null, [], [], [], [], 0);

    public RouteTable(
        SinkWorker[] workers,
        LogStreamManager? streamManager,
        StreamRuntime[] streams,
        LogSubscription[] subscribers,
        ILogEntryObserver[] observers,
        RouteDestination[] destinations,
        long version)
    {
        Workers = workers;
        StreamManager = streamManager;
        Streams = streams;
        Subscribers = subscribers;
        Observers = observers;
        Version = version;

        var shapes = new List<string>();
        var groups = new List<FormatGroup>();
        var entryGroups = new List<EntryGroup>();
        foreach (var destination in destinations)
        {
            if (destination.Worker.Formatter is { } formatter)
            {
                var shape = shapes.IndexOf(formatter.Key);
                if (shape < 0)
                {
                    shape = shapes.Count;
                    shapes.Add(formatter.Key);
                }

                var group = groups.Find(g => g.Shape == shape && g.Matches(destination));
                if (group is null)
                {
                    groups.Add(group = new FormatGroup(formatter, shape, destination));
                }

                group.Add(destination.Worker);
            }
            else
            {
                var group = entryGroups.Find(g => g.Matches(destination));
                if (group is null)
                {
                    entryGroups.Add(group = new EntryGroup(destination));
                }

                group.Add(destination.Worker);
            }
        }

        Groups = [.. groups];
        EntryGroups = [.. entryGroups];
        ShapeCount = shapes.Count;
        var minimum = (int)Microsoft.Extensions.Logging.LogLevel.None;
        foreach (var destination in destinations)
        {
            minimum = Math.Min(minimum, destination.MinimumLevel);
        }

        // Streams count every entry they see, subscribers and observers see every level: they need every entry.
        MinimumLevel = streams.Length > 0 || subscribers.Length > 0 || observers.Length > 0 ? 0 : minimum;
    }

    /// <summary>Every destination worker (for flush, statistics and shutdown).</summary>
    public SinkWorker[] Workers { get; }

    public LogStreamManager? StreamManager { get; }

    public StreamRuntime[] Streams { get; }

    /// <summary>Subscribers to every entry (stream subscribers hang off their stream).</summary>
    public LogSubscription[] Subscribers { get; }

    public ILogEntryObserver[] Observers { get; }

    public FormatGroup[] Groups { get; }

    public EntryGroup[] EntryGroups { get; }

    /// <summary>Number of distinct formatter keys.</summary>
    public int ShapeCount { get; }

    /// <summary>The lowest level anything takes: below it an entry is counted and not even viewed.</summary>
    public int MinimumLevel { get; }

    public long Version { get; }

    /// <summary>
    /// Queues the groups' current chunks at their destinations and wakes the subscribers for what they were offered:
    /// the end of a dispatcher round (or of a table). Unless <paramref name="all"/>, a group whose destinations all
    /// still have something queued keeps filling its chunk, since they have work until their queues drain: handing
    /// off every round under load queued hundreds of small chunks (33 records on average in the sample's one-thread
    /// run), each holding a 64 KiB buffer. The dispatcher hands off all before it sleeps (at most 100 µs after the
    /// load stops) and whenever a flush waits.
    /// </summary>
    public void HandOffAll(bool all = true)
    {
        foreach (var group in Groups)
        {
            if (all || !group.Backlogged)
            {
                group.HandOff();
            }
        }

        foreach (var subscriber in Subscribers)
        {
            subscriber.Signal();
        }

        foreach (var stream in Streams)
        {
            foreach (var subscriber in stream.Subscribers)
            {
                subscriber.Signal();
            }
        }

        StreamManager?.SignalEvents();
    }
}

/// <summary>One destination as the dispatcher feeds it: its worker, the stream it belongs to (-1: none) and its gate.</summary>
internal sealed record RouteDestination(SinkWorker Worker, int Stream, FilterSet Gate)
{
    public int MinimumLevel => (int)Worker.MinimumLevel;
}

/// <summary>Destinations that take one formatter's records and the same entries; the chunk being filled for them.</summary>
internal sealed class FormatGroup(LogEntryFormatter formatter, int shape, RouteDestination first)
{
    private SinkWorker[] _workers = [];

    public LogEntryFormatter Formatter { get; } = formatter;

    public int Shape { get; } = shape;

    public int MinimumLevel { get; } = first.MinimumLevel;

    public int Stream { get; } = first.Stream;

    public FilterSet Gate { get; } = first.Gate;

    public Utf8Chunk? Current { get; set; }

    public ReadOnlySpan<SinkWorker> Workers => _workers;

    /// <summary>
    /// Every destination of the group has something queued, so more records can wait for a fuller chunk without
    /// idling any of them.
    /// </summary>
    public bool Backlogged
    {
        get
        {
            foreach (var worker in _workers)
            {
                if (worker.QueueLength == 0)
                {
                    return false;
                }
            }

            return _workers.Length > 0;
        }
    }

    public bool Matches(RouteDestination destination) =>
        destination.MinimumLevel == MinimumLevel && destination.Stream == Stream && ReferenceEquals(destination.Gate, Gate);

    public void Add(SinkWorker worker) => _workers = [.. _workers, worker];

    /// <summary>Counts an entry this group's formatter failed on as failed at each destination.</summary>
    public void FormatFailed(string reason)
    {
        foreach (var worker in _workers)
        {
            worker.FailUnformatted(reason);
        }
    }

    /// <summary>Queues the current chunk at every destination of the group (one reference each).</summary>
    public void HandOff()
    {
        var chunk = Current;
        if (chunk is null)
        {
            return;
        }

        Current = null;
        if (chunk.Count == 0)
        {
            chunk.Release();
            return;
        }

        chunk.AddReferences(_workers.Length - 1);
        foreach (var worker in _workers)
        {
            worker.PostRecords(chunk);
        }
    }
}

/// <summary>Destinations that take <see cref="LogEntry"/> objects with the same gate.</summary>
internal sealed class EntryGroup(RouteDestination first)
{
    private SinkWorker[] _workers = [];

    public int MinimumLevel { get; } = first.MinimumLevel;

    public int Stream { get; } = first.Stream;

    public FilterSet Gate { get; } = first.Gate;

    public ReadOnlySpan<SinkWorker> Workers => _workers;

    public bool Matches(RouteDestination destination) =>
        destination.MinimumLevel == MinimumLevel && destination.Stream == Stream && ReferenceEquals(destination.Gate, Gate);

    public void Add(SinkWorker worker) => _workers = [.. _workers, worker];
}
