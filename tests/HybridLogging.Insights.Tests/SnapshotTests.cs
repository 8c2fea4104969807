using System.Diagnostics.Metrics;
using System.Text.Json;
using HybridLogging.Insights.Tests.Kit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace HybridLogging.Insights.Tests;

public sealed class SnapshotTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ToJson_writes_the_snapshot_with_camel_case_names_and_enum_strings_and_reads_back()
    {
        var time = new FakeTimeProvider(Start);
        var insights = new LogInsights(null, time);
        var feeder = new ViewFeeder(insights);
        feeder.Feed(Some.Entry(Start, "Order 1 placed", "Order {OrderId} placed", durationMs: 12.5));
        feeder.Feed(Some.Entry(Start, "Call failed", level: LogLevel.Error, exception: new TimeoutException("slow")));

        var json = insights.ToJson(TimeSpan.FromMinutes(5));

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(2, root.GetProperty("observedEntries").GetInt64());
        Assert.Equal(1000, root.GetProperty("patternCapacity").GetInt32());
        Assert.Equal(2, root.GetProperty("statistics").GetProperty("counts").GetProperty("total").GetInt64());
        Assert.Equal(12.5, root.GetProperty("statistics").GetProperty("latency").GetProperty("p50").GetDouble(), 1);
        Assert.Equal("Order {OrderId} placed", root.GetProperty("topPatterns")[0].GetProperty("pattern").GetString());
        Assert.Equal("System.TimeoutException", root.GetProperty("topErrors")[0].GetProperty("exceptionType").GetString());
        Assert.Equal("Healthy", root.GetProperty("health")[0].GetProperty("status").GetString()); // 2 entries: below the minimum for an error rate
        var back = JsonSerializer.Deserialize(json, InsightsSnapshot.JsonTypeInfo)!;
        Assert.Equal(2, back.TopPatterns.Count);
        Assert.Equal(Start, back.TakenAt);
    }

    [Fact]
    public async Task The_snapshot_carries_the_active_alerts_and_the_alert_counters()
    {
        var clock = Alerts.AlertKit.Clock();
        await using var insights = Alerts.AlertKit.Insights(clock, a => a.Rules["breaker-opened"] = new AlertRule
        {
            Kind = AlertRuleKind.MessagePattern,
            Source = "CircuitBreaker",
            Pattern = "^Circuit for \\S+ opened",
        });

        Alerts.AlertKit.Feed(insights, "CircuitBreaker", LogLevel.Warning, "Circuit for bedrock opened for 3000 ms");
        var json = insights.ToJson();

        using var document = JsonDocument.Parse(json);
        var alert = Assert.Single(document.RootElement.GetProperty("activeAlerts").EnumerateArray());
        Assert.Equal("breaker-opened", alert.GetProperty("rule").GetString());
        Assert.Equal("CircuitBreaker", alert.GetProperty("source").GetString());
        Assert.Equal("Raised", alert.GetProperty("state").GetString());
        Assert.Equal(1, document.RootElement.GetProperty("alertStats").GetProperty("raised").GetInt64());
        var back = JsonSerializer.Deserialize(json, InsightsSnapshot.JsonTypeInfo)!;
        Assert.Equal("breaker-opened", Assert.Single(back.ActiveAlerts).Rule);
        Assert.Equal(1, back.AlertStats!.Raised);
    }

    [Fact]
    public void Counters_are_published_as_metrics_on_the_insights_meter()
    {
        var source = "MetricsProbe" + Guid.NewGuid().ToString("N");
        var time = new FakeTimeProvider(Start);
        var insights = new LogInsights(new InsightsOptions { Stats = { HealthMinimumEntries = 1 } }, time);
        var feeder = new ViewFeeder(insights);
        for (var i = 0; i < 37; i++)
        {
            feeder.Feed(Some.Entry(Start, "Failed", source: source, level: LogLevel.Error));
        }

        var seen = new List<(string Instrument, double Value, string? Source)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "HybridLogging.Insights")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        listener.Start();
        listener.RecordObservableInstruments();

        lock (seen)
        {
            Assert.Contains(("hybridlogging.insights.entries.observed", 37.0, (string?)null), seen);
            Assert.Contains(("hybridlogging.insights.source.health", 2.0, source), seen);
            Assert.Contains(("hybridlogging.insights.source.error_rate", 1.0, source), seen);
            Assert.Contains(seen, m => m.Instrument == "hybridlogging.insights.patterns.tracked");
        }

        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? tagged = null;
            foreach (var tag in tags)
            {
                tagged = tag.Key == "source" ? tag.Value as string : tagged;
            }

            lock (seen)
            {
                seen.Add((instrument.Name, value, tagged));
            }
        }
    }
}
