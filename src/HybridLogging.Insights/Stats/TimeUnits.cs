namespace HybridLogging.Insights.Stats;

/// <summary>
/// The minute, hour and day an instant falls in (whole units since 0001-01-01 UTC; fit an int until year 4000), and
/// their slots in rings of the configured sizes: computed once per entry, because every ring of that entry (its source's,
/// its pattern's, its error group's) has the same sizes, and the divisions are most of a ring update's cost.
/// </summary>
internal readonly record struct TimeUnits(int Minute, int Hour, int Day, int MinuteSlot, int HourSlot, int DaySlot)
{
    public static TimeUnits FromTicks(long utcTicks, TimeWindows windows)
    {
        var minute = (int)(Math.Max(utcTicks, 0) / TimeSpan.TicksPerMinute);
        int hour = minute / 60, day = minute / 1440;
        return new TimeUnits(minute, hour, day, minute % windows.MinuteBuckets, hour % windows.HourBuckets, day % windows.DayBuckets);
    }

    public int Get(Granularity granularity) => granularity switch
    {
        Granularity.Minute => Minute,
        Granularity.Hour => Hour,
        _ => Day,
    };
}

/// <summary>Bucket size of a ring.</summary>
internal enum Granularity
{
    Minute,
    Hour,
    Day,
}

/// <summary>A query window resolved to one ring: the buckets whose unit lies in [From, To].</summary>
internal readonly record struct WindowSpec(Granularity Granularity, int From, int To)
{
    public bool Contains(int unit) => unit >= From && unit <= To;
}
