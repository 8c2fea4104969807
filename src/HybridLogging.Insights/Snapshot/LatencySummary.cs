namespace HybridLogging.Insights;

/// <summary>
/// Durations in a window (milliseconds, from each entry's <c>DurationMs</c>, else its <c>LatencyMs</c>). Percentiles come
/// from a mergeable sketch and are within <see cref="RelativeAccuracy"/> of the true value at that rank; count, min, max
/// and mean are exact.
/// </summary>
public sealed class LatencySummary
{
    /// <summary>Entries with a duration.</summary>
    public long Count { get; init; }

    /// <summary>Smallest duration.</summary>
    public double Min { get; init; }

    /// <summary>Largest duration.</summary>
    public double Max { get; init; }

    /// <summary>Mean duration.</summary>
    public double Mean { get; init; }

    /// <summary>Median.</summary>
    public double P50 { get; init; }

    /// <summary>90th percentile.</summary>
    public double P90 { get; init; }

    /// <summary>95th percentile.</summary>
    public double P95 { get; init; }

    /// <summary>99th percentile.</summary>
    public double P99 { get; init; }

    /// <summary>Relative accuracy of the percentiles (for example 0.01 for 1%).</summary>
    public double RelativeAccuracy { get; init; }
}
