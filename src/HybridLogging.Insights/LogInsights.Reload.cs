using System.Globalization;
using Microsoft.Extensions.Options;

namespace HybridLogging.Insights;

/// <summary>Configuration reloads: what applies live and what waits for a restart.</summary>
public sealed partial class LogInsights
{
    // The health and window settings in force: replaced whole by a valid reload, read by queries.
    private volatile StatsOptions _liveStats = null!;
    private IDisposable? _reload;

    /// <summary>
    /// Applies every reload of <paramref name="monitor"/>: alert options (rules, webhooks, bounds), and the statistics
    /// settings that queries read (<see cref="StatsOptions.DefaultWindow"/>, <see cref="StatsOptions.HealthWindow"/>, the
    /// error-rate thresholds, <see cref="StatsOptions.HealthMinimumEntries"/>, <see cref="StatsOptions.SilenceThreshold"/>).
    /// Settings that size the tables (pattern and error-group capacities, samples, keys, message length, buckets, sources,
    /// latency accuracy) are kept until a restart, and a change to one is reported once on the self-log.
    /// </summary>
    internal void WatchOptions(IOptionsMonitor<InsightsOptions> monitor)
    {
        _reload = monitor.OnChange(Reload);
    }

    /// <summary>Applies one reloaded configuration (see <see cref="WatchOptions"/>).</summary>
    internal void Reload(InsightsOptions options)
    {
        _alerts.Reload(options.Alerts);
        var stats = options.Stats;
        var problems = stats.Validate();
        if (problems.Count > 0)
        {
            HybridSelfLog.Report("insights-stats-reload", $"Insights: the reloaded statistics settings are invalid and were not applied ({string.Join(" ", problems)}).");
            return;
        }

        _liveStats = stats;
        ReportSizingChanges(Options, options);
    }

    private static void ReportSizingChanges(InsightsOptions running, InsightsOptions reloaded)
    {
        var changed = new List<string>();
        Note(changed, nameof(PatternOptions.MaxPatterns), running.Patterns.MaxPatterns, reloaded.Patterns.MaxPatterns);
        Note(changed, nameof(PatternOptions.MaxErrorGroups), running.Patterns.MaxErrorGroups, reloaded.Patterns.MaxErrorGroups);
        Note(changed, nameof(PatternOptions.MaxSamples), running.Patterns.MaxSamples, reloaded.Patterns.MaxSamples);
        Note(changed, nameof(PatternOptions.MaxPropertyKeys), running.Patterns.MaxPropertyKeys, reloaded.Patterns.MaxPropertyKeys);
        Note(changed, nameof(PatternOptions.MaxMessageLength), running.Patterns.MaxMessageLength, reloaded.Patterns.MaxMessageLength);
        Note(changed, nameof(StatsOptions.MinuteBuckets), running.Stats.MinuteBuckets, reloaded.Stats.MinuteBuckets);
        Note(changed, nameof(StatsOptions.HourBuckets), running.Stats.HourBuckets, reloaded.Stats.HourBuckets);
        Note(changed, nameof(StatsOptions.DayBuckets), running.Stats.DayBuckets, reloaded.Stats.DayBuckets);
        Note(changed, nameof(StatsOptions.MaxSources), running.Stats.MaxSources, reloaded.Stats.MaxSources);
        Note(changed, nameof(StatsOptions.LatencyRelativeAccuracy), running.Stats.LatencyRelativeAccuracy, reloaded.Stats.LatencyRelativeAccuracy);
        if (changed.Count > 0)
        {
            // Reported on every reload that still differs; the self-log summarises repeats of one kind within its window.
            HybridSelfLog.Report("insights-sizing-reload", $"Insights: {string.Join(", ", changed)} changed in configuration; the tables were sized at start, so this applies after a restart.");
        }
    }

    private static void Note<T>(List<string> changed, string name, T running, T reloaded)
        where T : IEquatable<T>, IFormattable
    {
        if (!running.Equals(reloaded))
        {
            changed.Add(string.Create(CultureInfo.InvariantCulture, $"{name} ({running} -> {reloaded})"));
        }
    }

    private void DisposeReload() => _reload?.Dispose();
}
