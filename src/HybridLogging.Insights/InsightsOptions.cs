namespace HybridLogging.Insights;

/// <summary>
/// Options for <see cref="LogInsights"/>. Bound from <c>Logging:HybridLogging:Insights</c> when registered with
/// <c>AddHybridInsights</c>; alert rules reload live.
/// </summary>
public sealed class InsightsOptions
{
    /// <summary>Pattern aggregation (heavy hitters over message templates and normalised free text).</summary>
    public PatternOptions Patterns { get; set; } = new();

    /// <summary>Time-windowed statistics, latency percentiles and source health.</summary>
    public StatsOptions Stats { get; set; } = new();

    /// <summary>Alert rules, cooldowns and notifiers.</summary>
    public AlertOptions Alerts { get; set; } = new();
}
