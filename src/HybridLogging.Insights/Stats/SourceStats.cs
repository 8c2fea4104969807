namespace HybridLogging.Insights.Stats;

/// <summary>Counts by level and latencies of one source in minute, hour and day rings, plus when it was last seen.</summary>
internal sealed class SourceStats(string source, TimeWindows windows, SketchMapping mapping)
{
    private readonly LevelRing _minutes = new(windows.MinuteBuckets, mapping);
    private readonly LevelRing _hours = new(windows.HourBuckets, mapping);
    private readonly LevelRing _days = new(windows.DayBuckets, mapping);

    public string Source { get; } = source;

    public long FirstSeenTicks { get; private set; } = long.MaxValue;

    public long LastSeenTicks { get; private set; } = long.MinValue;

    public long Total { get; private set; }

    public void Add(long ticks, TimeUnits units, int level, double latency, int latencyIndex)
    {
        Total++;
        FirstSeenTicks = Math.Min(FirstSeenTicks, ticks);
        LastSeenTicks = Math.Max(LastSeenTicks, ticks);
        _minutes.Add(units.Minute, units.MinuteSlot, level, latency, latencyIndex);
        _hours.Add(units.Hour, units.HourSlot, level, latency, latencyIndex);
        _days.Add(units.Day, units.DaySlot, level, latency, latencyIndex);
    }

    public void Collect(WindowSpec window, Span<long> counts, LatencySketch? latency)
    {
        var ring = window.Granularity switch
        {
            Granularity.Minute => _minutes,
            Granularity.Hour => _hours,
            _ => _days,
        };
        ring.Collect(window, counts, latency);
    }
}
