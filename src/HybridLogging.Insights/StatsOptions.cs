namespace HybridLogging.Insights;

/// <summary>Options for time-windowed statistics and source health.</summary>
public sealed class StatsOptions
{
    /// <summary>How many per-minute buckets are kept. Default 60.</summary>
    public int MinuteBuckets { get; set; } = 60;
}
