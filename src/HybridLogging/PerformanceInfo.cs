namespace HybridLogging;

/// <summary>Performance figures attached to an entry (from properties named Latency/LatencyMs, Throughput, ErrorRate).</summary>
public sealed class PerformanceInfo
{
    /// <summary>Latency in milliseconds.</summary>
    public double? LatencyMs { get; init; }

    /// <summary>Throughput in operations per second.</summary>
    public double? Throughput { get; init; }

    /// <summary>Error rate between 0 and 1.</summary>
    public double? ErrorRate { get; init; }
}
