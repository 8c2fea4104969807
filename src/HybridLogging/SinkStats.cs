namespace HybridLogging;

/// <summary>Counters of one destination. Received = Written + Dropped + Failed + Pending at every moment.</summary>
public sealed class SinkStats
{
    // Built by the pipeline only: users read snapshots, they never make them.
    internal SinkStats()
    {
    }

    /// <summary>Destination name.</summary>
    public string Name { get; internal init; } = string.Empty;

    /// <summary>Stream the destination belongs to, if any.</summary>
    public string? Stream { get; internal init; }

    /// <summary>Entries routed to this destination.</summary>
    public long Received { get; internal init; }

    /// <summary>Entries the sink wrote successfully.</summary>
    public long Written { get; internal init; }

    /// <summary>Entries dropped (destination queue full, shutdown, removal).</summary>
    public long Dropped { get; internal init; }

    /// <summary>Entries whose batch failed after all retries (or timed out).</summary>
    public long Failed { get; internal init; }

    /// <summary>Retry attempts made (per batch).</summary>
    public long Retried { get; internal init; }

    /// <summary>Batches attempted.</summary>
    public long Batches { get; internal init; }

    /// <summary>Bytes written, when the sink reports them (<see cref="IReportsBytes"/>).</summary>
    public long BytesWritten { get; internal init; }

    /// <summary>Entries queued, in a batch being written, or deferred by the sink (<see cref="Deferred"/>).</summary>
    public long Pending => Math.Max(0, Received - Written - Dropped - Failed);

    /// <summary>
    /// Entries the sink took over and has not settled yet (see <see cref="LogRecordDeferral"/>; for example those in an
    /// S3 object not yet uploaded); part of <see cref="Pending"/>.
    /// </summary>
    public long Deferred { get; internal init; }

    /// <summary>Entries in the destination queue now.</summary>
    public int QueueLength { get; internal init; }

    /// <summary>Capacity of the destination queue.</summary>
    public int QueueCapacity { get; internal init; }

    /// <summary>Time of the last successful batch.</summary>
    public DateTimeOffset? LastFlush { get; internal init; }

    /// <summary>Entries failed, by reason (for example <c>timeout</c>, <c>tooOld</c>, <c>mapping</c>); the values add up to <see cref="Failed"/>.</summary>
    public IReadOnlyDictionary<string, long> FailedByReason { get; internal init; } = new Dictionary<string, long>();

    /// <summary>Sink-specific counters (for example <c>truncated</c>, <c>duplicates</c>), see <see cref="LogRecordBatch.AddCount"/>.</summary>
    public IReadOnlyDictionary<string, long> Counters { get; internal init; } = new Dictionary<string, long>();

    /// <summary>The last error, if any.</summary>
    public string? LastError { get; internal init; }
}
