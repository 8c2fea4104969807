using System.Diagnostics.Metrics;

namespace HybridLogging.Insights.Diagnostics;

/// <summary>
/// Publishes the insights on the <c>HybridLogging.Insights</c> meter, named like the core's <c>HybridLogging</c> meter
/// (<c>hybridlogging.insights.*</c>). All instruments are observable: they read what the insights keep anyway, so metrics
/// add nothing to <see cref="ILogEntryObserver.OnEntry"/> of <see cref="LogInsights"/>.
/// </summary>
internal sealed class InsightsMetrics : IDisposable
{
    public const string MeterName = "HybridLogging.Insights";

    private readonly Meter _meter;

    public InsightsMetrics(LogInsights insights)
    {
        _meter = new Meter(MeterName, typeof(InsightsMetrics).Assembly.GetName().Version?.ToString());
        _meter.CreateObservableCounter("hybridlogging.insights.entries.observed", () => insights.ObservedCount, "{entry}", "Entries the insights observed.");
        _meter.CreateObservableGauge("hybridlogging.insights.patterns.tracked", () => insights.TrackedPatterns, "{pattern}", "Message patterns in the heavy-hitters table.");
        _meter.CreateObservableCounter("hybridlogging.insights.patterns.evicted", () => insights.EvictedPatterns, "{pattern}", "Patterns evicted from the table to make room for new ones.");
        _meter.CreateObservableGauge("hybridlogging.insights.source.health", () => Health(insights), null, "Health by source: 0 healthy, 1 degraded, 2 unhealthy.");
        _meter.CreateObservableGauge("hybridlogging.insights.source.error_rate", () => ErrorRates(insights), null, "Error rate over the health window, by source (0..1).");
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<int>> Health(LogInsights insights)
    {
        foreach (var health in insights.GetSourceHealth())
        {
            yield return new Measurement<int>((int)health.Status, new KeyValuePair<string, object?>("source", health.Source));
        }
    }

    private static IEnumerable<Measurement<double>> ErrorRates(LogInsights insights)
    {
        foreach (var health in insights.GetSourceHealth())
        {
            yield return new Measurement<double>(health.ErrorRate, new KeyValuePair<string, object?>("source", health.Source));
        }
    }
}
