namespace HybridLogging.Insights;

/// <summary>Options for time-windowed statistics, latency percentiles and source health.</summary>
/// <remarks>
/// Counts are kept per source in three rings of buckets: per minute, per hour and per day. A query window uses the finest
/// ring that covers it, rounded up to whole buckets. Memory per source is about
/// (<see cref="MinuteBuckets"/> + <see cref="HourBuckets"/> + <see cref="DayBuckets"/>) × 36 bytes, plus one latency
/// sketch (typically 0.5–2 KB) per bucket that saw a duration.
/// </remarks>
public sealed class StatsOptions
{
    /// <summary>How many per-minute buckets are kept (windows up to this many minutes have minute resolution). Default 60.</summary>
    public int MinuteBuckets { get; set; } = 60;

    /// <summary>How many per-hour buckets are kept. Default 24.</summary>
    public int HourBuckets { get; set; } = 24;

    /// <summary>How many per-day buckets are kept (the longest window). Default 7.</summary>
    public int DayBuckets { get; set; } = 7;

    /// <summary>
    /// How many sources get their own statistics; entries of further sources are counted under <c>(other)</c>.
    /// Default 100.
    /// </summary>
    public int MaxSources { get; set; } = 100;

    /// <summary>
    /// Relative accuracy of latency percentiles (the sketch reports a value within this fraction of the true value at the
    /// requested rank). Default 0.01 (1%).
    /// </summary>
    public double LatencyRelativeAccuracy { get; set; } = 0.01;

    /// <summary>The window used by <see cref="LogInsights.GetSnapshot"/> when none is given. Default 1 hour.</summary>
    public TimeSpan DefaultWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The window over which a source's error rate decides its health. Default 5 minutes.</summary>
    public TimeSpan HealthWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Error rate (entries at Error or above / all entries) from which a source is Degraded. Default 0.05.</summary>
    public double DegradedErrorRate { get; set; } = 0.05;

    /// <summary>Error rate from which a source is Unhealthy. Default 0.25.</summary>
    public double UnhealthyErrorRate { get; set; } = 0.25;

    /// <summary>Fewest entries in the health window for the error rate to count (fewer: Healthy unless silent). Default 5.</summary>
    public int HealthMinimumEntries { get; set; } = 5;

    /// <summary>
    /// A source that has logged nothing for this long is Unhealthy (it stopped logging). <see cref="TimeSpan.Zero"/>
    /// turns silence detection off. Default 10 minutes.
    /// </summary>
    public TimeSpan SilenceThreshold { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Checks every setting and returns one clear message per problem (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        PatternOptions.Check(errors, MinuteBuckets, nameof(MinuteBuckets), 1, 100_000);
        PatternOptions.Check(errors, HourBuckets, nameof(HourBuckets), 1, 100_000);
        PatternOptions.Check(errors, DayBuckets, nameof(DayBuckets), 1, 10_000);
        PatternOptions.Check(errors, MaxSources, nameof(MaxSources), 1, 100_000);
        PatternOptions.Check(errors, HealthMinimumEntries, nameof(HealthMinimumEntries), 0, int.MaxValue);
        if (!(LatencyRelativeAccuracy is > 0.0001 and < 0.5))
        {
            errors.Add($"Insights: LatencyRelativeAccuracy must be between 0.0001 and 0.5 (was {LatencyRelativeAccuracy}).");
        }

        if (!(DegradedErrorRate is >= 0 and <= 1) || !(UnhealthyErrorRate is >= 0 and <= 1) || DegradedErrorRate > UnhealthyErrorRate)
        {
            errors.Add($"Insights: DegradedErrorRate and UnhealthyErrorRate must be in 0..1 with DegradedErrorRate <= UnhealthyErrorRate (were {DegradedErrorRate} and {UnhealthyErrorRate}).");
        }

        if (DefaultWindow <= TimeSpan.Zero || HealthWindow <= TimeSpan.Zero)
        {
            errors.Add($"Insights: DefaultWindow and HealthWindow must be positive (were {DefaultWindow} and {HealthWindow}).");
        }

        if (SilenceThreshold < TimeSpan.Zero)
        {
            errors.Add($"Insights: SilenceThreshold must be zero (off) or positive (was {SilenceThreshold}).");
        }

        return errors;
    }
}
