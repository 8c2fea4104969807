namespace HybridLogging;

/// <summary>
/// Counters of one stream. Received counts entries offered to the stream, Matched those its filters passed; each
/// destination accounts for what it received (Received = Written + Dropped + Failed + Pending). Totals include
/// destinations that were replaced or removed by updates.
/// </summary>
public sealed class LogStreamStats
{
    // Built by the pipeline only: users read snapshots, they never make them.
    internal LogStreamStats()
    {
    }

    /// <summary>Stream id.</summary>
    public string StreamId { get; internal init; } = string.Empty;

    /// <summary>Stream name.</summary>
    public string Name { get; internal init; } = string.Empty;

    /// <summary>Entries offered to the stream.</summary>
    public long Received { get; internal init; }

    /// <summary>Entries the stream's filters passed.</summary>
    public long Matched { get; internal init; }

    /// <summary>Entries routed to destinations (sum over destinations).</summary>
    public long DestinationReceived { get; internal init; }

    /// <summary>Entries written (sum over destinations).</summary>
    public long Written { get; internal init; }

    /// <summary>Entries dropped (sum over destinations).</summary>
    public long Dropped { get; internal init; }

    /// <summary>Entries failed (sum over destinations).</summary>
    public long Failed { get; internal init; }

    /// <summary>Retry attempts (sum over destinations).</summary>
    public long Retried { get; internal init; }

    /// <summary>Bytes written, where sinks report them.</summary>
    public long Bytes { get; internal init; }

    /// <summary>Batches attempted.</summary>
    public long Batches { get; internal init; }

    /// <summary>Entries queued or being written.</summary>
    public long Pending => Math.Max(0, DestinationReceived - Written - Dropped - Failed);

    /// <summary>Time of the last successful batch of any destination.</summary>
    public DateTimeOffset? LastFlush { get; internal init; }

    /// <summary>The last error of any destination.</summary>
    public string? LastError { get; internal init; }

    /// <summary>Per-destination counters of the current destinations.</summary>
    public IReadOnlyList<SinkStats> Destinations { get; internal init; } = [];
}
