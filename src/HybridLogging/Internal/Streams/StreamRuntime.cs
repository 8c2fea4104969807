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

/// <summary>A stream's own counters, shared by every version of the stream, and what its replaced destinations did.</summary>
internal sealed class StreamCounters
{
    private readonly ReplacedSinkCounters _replaced = new();

    public long Received;
    public long Matched;

    public void BeginRetire(SinkWorker worker) => _replaced.BeginRetire(worker);

    /// <summary>Folds a stopped destination's final counters into the stream's totals.</summary>
    public void EndRetire(SinkWorker worker) => _replaced.EndRetire(worker);

    public (SinkStats Retired, SinkWorker[] Retiring) Snapshot() => _replaced.Snapshot();
}
