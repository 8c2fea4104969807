using Microsoft.Extensions.Logging;

namespace HybridLogging;

/// <summary>
/// A snapshot of the pipeline's counters. <c>Produced = DroppedQueueFull + DroppedShutdown + Dispatched + QueueLength</c>
/// (exact once the pipeline is idle); each destination accounts for what it received in <see cref="Sinks"/>.
/// </summary>
public sealed class HybridLoggingStats
{
    /// <summary>Enabled log calls (and direct writes) that reached the pipeline.</summary>
    public long Produced { get; init; }

    /// <summary>Entries taken from the queue, rendered and routed.</summary>
    public long Dispatched { get; init; }

    /// <summary>Entries dropped because the pipeline queue was full.</summary>
    public long DroppedQueueFull { get; init; }

    /// <summary>Entries dropped because they arrived during or after shutdown.</summary>
    public long DroppedShutdown { get; init; }

    /// <summary>All entries dropped before reaching a destination.</summary>
    public long Dropped => DroppedQueueFull + DroppedShutdown;

    /// <summary>Entries in the pipeline queue now.</summary>
    public int QueueLength { get; init; }

    /// <summary>Capacity of the pipeline queue.</summary>
    public int QueueCapacity { get; init; }

    /// <summary>Queue fill between 0 and 1.</summary>
    public double BufferUtilization => QueueCapacity == 0 ? 0 : (double)QueueLength / QueueCapacity;

    /// <summary>Dispatched entries per level.</summary>
    public IReadOnlyDictionary<LogLevel, long> ByLevel { get; init; } = new Dictionary<LogLevel, long>();

    /// <summary>Dispatched entries per source.</summary>
    public IReadOnlyDictionary<string, long> BySource { get; init; } = new Dictionary<string, long>();

    /// <summary>Share of dispatched entries at Error or Critical.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Average latency (performance latency, else duration) of entries that carry one, in milliseconds.</summary>
    public double AverageLatencyMs { get; init; }

    /// <summary>Per-destination counters.</summary>
    public IReadOnlyList<SinkStats> Sinks { get; init; } = [];

    /// <summary>Batches attempted by all destinations.</summary>
    public long Batches => Sinks.Sum(s => s.Batches);

    /// <summary>Entries written by all destinations (an entry routed to two destinations counts twice).</summary>
    public long Written => Sinks.Sum(s => s.Written);

    /// <summary>Entries failed at all destinations.</summary>
    public long Failed => Sinks.Sum(s => s.Failed);
}
