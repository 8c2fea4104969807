namespace HybridLogging.Insights.Stats;

/// <summary>
/// Maps a query window to the finest ring that covers it: minute buckets up to <see cref="StatsOptions.MinuteBuckets"/>
/// minutes, then hour buckets, then day buckets (a window longer than the day ring is cut to it). The window is rounded
/// up to whole buckets and always includes the bucket "now" falls in.
/// </summary>
internal sealed class TimeWindows(int minuteBuckets, int hourBuckets, int dayBuckets)
{
    public int MinuteBuckets { get; } = minuteBuckets;

    public int HourBuckets { get; } = hourBuckets;

    public int DayBuckets { get; } = dayBuckets;

    public WindowSpec Resolve(TimeSpan window, DateTimeOffset now)
    {
        var units = TimeUnits.FromTicks(now.UtcTicks, this);
        if (window <= TimeSpan.FromMinutes(MinuteBuckets))
        {
            return Spec(Granularity.Minute, units.Minute, window, TimeSpan.FromMinutes(1), MinuteBuckets);
        }

        if (window <= TimeSpan.FromHours(HourBuckets))
        {
            return Spec(Granularity.Hour, units.Hour, window, TimeSpan.FromHours(1), HourBuckets);
        }

        return Spec(Granularity.Day, units.Day, window, TimeSpan.FromDays(1), DayBuckets);
    }

    private static WindowSpec Spec(Granularity granularity, int now, TimeSpan window, TimeSpan unit, int max)
    {
        var count = (int)Math.Clamp(Math.Ceiling(window / unit), 1, max);
        return new WindowSpec(granularity, now - count + 1, now);
    }
}
