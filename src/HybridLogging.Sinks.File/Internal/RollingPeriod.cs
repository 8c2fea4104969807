namespace HybridLogging.Sinks.File.Internal;

/// <summary>The UTC periods of interval rolling: where a file's period starts and when the next one begins.</summary>
internal static class RollingPeriod
{
    /// <summary>When the period after the one containing <paramref name="start"/> begins, or null when rolling by size only.</summary>
    public static DateTimeOffset? NextBoundary(FileRollingInterval interval, DateTimeOffset start) => interval switch
    {
        FileRollingInterval.Hourly => Truncate(interval, start).AddHours(1),
        FileRollingInterval.Daily => Truncate(interval, start).AddDays(1),
        _ => null,
    };

    /// <summary>The start of the period containing <paramref name="time"/> (whole seconds when rolling by size only).</summary>
    public static DateTimeOffset Truncate(FileRollingInterval interval, DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return interval switch
        {
            FileRollingInterval.Hourly => new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero),
            FileRollingInterval.Daily => new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero),
            _ => new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, utc.Second, TimeSpan.Zero),
        };
    }
}
