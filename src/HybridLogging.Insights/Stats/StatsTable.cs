namespace HybridLogging.Insights.Stats;

/// <summary>
/// Per-source statistics, bounded to <see cref="StatsOptions.MaxSources"/> sources (the rest are counted under
/// <see cref="OtherSource"/>). Not thread-safe (the caller holds the lock).
/// </summary>
internal sealed class StatsTable
{
    public const string OtherSource = "(other)";

    private readonly Dictionary<string, SourceStats> _sources = new(StringComparer.Ordinal);
    private readonly int _maxSources;
    private SourceStats? _last;

    public StatsTable(StatsOptions options)
    {
        _maxSources = options.MaxSources;
        Windows = new TimeWindows(options.MinuteBuckets, options.HourBuckets, options.DayBuckets);
        Mapping = new SketchMapping(options.LatencyRelativeAccuracy);
    }

    public TimeWindows Windows { get; }

    public SketchMapping Mapping { get; }

    public Dictionary<string, SourceStats>.ValueCollection Sources => _sources.Values;

    public void Observe(LogEntryView entry, TimeUnits units)
    {
        var stats = Get(entry.Source);
        var level = Math.Clamp((int)entry.Level, 0, LevelRing.Levels - 1);
        var latency = double.NaN;
        var index = 0;
        if ((entry.DurationMs ?? entry.LatencyMs) is { } ms && ms >= 0)
        {
            latency = ms;
            index = Mapping.Index(ms);
        }

        stats.Add(entry.TimestampTicks, units, level, latency, index);
    }

    private SourceStats Get(string source)
    {
        // Entries come in runs from one source; the last one is checked by reference before any hashing.
        if (_last is { } last && ReferenceEquals(last.Source, source))
        {
            return last;
        }

        if (!_sources.TryGetValue(source, out var stats))
        {
            // One slot stays for (other), so a flood of new sources cannot push it out.
            stats = _sources.Count < _maxSources - 1 ? Create(source)
                : _sources.TryGetValue(OtherSource, out var other) ? other
                : Create(OtherSource);
        }

        return _last = stats;
    }

    private SourceStats Create(string source)
    {
        var stats = new SourceStats(source, Windows, Mapping);
        _sources.Add(source, stats);
        return stats;
    }
}
