namespace HybridLogging.Internal;

/// <summary>A stream as the dispatcher sees it: immutable except for counters; replaced wholesale on update.</summary>
internal sealed class StreamRuntime(LogStreamConfig config, FilterSet gate, DestinationRuntime[] destinations, RecentBuffer recent, StreamCounters counters)
{
    public LogStreamConfig Config { get; } = config;

    public string Id => Config.Id;

    public FilterSet Gate { get; } = gate;

    public DestinationRuntime[] Destinations { get; } = destinations;

    public RecentBuffer Recent { get; } = recent;

    /// <summary>Subscribers to this stream (set when the route table is built).</summary>
    public LogSubscription[] Subscribers { get; set; } = [];

    /// <summary>Shared by every version of the stream, so updates keep the totals.</summary>
    public StreamCounters Counters { get; } = counters;
}

internal sealed class DestinationRuntime(LogDestinationConfig config, SinkWorker worker, FilterSet gate, string fingerprint)
{
    public LogDestinationConfig Config { get; } = config;

    public SinkWorker Worker { get; } = worker;

    public FilterSet Gate { get; } = gate;

    public string Fingerprint { get; } = fingerprint;
}

internal sealed class StreamCounters
{
    public long Received;
    public long Matched;

    private readonly Lock _lock = new();
    private readonly List<SinkWorker> _retiring = [];
    private SinkStats _retired = new();

    public void BeginRetire(SinkWorker worker)
    {
        lock (_lock)
        {
            _retiring.Add(worker);
        }
    }

    /// <summary>Folds a stopped destination's final counters into the stream's totals.</summary>
    public void EndRetire(SinkWorker worker)
    {
        var final = worker.GetStats();
        lock (_lock)
        {
            _retiring.Remove(worker);
            _retired = new SinkStats
            {
                Received = _retired.Received + final.Received,
                Written = _retired.Written + final.Written,
                Dropped = _retired.Dropped + final.Dropped,
                Failed = _retired.Failed + final.Failed,
                Retried = _retired.Retried + final.Retried,
                Batches = _retired.Batches + final.Batches,
                BytesWritten = _retired.BytesWritten + final.BytesWritten,
                LastFlush = Max(_retired.LastFlush, final.LastFlush),
                LastError = final.LastError ?? _retired.LastError,
            };
        }
    }

    public (SinkStats Retired, SinkWorker[] Retiring) Snapshot()
    {
        lock (_lock)
        {
            return (_retired, [.. _retiring]);
        }
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : (a > b ? a : b);
}
