namespace HybridLogging.Insights;

/// <summary>Health of a source, from its error rate over <see cref="StatsOptions.HealthWindow"/> and its silence.</summary>
public enum HealthStatus
{
    /// <summary>Error rate below <see cref="StatsOptions.DegradedErrorRate"/> and logging recently.</summary>
    Healthy,

    /// <summary>Error rate at or above <see cref="StatsOptions.DegradedErrorRate"/>.</summary>
    Degraded,

    /// <summary>Error rate at or above <see cref="StatsOptions.UnhealthyErrorRate"/>, or silent for <see cref="StatsOptions.SilenceThreshold"/>.</summary>
    Unhealthy,
}

/// <summary>The health of one source and why.</summary>
public sealed class SourceHealth
{
    /// <summary>The source.</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>Healthy, Degraded or Unhealthy.</summary>
    public HealthStatus Status { get; init; }

    /// <summary>Error rate over the health window.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Entries in the health window.</summary>
    public long Entries { get; init; }

    /// <summary>Timestamp of the latest entry.</summary>
    public DateTimeOffset LastSeen { get; init; }

    /// <summary>Why the status is what it is (for example <c>"error rate 31% >= 25%"</c> or <c>"silent for 00:12:00"</c>).</summary>
    public string Reason { get; init; } = string.Empty;
}
