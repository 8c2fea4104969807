using System.Text.Json.Serialization;

namespace HybridLogging.Insights;

/// <summary>
/// Durations in a window (milliseconds, from each entry's <c>DurationMs</c>, else its <c>LatencyMs</c>). Percentiles come
/// from a mergeable sketch and are within <see cref="RelativeAccuracy"/> of the true value at that rank; count, min, max
/// and mean are exact.
/// </summary>
public sealed class LatencySummary
{
    // Built by LogInsights (and by System.Text.Json when reading a snapshot back); users only read it.
    [JsonConstructor]
    internal LatencySummary()
    {
    }

    /// <summary>Entries with a duration.</summary>
    [JsonInclude]
    public long Count { get; internal init; }

    /// <summary>Smallest duration.</summary>
    [JsonInclude]
    public double Min { get; internal init; }

    /// <summary>Largest duration.</summary>
    [JsonInclude]
    public double Max { get; internal init; }

    /// <summary>Mean duration.</summary>
    [JsonInclude]
    public double Mean { get; internal init; }

    /// <summary>Median.</summary>
    [JsonInclude]
    public double P50 { get; internal init; }

    /// <summary>90th percentile.</summary>
    [JsonInclude]
    public double P90 { get; internal init; }

    /// <summary>95th percentile.</summary>
    [JsonInclude]
    public double P95 { get; internal init; }

    /// <summary>99th percentile.</summary>
    [JsonInclude]
    public double P99 { get; internal init; }

    /// <summary>Relative accuracy of the percentiles (for example 0.01 for 1%).</summary>
    [JsonInclude]
    public double RelativeAccuracy { get; internal init; }
}
