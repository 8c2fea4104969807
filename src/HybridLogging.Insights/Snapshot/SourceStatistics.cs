using System.Text.Json.Serialization;

namespace HybridLogging.Insights;

/// <summary>One source's counts, error rate and latencies over a window.</summary>
public sealed class SourceStatistics
{
    // Built by LogInsights (and by System.Text.Json when reading a snapshot back); users only read it.
    [JsonConstructor]
    internal SourceStatistics()
    {
    }

    /// <summary>The source (<c>(other)</c> for sources beyond <see cref="StatsOptions.MaxSources"/>).</summary>
    [JsonInclude]
    public string Source { get; internal init; } = string.Empty;

    /// <summary>Entries by level.</summary>
    [JsonInclude]
    public LevelCounts Counts { get; internal init; } = new();

    /// <summary>Entries at Error or above divided by all entries (0 when there are none).</summary>
    [JsonInclude]
    public double ErrorRate { get; internal init; }

    /// <summary>Durations, or <see langword="null"/> when no entry in the window had one.</summary>
    [JsonInclude]
    public LatencySummary? Latency { get; internal init; }

    /// <summary>Timestamp of the source's latest entry (any time, not only in the window).</summary>
    [JsonInclude]
    public DateTimeOffset? LastSeen { get; internal init; }
}
