using System.Text.Json.Serialization;

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
    // Built by LogInsights (and by System.Text.Json when reading a snapshot back); users only read it.
    [JsonConstructor]
    internal SourceHealth()
    {
    }

    /// <summary>The source.</summary>
    [JsonInclude]
    public string Source { get; internal init; } = string.Empty;

    /// <summary>Healthy, Degraded or Unhealthy.</summary>
    [JsonInclude]
    public HealthStatus Status { get; internal init; }

    /// <summary>Error rate over the health window.</summary>
    [JsonInclude]
    public double ErrorRate { get; internal init; }

    /// <summary>Entries in the health window.</summary>
    [JsonInclude]
    public long Entries { get; internal init; }

    /// <summary>Timestamp of the latest entry.</summary>
    [JsonInclude]
    public DateTimeOffset LastSeen { get; internal init; }

    /// <summary>Why the status is what it is (for example <c>"error rate 31% >= 25%"</c> or <c>"silent for 00:12:00"</c>).</summary>
    [JsonInclude]
    public string Reason { get; internal init; } = string.Empty;
}
