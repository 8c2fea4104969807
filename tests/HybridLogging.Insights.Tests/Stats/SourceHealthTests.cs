using HybridLogging.Insights.Tests.Kit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace HybridLogging.Insights.Tests.Stats;

public sealed class SourceHealthTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Health_follows_the_error_rate_thresholds_and_silence()
    {
        var time = new FakeTimeProvider(Start);
        var insights = new LogInsights(new InsightsOptions(), time); // degraded 5%, unhealthy 25%, 5 entries, 5 min window, silent 10 min
        var feeder = new ViewFeeder(insights);
        Feed(feeder, time, "Orders", 18, errors: 2);   // 10%
        Feed(feeder, time, "Payments", 8, errors: 4);  // 50%
        Feed(feeder, time, "Catalog", 10, errors: 0);
        Feed(feeder, time, "Rare", 1, errors: 1);      // too few entries to judge

        Assert.Equal(
            [("Catalog", HealthStatus.Healthy), ("Orders", HealthStatus.Degraded), ("Payments", HealthStatus.Unhealthy), ("Rare", HealthStatus.Healthy)],
            insights.GetSourceHealth().Select(h => (h.Source, h.Status)));
        Assert.Equal(0.5, insights.GetSourceHealth().Single(h => h.Source == "Payments").ErrorRate);

        // The errors leave the 5-minute health window: every source is healthy again.
        time.Advance(TimeSpan.FromMinutes(6));
        Feed(feeder, time, "Catalog", 10, errors: 0);
        Assert.All(insights.GetSourceHealth(), h => Assert.Equal(HealthStatus.Healthy, h.Status));

        // Ten minutes after their last entry, the sources that stopped logging are unhealthy; Catalog logged 5 minutes ago.
        time.Advance(TimeSpan.FromMinutes(5));
        var health = insights.GetSourceHealth().ToDictionary(h => h.Source);
        Assert.Equal(HealthStatus.Healthy, health["Catalog"].Status);
        Assert.All(["Orders", "Payments", "Rare"], s => Assert.Equal(HealthStatus.Unhealthy, health[s].Status));
        Assert.Equal("silent for 00:11:00", health["Orders"].Reason);
    }

    [Fact]
    public void Silence_detection_can_be_turned_off()
    {
        var time = new FakeTimeProvider(Start);
        var insights = new LogInsights(new InsightsOptions { Stats = { SilenceThreshold = TimeSpan.Zero } }, time);
        Feed(new ViewFeeder(insights), time, "Orders", 1, errors: 0);
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(HealthStatus.Healthy, Assert.Single(insights.GetSourceHealth()).Status);
    }

    [Fact]
    public void Options_out_of_range_are_rejected_with_every_problem()
    {
        var options = new InsightsOptions { Patterns = { MaxPatterns = 0 }, Stats = { DegradedErrorRate = 0.5, UnhealthyErrorRate = 0.1 } };
        var error = Assert.Throws<ArgumentException>(() => new LogInsights(options));
        Assert.Contains("MaxPatterns", error.Message, StringComparison.Ordinal);
        Assert.Contains("DegradedErrorRate", error.Message, StringComparison.Ordinal);
    }

    private static void Feed(ViewFeeder feeder, FakeTimeProvider time, string source, int count, int errors)
    {
        for (var i = 0; i < count; i++)
        {
            feeder.Feed(Some.Entry(time.GetUtcNow(), "Work item done", source: source, level: i < errors ? LogLevel.Error : LogLevel.Information));
        }
    }
}
