using System.Globalization;
using System.Text.Json;
using HybridLogging.Insights.Patterns;
using HybridLogging.Insights.Stats;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights;

// Patterns, error groups, windowed statistics and health: the per-entry update and the queries. Entries are bucketed by
// their own timestamps; "now" (which buckets a window covers, how long a source has been silent) is the TimeProvider's.
public sealed partial class LogInsights
{
    private TimeUnits _units;
    private long _unitsStartTicks = long.MinValue;

    /// <summary>Patterns in the heavy-hitters table now (at most <see cref="PatternOptions.MaxPatterns"/>).</summary>
    public int TrackedPatterns
    {
        get
        {
            lock (_gate)
            {
                return _patterns.Patterns.Count;
            }
        }
    }

    /// <summary>Patterns evicted so far to make room for new ones (0 while fewer than <see cref="PatternOptions.MaxPatterns"/> were seen).</summary>
    public long EvictedPatterns
    {
        get
        {
            lock (_gate)
            {
                return _patterns.Patterns.Evictions;
            }
        }
    }

    /// <summary>
    /// The most frequent patterns, most entries first.
    /// </summary>
    /// <param name="count">How many at most.</param>
    /// <param name="window">
    /// Count only entries in this window up to now (rounded out to whole buckets; see <see cref="StatsOptions"/>);
    /// <see langword="null"/> ranks by the Space-Saving count since observation started.
    /// </param>
    /// <param name="filter">Keep only patterns of one source and/or at least one level; <see langword="null"/> for all.</param>
    public IReadOnlyList<PatternInfo> TopPatterns(int count = 10, TimeSpan? window = null, PatternFilter? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var minLevel = (int)(filter?.MinLevel ?? LogLevel.Trace);
        var source = filter?.Source;
        lock (_gate)
        {
            var ranked = Rank<PatternKey, PatternCounter>(
                _patterns.Patterns.Items,
                window,
                static item => item.Windowed,
                item => item.HighestLevel >= minLevel && (source is null || string.Equals(item.Key.Source, source, StringComparison.Ordinal)));
            var result = new PatternInfo[Math.Min(count, ranked.Count)];
            for (var i = 0; i < result.Length; i++)
            {
                var (n, item) = ranked[i];
                result[i] = new PatternInfo
                {
                    Pattern = item.Key.Pattern,
                    IsTemplate = item.IsTemplate,
                    Source = item.Key.Source,
                    Count = n,
                    TotalCount = item.Count,
                    CountError = item.Error,
                    HighestLevel = (LogLevel)item.HighestLevel,
                    Levels = LevelCounts.From(item.Levels),
                    FirstSeen = Utc(item.FirstSeenTicks),
                    LastSeen = Utc(item.LastSeenTicks),
                    Samples = item.Samples.ToArray(),
                    PropertyKeys = item.Keys.ToArray(),
                };
            }

            return result;
        }
    }

    /// <summary>The most frequent error groups (exception type + pattern + source), most entries first.</summary>
    /// <param name="count">How many at most.</param>
    /// <param name="window">Count only entries in this window up to now; <see langword="null"/> ranks by the count since observation started.</param>
    public IReadOnlyList<ErrorGroup> TopErrors(int count = 10, TimeSpan? window = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            var ranked = Rank<ErrorKey, ErrorCounter>(_patterns.Errors.Items, window, static item => item.Windowed, keep: null);
            var result = new ErrorGroup[Math.Min(count, ranked.Count)];
            for (var i = 0; i < result.Length; i++)
            {
                var (n, item) = ranked[i];
                result[i] = new ErrorGroup
                {
                    ExceptionType = item.Key.ExceptionType,
                    Pattern = item.Key.Pattern,
                    Source = item.Key.Source,
                    Count = n,
                    TotalCount = item.Count,
                    CountError = item.Error,
                    HighestLevel = (LogLevel)item.HighestLevel,
                    FirstSeen = Utc(item.FirstSeenTicks),
                    LastSeen = Utc(item.LastSeenTicks),
                    SampleMessage = item.Sample,
                };
            }

            return result;
        }
    }

    /// <summary>Counts by source and level, error rates and latency percentiles over a window up to now.</summary>
    /// <param name="window">The window (rounded out to whole minute, hour or day buckets; see <see cref="StatsOptions"/>).</param>
    public WindowStatistics GetStatistics(TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        Span<long> counts = stackalloc long[LevelRing.Levels];
        Span<long> total = stackalloc long[LevelRing.Levels];
        lock (_gate)
        {
            var spec = _stats.Windows.Resolve(window, _time.GetUtcNow());
            var overall = new LatencySketch(_stats.Mapping);
            var sources = new List<SourceStatistics>();
            foreach (var source in _stats.Sources)
            {
                counts.Clear();
                var latency = new LatencySketch(_stats.Mapping);
                source.Collect(spec, counts, latency);
                var levels = LevelCounts.From(counts);
                if (levels.Total == 0)
                {
                    continue;
                }

                for (var i = 0; i < counts.Length; i++)
                {
                    total[i] += counts[i];
                }

                overall.MergeFrom(latency);
                sources.Add(new SourceStatistics
                {
                    Source = source.Source,
                    Counts = levels,
                    ErrorRate = ErrorRate(levels),
                    Latency = Summary(latency),
                    LastSeen = Utc(source.LastSeenTicks),
                });
            }

            sources.Sort(static (a, b) => b.Counts.Total.CompareTo(a.Counts.Total));
            var all = LevelCounts.From(total);
            var (start, end) = Bounds(spec);
            return new WindowStatistics
            {
                Window = window,
                Start = start,
                End = end,
                Counts = all,
                ErrorRate = ErrorRate(all),
                Latency = Summary(overall),
                Sources = sources,
            };
        }
    }

    // The counted items with entries (in the window, when one is given), most entries first; a tie goes to the larger count
    // since observation started. Caller holds _gate.
    private List<(long Count, T Item)> Rank<TKey, T>(ReadOnlySpan<T> items, TimeSpan? window, Func<T, WindowedCount> windowed, Func<T, bool>? keep)
        where TKey : notnull
        where T : SpaceSavingItem<TKey>
    {
        var spec = window is { } w ? _stats.Windows.Resolve(w, _time.GetUtcNow()) : (WindowSpec?)null;
        var ranked = new List<(long Count, T Item)>();
        foreach (var item in items)
        {
            if (keep is not null && !keep(item))
            {
                continue;
            }

            var n = spec is { } s ? windowed(item).Sum(s) : item.Count;
            if (n > 0)
            {
                ranked.Add((n, item));
            }
        }

        ranked.Sort(static (a, b) => b.Count != a.Count ? b.Count.CompareTo(a.Count) : b.Item.Count.CompareTo(a.Item.Count));
        return ranked;
    }

    /// <summary>
    /// Health of every source seen: Unhealthy when silent for <see cref="StatsOptions.SilenceThreshold"/> or when its error
    /// rate over <see cref="StatsOptions.HealthWindow"/> reaches <see cref="StatsOptions.UnhealthyErrorRate"/>, Degraded from
    /// <see cref="StatsOptions.DegradedErrorRate"/>, else Healthy (error rates count only with
    /// <see cref="StatsOptions.HealthMinimumEntries"/> entries in the window).
    /// </summary>
    public IReadOnlyList<SourceHealth> GetSourceHealth()
    {
        var options = _liveStats;
        Span<long> counts = stackalloc long[LevelRing.Levels];
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var spec = _stats.Windows.Resolve(options.HealthWindow, now);
            var result = new List<SourceHealth>(_stats.Sources.Count);
            foreach (var source in _stats.Sources)
            {
                counts.Clear();
                source.Collect(spec, counts, latency: null);
                var levels = LevelCounts.From(counts);
                var rate = ErrorRate(levels);
                var lastSeen = Utc(source.LastSeenTicks);
                var silentFor = now - lastSeen;
                var (status, reason) =
                    options.SilenceThreshold > TimeSpan.Zero && silentFor >= options.SilenceThreshold
                        ? (HealthStatus.Unhealthy, string.Create(CultureInfo.InvariantCulture, $"silent for {silentFor:hh\\:mm\\:ss}"))
                    : levels.Total < options.HealthMinimumEntries ? (HealthStatus.Healthy, "too few entries for an error rate")
                    : rate >= options.UnhealthyErrorRate ? (HealthStatus.Unhealthy, RateReason(rate, ">=", options.UnhealthyErrorRate))
                    : rate >= options.DegradedErrorRate ? (HealthStatus.Degraded, RateReason(rate, ">=", options.DegradedErrorRate))
                    : (HealthStatus.Healthy, RateReason(rate, "<", options.DegradedErrorRate));
                result.Add(new SourceHealth { Source = source.Source, Status = status, ErrorRate = rate, Entries = levels.Total, LastSeen = lastSeen, Reason = reason });
            }

            result.Sort(static (a, b) => string.CompareOrdinal(a.Source, b.Source));
            return result;
        }
    }

    /// <summary>Everything over one window: statistics, top patterns and errors (10 each), and health.</summary>
    /// <param name="window">The window; <see langword="null"/> uses <see cref="StatsOptions.DefaultWindow"/>.</param>
    public InsightsSnapshot GetSnapshot(TimeSpan? window = null)
    {
        var w = window ?? _liveStats.DefaultWindow;
        return new InsightsSnapshot
        {
            TakenAt = _time.GetUtcNow(),
            ObservedEntries = ObservedCount,
            TrackedPatterns = TrackedPatterns,
            PatternCapacity = Options.Patterns.MaxPatterns,
            Statistics = GetStatistics(w),
            TopPatterns = TopPatterns(10, w),
            TopErrors = TopErrors(10, w),
            Health = GetSourceHealth(),
            ActiveAlerts = GetActiveAlerts(),
            AlertStats = GetAlertStats(),
        };
    }

    /// <summary>
    /// <see cref="GetSnapshot"/> as JSON (camelCase, enums as strings), through source-generated metadata
    /// (<see cref="InsightsSnapshot.JsonTypeInfo"/>), so it is safe with trimming and native AOT.
    /// </summary>
    /// <param name="window">The window; <see langword="null"/> uses <see cref="StatsOptions.DefaultWindow"/>.</param>
    public string ToJson(TimeSpan? window = null) => JsonSerializer.Serialize(GetSnapshot(window), InsightsJsonContext.Default.InsightsSnapshot);

    private void ObservePatternsAndStats(LogEntryView entry)
    {
        lock (_gate)
        {
            _observed++;
            // Entries arrive in time order, mostly many per minute: the units (six divisions) are reused within a minute.
            var ticks = entry.TimestampTicks;
            if ((ulong)(ticks - _unitsStartTicks) >= TimeSpan.TicksPerMinute)
            {
                _units = TimeUnits.FromTicks(ticks, _stats.Windows);
                _unitsStartTicks = _units.Minute * TimeSpan.TicksPerMinute;
            }

            var units = _units;
            _patterns.Observe(entry, units);
            _stats.Observe(entry, units);
        }
    }

    private LatencySummary? Summary(LatencySketch sketch) => sketch.Count == 0 ? null : new LatencySummary
    {
        Count = sketch.Count,
        Min = sketch.Min,
        Max = sketch.Max,
        Mean = sketch.Sum / sketch.Count,
        P50 = sketch.Quantile(0.50),
        P90 = sketch.Quantile(0.90),
        P95 = sketch.Quantile(0.95),
        P99 = sketch.Quantile(0.99),
        RelativeAccuracy = _stats.Mapping.RelativeAccuracy,
    };

    private static double ErrorRate(LevelCounts counts) => counts.Total == 0 ? 0 : (double)(counts.Error + counts.Critical) / counts.Total;

    private static string RateReason(double rate, string relation, double threshold)
        => string.Create(CultureInfo.InvariantCulture, $"error rate {rate:P1} {relation} {threshold:P1}");

    private static (DateTimeOffset Start, DateTimeOffset End) Bounds(WindowSpec spec)
    {
        var unit = spec.Granularity switch
        {
            Granularity.Minute => TimeSpan.TicksPerMinute,
            Granularity.Hour => TimeSpan.TicksPerHour,
            _ => TimeSpan.TicksPerDay,
        };
        return (Utc(spec.From * unit), Utc((spec.To + 1L) * unit));
    }

    private static DateTimeOffset Utc(long ticks) => new(Math.Clamp(ticks, 0, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
}
