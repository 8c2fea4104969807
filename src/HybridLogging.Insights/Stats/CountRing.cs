namespace HybridLogging.Insights.Stats;

/// <summary>
/// Counts per time bucket in a fixed ring (slot = unit modulo size, computed by <see cref="TimeUnits"/>); a slot is reset when a later unit reaches it, and an
/// entry older than the unit its slot holds is not counted in this ring (it fell out of the ring's horizon).
/// </summary>
internal sealed class CountRing(int size)
{
    private readonly int[] _units = new int[size];
    private readonly int[] _counts = new int[size];

    public void Add(int unit, int slot)
    {
        if (_units[slot] != unit)
        {
            if (unit < _units[slot])
            {
                return;
            }

            _units[slot] = unit;
            _counts[slot] = 0;
        }

        _counts[slot]++;
    }

    public long Sum(WindowSpec window)
    {
        long sum = 0;
        for (var i = 0; i < _units.Length; i++)
        {
            if (window.Contains(_units[i]))
            {
                sum += _counts[i];
            }
        }

        return sum;
    }

    public void Clear()
    {
        Array.Clear(_units);
        Array.Clear(_counts);
    }
}

/// <summary>A count ring per granularity (minute, hour, day), for one pattern or error group.</summary>
internal sealed class WindowedCount(TimeWindows windows)
{
    private readonly CountRing _minutes = new(windows.MinuteBuckets);
    private readonly CountRing _hours = new(windows.HourBuckets);
    private readonly CountRing _days = new(windows.DayBuckets);

    public void Add(TimeUnits units)
    {
        _minutes.Add(units.Minute, units.MinuteSlot);
        _hours.Add(units.Hour, units.HourSlot);
        _days.Add(units.Day, units.DaySlot);
    }

    public long Sum(WindowSpec window) => window.Granularity switch
    {
        Granularity.Minute => _minutes.Sum(window),
        Granularity.Hour => _hours.Sum(window),
        _ => _days.Sum(window),
    };

    public void Clear()
    {
        _minutes.Clear();
        _hours.Clear();
        _days.Clear();
    }
}
