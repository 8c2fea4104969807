namespace HybridLogging.Insights;

/// <summary>Counts, error rates and latencies over one window, overall and per source.</summary>
public sealed class WindowStatistics
{
    /// <summary>The window asked for.</summary>
    public TimeSpan Window { get; init; }

    /// <summary>Start of the buckets counted (the window rounded out to whole buckets).</summary>
    public DateTimeOffset Start { get; init; }

    /// <summary>End of the buckets counted (exclusive).</summary>
    public DateTimeOffset End { get; init; }

    /// <summary>Entries by level, all sources.</summary>
    public LevelCounts Counts { get; init; } = new();

    /// <summary>Entries at Error or above divided by all entries, all sources.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Durations of all sources, or <see langword="null"/> when none.</summary>
    public LatencySummary? Latency { get; init; }

    /// <summary>Per source, most entries first (sources with no entry in the window are left out).</summary>
    public IReadOnlyList<SourceStatistics> Sources { get; init; } = [];
}
