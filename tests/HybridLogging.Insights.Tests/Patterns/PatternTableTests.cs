using HybridLogging.Insights.Tests.Kit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace HybridLogging.Insights.Tests.Patterns;

[Collection(MemoryMeasurementCollection.Name)]
public sealed class PatternTableTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Templated_and_free_text_entries_are_ranked_by_pattern()
    {
        var (insights, feeder, time) = Create();
        for (var i = 0; i < 5; i++)
        {
            feeder.Feed(Some.Entry(time.GetUtcNow(), $"Order {i} placed", "Order {OrderId} placed", properties: [new("OrderId", i)]));
        }

        feeder.Feed(Some.Entry(time.GetUtcNow(), "User 17 logged in", source: "Auth"));
        feeder.Feed(Some.Entry(time.GetUtcNow(), "User 4242 logged in", "User 4242 logged in", source: "Auth"));
        feeder.Feed(Some.Entry(time.GetUtcNow(), "User 5 logged in", source: "Auth", level: LogLevel.Warning));

        var top = insights.TopPatterns(10);

        Assert.Equal(2, top.Count);
        Assert.Equal("Order {OrderId} placed", top[0].Pattern);
        Assert.True(top[0].IsTemplate);
        Assert.Equal(5, top[0].Count);
        Assert.Equal(0, top[0].CountError);
        Assert.Equal(["OrderId"], top[0].PropertyKeys);
        Assert.Equal(["Order 0 placed", "Order 1 placed", "Order 2 placed"], top[0].Samples);
        Assert.Equal("User {Number} logged in", top[1].Pattern);
        Assert.False(top[1].IsTemplate);
        Assert.Equal("Auth", top[1].Source);
        Assert.Equal(3, top[1].Count);
        Assert.Equal(LogLevel.Warning, top[1].HighestLevel);
        Assert.Equal(2, top[1].Levels.Information);
        Assert.Equal(1, top[1].Levels.Warning);
    }

    [Fact]
    public void TopPatterns_filters_by_source_level_and_window()
    {
        var (insights, feeder, time) = Create();
        for (var i = 0; i < 4; i++)
        {
            feeder.Feed(Some.Entry(time.GetUtcNow(), "Cache warmed", source: "Cache"));
        }

        time.Advance(TimeSpan.FromMinutes(30));
        feeder.Feed(Some.Entry(time.GetUtcNow(), "Payment declined", source: "Billing", level: LogLevel.Warning));
        feeder.Feed(Some.Entry(time.GetUtcNow(), "Payment declined", source: "Billing", level: LogLevel.Warning));
        feeder.Feed(Some.Entry(time.GetUtcNow(), "Cache warmed", source: "Cache"));

        Assert.Equal(["Cache warmed", "Payment declined"], insights.TopPatterns(10).Select(p => p.Pattern));
        Assert.Equal(["Payment declined"], insights.TopPatterns(10, filter: new PatternFilter { Source = "Billing" }).Select(p => p.Pattern));
        Assert.Equal(["Payment declined"], insights.TopPatterns(10, filter: new PatternFilter { MinLevel = LogLevel.Warning }).Select(p => p.Pattern));

        var recent = insights.TopPatterns(10, TimeSpan.FromMinutes(10));
        Assert.Equal(["Payment declined", "Cache warmed"], recent.Select(p => p.Pattern));
        Assert.Equal(1, recent[1].Count);
        Assert.Equal(5, recent[1].TotalCount);
    }

    [Fact]
    public void TopErrors_groups_by_exception_type_and_pattern()
    {
        var (insights, feeder, time) = Create();
        for (var i = 0; i < 3; i++)
        {
            feeder.Feed(Some.Entry(time.GetUtcNow(), $"Call to svc{i} failed", "Call to {Service} failed", level: LogLevel.Error, exception: new TimeoutException("slow")));
        }

        feeder.Feed(Some.Entry(time.GetUtcNow(), "Call to svc9 failed", "Call to {Service} failed", level: LogLevel.Error, exception: new InvalidOperationException("bad")));
        feeder.Feed(Some.Entry(time.GetUtcNow(), "Disk full on /var/data", level: LogLevel.Critical));
        feeder.Feed(Some.Entry(time.GetUtcNow(), "Disk full on /mnt/logs", level: LogLevel.Error));
        feeder.Feed(Some.Entry(time.GetUtcNow(), "Retrying after a timeout", level: LogLevel.Warning, exception: new TimeoutException("slow")));
        feeder.Feed(Some.Entry(time.GetUtcNow(), "All good", level: LogLevel.Information));

        var errors = insights.TopErrors(10);

        Assert.Equal(4, errors.Count);
        Assert.Equal(("System.TimeoutException", "Call to {Service} failed", 3L), (errors[0].ExceptionType, errors[0].Pattern, errors[0].Count));
        Assert.Equal(("", "Disk full on {Path}", 2L), (errors[1].ExceptionType, errors[1].Pattern, errors[1].Count));
        Assert.Equal(LogLevel.Critical, errors[1].HighestLevel);
        Assert.Equal("Disk full on /var/data", errors[1].SampleMessage);
        Assert.Contains(errors, e => e.ExceptionType == "System.InvalidOperationException" && e.Count == 1);
        Assert.Contains(errors, e => e.Pattern == "Retrying after a timeout" && e.HighestLevel == LogLevel.Warning);
    }

    [Fact]
    public void A_small_table_evicts_the_rarest_pattern_and_reports_its_error_bound()
    {
        var time = new FakeTimeProvider(Start);
        var insights = new LogInsights(new InsightsOptions { Patterns = { MaxPatterns = 2 } }, time);
        var feeder = new ViewFeeder(insights);
        string[] templates = ["A {X}", "B {X}", "C {X}"];
        for (var round = 0; round < 10; round++)
        {
            feeder.Feed(Some.Entry(time.GetUtcNow(), "a", templates[0]));
            feeder.Feed(Some.Entry(time.GetUtcNow(), "a", templates[0]));
            feeder.Feed(Some.Entry(time.GetUtcNow(), round % 2 == 0 ? "b" : "c", templates[round % 2 == 0 ? 1 : 2]));
        }

        var top = insights.TopPatterns(10);
        Assert.Equal(2, top.Count);
        Assert.Equal(("A {X}", 20L, 0L), (top[0].Pattern, top[0].TotalCount, top[0].CountError));
        Assert.Equal("C {X}", top[1].Pattern); // the last one in holds the slot B and C take in turn
        Assert.True(top[1].TotalCount - top[1].CountError <= 5 && top[1].TotalCount >= 5, $"{top[1].TotalCount} - {top[1].CountError}");
        Assert.Equal(9, insights.EvictedPatterns);
    }

    [Fact]
    public void A_small_table_evicts_free_text_patterns_and_counts_one_seen_again_in_its_new_counter()
    {
        // Free text is found through a cache of counters; an evicted counter is reused for another pattern and must
        // not be counted for its old one.
        var time = new FakeTimeProvider(Start);
        var insights = new LogInsights(new InsightsOptions { Patterns = { MaxPatterns = 2 } }, time);
        var feeder = new ViewFeeder(insights);
        for (var round = 0; round < 10; round++)
        {
            feeder.Feed(Some.Entry(time.GetUtcNow(), $"Alpha {round} done"));
            feeder.Feed(Some.Entry(time.GetUtcNow(), $"Alpha {round + 100} done"));
            feeder.Feed(Some.Entry(time.GetUtcNow(), round % 2 == 0 ? $"Beta {round}" : $"Gamma {round}"));
        }

        var top = insights.TopPatterns(10);
        Assert.Equal(2, top.Count);
        Assert.Equal(("Alpha {Number} done", 20L, 0L), (top[0].Pattern, top[0].TotalCount, top[0].CountError));
        Assert.Equal("Gamma {Number}", top[1].Pattern);
        Assert.True(top[1].TotalCount - top[1].CountError <= 5 && top[1].TotalCount >= 5, $"{top[1].TotalCount} - {top[1].CountError}");
        Assert.Equal(9, insights.EvictedPatterns);
    }

    [Fact]
    public void Errors_of_one_pattern_are_grouped_per_exception_type_and_an_evicted_group_starts_again()
    {
        var time = new FakeTimeProvider(Start);
        var insights = new LogInsights(new InsightsOptions { Patterns = { MaxErrorGroups = 2 } }, time);
        var feeder = new ViewFeeder(insights);
        void Disk(int n, Exception exception) => feeder.Feed(Some.Entry(time.GetUtcNow(), $"Disk {n} full", level: LogLevel.Error, exception: exception));

        Disk(1, new TimeoutException());
        Disk(2, new TimeoutException());
        Disk(3, new IOException());
        Disk(4, new TimeoutException());
        Assert.Equal(
            [("System.TimeoutException", 3L, 0L), ("System.IO.IOException", 1L, 0L)],
            insights.TopErrors(10).Select(e => (e.ExceptionType, e.TotalCount, e.CountError)));

        // A third group takes the IOException group's counter; the IOException seen again takes it back.
        feeder.Feed(Some.Entry(time.GetUtcNow(), "Queue stuck", level: LogLevel.Error));
        Disk(5, new IOException());
        Assert.Equal(
            [("System.IO.IOException", "Disk {Number} full", 3L, 2L), ("System.TimeoutException", "Disk {Number} full", 3L, 0L)],
            insights.TopErrors(10).Select(e => (e.ExceptionType, e.Pattern, e.TotalCount, e.CountError)).OrderBy(e => e.ExceptionType, StringComparer.Ordinal));
    }

    [Fact]
    public void A_template_without_holes_is_normalised_like_free_text()
    {
        var (insights, feeder, time) = Create();
        feeder.Feed(Some.Entry(time.GetUtcNow(), "Cache size 1024 {not a hole", "Cache size 1024 {not a hole"));
        feeder.Feed(Some.Entry(time.GetUtcNow(), "Cache size 2048 {not a hole"));
        feeder.Feed(Some.Entry(time.GetUtcNow(), "Escaped {{braces}} 7", "Escaped {{braces}} 7"));

        var top = insights.TopPatterns(10);
        Assert.Equal(("Cache size {Number} {not a hole", 2L, false), (top[0].Pattern, top[0].Count, top[0].IsTemplate));
        Assert.Equal("Escaped {{braces}} {Number}", top[1].Pattern);
    }

    [Fact]
    public void Memory_stays_bounded_with_a_million_distinct_messages()
    {
        const int Messages = 1_000_000;
        var time = new FakeTimeProvider(Start);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var insights = new LogInsights(new InsightsOptions(), time);
        var feeder = new ViewFeeder(insights);
        var letters = new char[8];
        for (var i = 0; i < Messages; i++)
        {
            // Letters, not digits, so every message is its own pattern (digits would normalise to one).
            var n = i;
            for (var k = letters.Length - 1; k >= 0; k--, n /= 26)
            {
                letters[k] = (char)('a' + (n % 26));
            }

            feeder.Feed(Some.Entry(Start.AddTicks(i), "Cache miss for key " + new string(letters), level: i % 10 == 0 ? LogLevel.Error : LogLevel.Information));
        }

        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        var perEntry = (double)feeder.AllocatedBytes / Messages;

        Assert.Equal(1000, insights.TrackedPatterns);
        Assert.Equal(Messages - 1000, insights.EvictedPatterns);
        Assert.Equal(Messages, insights.ObservedCount);
        Assert.All(insights.TopPatterns(1000), p => Assert.InRange(p.Samples.Count, 1, 3));
        Assert.Equal(200, insights.TopErrors(1000).Count);
        Assert.True(perEntry < 400, $"allocated {perEntry:F0} B per entry (a new pattern's string and first sample)");
        Assert.True(retained < 16 * 1024 * 1024, $"retained {retained / 1024.0 / 1024:F1} MB");
        GC.KeepAlive(insights);
        TestContext.Current.TestOutputHelper?.WriteLine($"{Messages:N0} distinct messages: table {insights.TrackedPatterns} patterns, allocated {perEntry:F0} B/entry in OnEntry, retained {retained / 1024.0 / 1024:F1} MB");
    }

    private static (LogInsights Insights, ViewFeeder Feeder, FakeTimeProvider Time) Create()
    {
        var time = new FakeTimeProvider(Start);
        var insights = new LogInsights(new InsightsOptions(), time);
        return (insights, new ViewFeeder(insights), time);
    }
}
