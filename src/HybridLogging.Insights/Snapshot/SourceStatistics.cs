namespace HybridLogging.Insights;

/// <summary>One source's counts, error rate and latencies over a window.</summary>
public sealed class SourceStatistics
{
    /// <summary>The source (<c>(other)</c> for sources beyond <see cref="StatsOptions.MaxSources"/>).</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>Entries by level.</summary>
    public LevelCounts Counts { get; init; } = new();

    /// <summary>Entries at Error or above divided by all entries (0 when there are none).</summary>
    public double ErrorRate { get; init; }

    /// <summary>Durations, or <see langword="null"/> when no entry in the window had one.</summary>
    public LatencySummary? Latency { get; init; }

    /// <summary>Timestamp of the source's latest entry (any time, not only in the window).</summary>
    public DateTimeOffset? LastSeen { get; init; }
}
