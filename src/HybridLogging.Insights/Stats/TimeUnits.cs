namespace HybridLogging.Insights.Stats;

/// <summary>The minute, hour and day an instant falls in (whole units since 0001-01-01 UTC; fit an int until year 4000).</summary>
internal readonly record struct TimeUnits(int Minute, int Hour, int Day)
{
    public static TimeUnits FromTicks(long utcTicks)
    {
        var minute = (int)(Math.Max(utcTicks, 0) / TimeSpan.TicksPerMinute);
        return new TimeUnits(minute, minute / 60, minute / 1440);
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
