using Microsoft.Extensions.Logging;

namespace HybridLogging;

/// <summary>
/// A snapshot of the pipeline's counters. <c>Produced = DroppedQueueFull + DroppedShutdown + Dispatched + QueueLength</c>
/// (exact once the pipeline is idle); each destination accounts for what it received in <see cref="Sinks"/>.
/// </summary>
public sealed class HybridLoggingStats
{
    private IReadOnlyList<SinkStats> _sinks = [];
    private long _appliedReloads;
    private long _rejectedReloads;
    private string? _lastReloadError;

    // Built by the pipeline only: users read snapshots, they never make them.
    internal HybridLoggingStats()
    {
    }

    /// <summary>Enabled log calls (and direct writes) that reached the pipeline.</summary>
    public long Produced { get; internal init; }

    /// <summary>Entries taken from the queue, rendered and routed.</summary>
    public long Dispatched { get; internal init; }

    /// <summary>Entries dropped because the pipeline queue was full.</summary>
    public long DroppedQueueFull { get; internal init; }

    /// <summary>Entries dropped because they arrived during or after shutdown.</summary>
    public long DroppedShutdown { get; internal init; }

    /// <summary>All entries dropped before reaching a destination.</summary>
    public long Dropped => DroppedQueueFull + DroppedShutdown;

    /// <summary>Entries in the pipeline queue now.</summary>
    public int QueueLength { get; internal init; }

    /// <summary>Capacity of the pipeline queue.</summary>
    public int QueueCapacity { get; internal init; }

    /// <summary>Queue fill between 0 and 1.</summary>
    public double BufferUtilization => QueueCapacity == 0 ? 0 : (double)QueueLength / QueueCapacity;

    /// <summary>Dispatched entries per level.</summary>
    public IReadOnlyDictionary<LogLevel, long> ByLevel { get; internal init; } = new Dictionary<LogLevel, long>();

    /// <summary>Dispatched entries per source.</summary>
    public IReadOnlyDictionary<string, long> BySource { get; internal init; } = new Dictionary<string, long>();

    /// <summary>Share of dispatched entries at Error or Critical.</summary>
    public double ErrorRate { get; internal init; }

    /// <summary>Average latency (performance latency, else duration) of entries that carry one, in milliseconds.</summary>
    public double AverageLatencyMs { get; internal init; }

    /// <summary>
    /// Per-destination counters. A destination declared in configuration that a reload replaced (changed settings) keeps
    /// its totals: its counters include what the replaced versions received, wrote, dropped and failed.
    /// </summary>
    public IReadOnlyList<SinkStats> Sinks { get => _sinks; internal init => _sinks = value; }

    /// <summary>Configuration reloads applied (edits of <c>Logging:HybridLogging</c> that changed something and were valid).</summary>
    public long AppliedReloads { get => _appliedReloads; internal init => _appliedReloads = value; }

    /// <summary>
    /// Configuration reloads rejected, each reported once to the self-log with its reason: a file that cannot be parsed,
    /// a value that cannot be converted, settings that fail validation, or a changed destination that could not be
    /// opened (that one destination then keeps its previous settings).
    /// </summary>
    public long RejectedReloads { get => _rejectedReloads; internal init => _rejectedReloads = value; }

    /// <summary>Why the last rejected reload was rejected, or null.</summary>
    public string? LastReloadError { get => _lastReloadError; internal init => _lastReloadError = value; }

    /// <summary>Batches attempted by all destinations.</summary>
    public long Batches => Sinks.Sum(s => s.Batches);

    /// <summary>Entries written by all destinations (an entry routed to two destinations counts twice).</summary>
    public long Written => Sinks.Sum(s => s.Written);

    /// <summary>Entries failed at all destinations.</summary>
    public long Failed => Sinks.Sum(s => s.Failed);

    /// <summary>A copy with the provider's own parts: configured destinations' totals and reload outcomes.</summary>
    internal HybridLoggingStats With(IReadOnlyList<SinkStats> sinks, long appliedReloads, long rejectedReloads, string? lastReloadError)
    {
        var copy = (HybridLoggingStats)MemberwiseClone();
        copy._sinks = sinks;
        copy._appliedReloads = appliedReloads;
        copy._rejectedReloads = rejectedReloads;
        copy._lastReloadError = lastReloadError;
        return copy;
    }
}
