using HybridLogging.Insights.Tests.Kit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace HybridLogging.Insights.Tests.Stats;

public sealed class WindowedStatsTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Counts_by_source_and_level_leave_a_window_as_time_passes()
    {
        var (insights, feeder, time) = Create();
        Feed(feeder, time, "Orders", LogLevel.Information, 3);
        Feed(feeder, time, "Orders", LogLevel.Error, 1);
        time.Advance(TimeSpan.FromMinutes(10));
        Feed(feeder, time, "Orders", LogLevel.Information, 2);
        Feed(feeder, time, "Billing", LogLevel.Warning, 1);

        var last5 = insights.GetStatistics(TimeSpan.FromMinutes(5));
        var last15 = insights.GetStatistics(TimeSpan.FromMinutes(15));

        Assert.Equal(3, last5.Counts.Total);
        Assert.Equal(2, last5.Sources.Single(s => s.Source == "Orders").Counts.Information);
        Assert.Equal(1, last5.Sources.Single(s => s.Source == "Billing").Counts.Warning);
        Assert.Equal(0, last5.ErrorRate);
        Assert.Equal(Start.AddMinutes(6), last5.Start);
        Assert.Equal(Start.AddMinutes(11), last5.End);

        var orders = last15.Sources.Single(s => s.Source == "Orders");
        Assert.Equal((5L, 1L), (orders.Counts.Information, orders.Counts.Error));
        Assert.Equal(1.0 / 6, orders.ErrorRate, 9);
        Assert.Equal(1.0 / 7, last15.ErrorRate, 9);
        Assert.Equal("Orders", last15.Sources[0].Source); // most entries first
    }

    [Fact]
    public void Longer_windows_use_the_hour_and_day_rollups()
    {
        var (insights, feeder, time) = Create();
        Feed(feeder, time, "Orders", LogLevel.Information, 4);        // 10:00
        time.Advance(TimeSpan.FromHours(1));
        Feed(feeder, time, "Orders", LogLevel.Information, 2);        // 11:00
        time.Advance(TimeSpan.FromMinutes(90));
        Feed(feeder, time, "Orders", LogLevel.Error, 1);              // 12:30

        Assert.Equal(1, insights.GetStatistics(TimeSpan.FromMinutes(30)).Counts.Total);
        var twoHours = insights.GetStatistics(TimeSpan.FromHours(2)); // hour buckets 11:00 and 12:00
        Assert.Equal(3, twoHours.Counts.Total);
        Assert.Equal(Start.AddHours(1), twoHours.Start);
        Assert.Equal(7, insights.GetStatistics(TimeSpan.FromHours(3)).Counts.Total);

        time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, insights.GetStatistics(TimeSpan.FromHours(24)).Counts.Total);
        var threeDays = insights.GetStatistics(TimeSpan.FromDays(3));
        Assert.Equal(7, threeDays.Counts.Total);
        Assert.Equal(1, threeDays.Counts.Error);
    }

    [Fact]
    public void Entries_are_bucketed_by_their_own_timestamp()
    {
        var (insights, feeder, time) = Create();
        time.Advance(TimeSpan.FromHours(3));
        feeder.Feed(Some.Entry(time.GetUtcNow().AddHours(-2), "late", source: "Batch"));   // two hours old: beyond the minute ring's 60 minutes
        feeder.Feed(Some.Entry(time.GetUtcNow(), "now", source: "Batch"));

        Assert.Equal(1, insights.GetStatistics(TimeSpan.FromMinutes(30)).Counts.Total);
        Assert.Equal(2, insights.GetStatistics(TimeSpan.FromHours(3)).Counts.Total);
    }

    [Fact]
    public void Percentiles_match_exact_values_within_the_sketch_accuracy_and_merge_across_minutes()
    {
        var (insights, feeder, time) = Create();
        var random = new Random(7);
        var values = new List<double>();
        for (var minute = 0; minute < 4; minute++)
        {
            for (var i = 0; i < 2500; i++)
            {
                // Log-normal latencies (median ~20 ms, long tail), as TimeSpan keeps them (100 ns resolution).
                var ms = TimeSpan.FromMilliseconds(Math.Exp(3 + (NextGaussian(random) * 1.2))).TotalMilliseconds;
                values.Add(ms);
                feeder.Feed(Some.Entry(time.GetUtcNow(), "Request handled", source: "Api", durationMs: ms));
            }

            time.Advance(TimeSpan.FromMinutes(1));
        }

        var latency = insights.GetStatistics(TimeSpan.FromMinutes(10)).Latency!;
        values.Sort();
        var accuracy = insights.Options.Stats.LatencyRelativeAccuracy;
        Assert.Equal(values.Count, latency.Count);
        Assert.Equal(values[0], latency.Min, 9);
        Assert.Equal(values[^1], latency.Max, 9);
        foreach (var (q, actual) in new[] { (0.5, latency.P50), (0.9, latency.P90), (0.95, latency.P95), (0.99, latency.P99) })
        {
            var exact = values[(int)(q * (values.Count - 1))];
            Assert.True(Math.Abs(actual - exact) <= (exact * accuracy) + 1e-9, $"p{q * 100}: sketch {actual}, exact {exact}");
            TestContext.Current.TestOutputHelper?.WriteLine($"p{q * 100}: sketch {actual:F3} ms, exact {exact:F3} ms, relative error {Math.Abs(actual - exact) / exact:P2} (bound {accuracy:P0})");
        }

        var lastMinute = insights.GetStatistics(TimeSpan.FromMinutes(1)).Latency;
        Assert.Null(lastMinute); // now is the minute after the last entries
    }

    [Fact]
    public void Sources_beyond_the_cap_are_counted_as_other()
    {
        var time = new FakeTimeProvider(Start);
        var insights = new LogInsights(new InsightsOptions { Stats = { MaxSources = 3 } }, time);
        var feeder = new ViewFeeder(insights);
        foreach (var source in new[] { "A", "B", "C", "D", "E" })
        {
            Feed(feeder, time, source, LogLevel.Information, 1);
        }

        var sources = insights.GetStatistics(TimeSpan.FromMinutes(1)).Sources.Select(s => (s.Source, s.Counts.Total)).OrderBy(s => s.Source, StringComparer.Ordinal);
        Assert.Equal([("(other)", 3L), ("A", 1L), ("B", 1L)], sources);
    }

    private static void Feed(ViewFeeder feeder, FakeTimeProvider time, string source, LogLevel level, int count)
    {
        for (var i = 0; i < count; i++)
        {
            feeder.Feed(Some.Entry(time.GetUtcNow(), "Something happened", source: source, level: level));
        }
    }

    private static double NextGaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static (LogInsights Insights, ViewFeeder Feeder, FakeTimeProvider Time) Create()
    {
        var time = new FakeTimeProvider(Start);
        var insights = new LogInsights(new InsightsOptions(), time);
        return (insights, new ViewFeeder(insights), time);
    }
}
