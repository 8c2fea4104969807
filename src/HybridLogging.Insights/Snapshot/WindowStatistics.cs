using System.Text.Json.Serialization;

namespace HybridLogging.Insights;

/// <summary>Counts, error rates and latencies over one window, overall and per source.</summary>
public sealed class WindowStatistics
{
    // Built by LogInsights (and by System.Text.Json when reading a snapshot back); users only read it.
    [JsonConstructor]
    internal WindowStatistics()
    {
    }

    /// <summary>The window asked for.</summary>
    [JsonInclude]
    public TimeSpan Window { get; internal init; }

    /// <summary>Start of the buckets counted (the window rounded out to whole buckets).</summary>
    [JsonInclude]
    public DateTimeOffset Start { get; internal init; }

    /// <summary>End of the buckets counted (exclusive).</summary>
    [JsonInclude]
    public DateTimeOffset End { get; internal init; }

    /// <summary>Entries by level, all sources.</summary>
    [JsonInclude]
    public LevelCounts Counts { get; internal init; } = new();

    /// <summary>Entries at Error or above divided by all entries, all sources.</summary>
    [JsonInclude]
    public double ErrorRate { get; internal init; }

    /// <summary>Durations of all sources, or <see langword="null"/> when none.</summary>
    [JsonInclude]
    public LatencySummary? Latency { get; internal init; }

    /// <summary>Per source, most entries first (sources with no entry in the window are left out).</summary>
    [JsonInclude]
    public IReadOnlyList<SourceStatistics> Sources { get; internal init; } = [];
}
