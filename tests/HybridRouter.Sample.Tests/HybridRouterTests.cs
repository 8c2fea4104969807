using HybridLogging;
using HybridLogging.Insights;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace HybridRouter.Sample.Tests;

public sealed class HybridRouterTests
{
    private static readonly string[] RoutingReasons = ["primary-healthy", "half-open-probe", "circuit-open", "primary-error"];

    [Fact]
    public async Task Every_request_entry_carries_its_correlation_ids()
    {
        var (entries, _) = await RunAsync(new SimulationOptions { RequestCount = 50 });

        var requestEntries = entries.Where(e => e.RequestId is not null).ToArray();
        Assert.NotEmpty(requestEntries);
        Assert.All(requestEntries, e =>
        {
            Assert.False(string.IsNullOrEmpty(e.CorrelationId));
            Assert.StartsWith("user-", e.UserId, StringComparison.Ordinal);
            Assert.StartsWith("session-", e.SessionId, StringComparison.Ordinal);
            Assert.Equal("route", e.OperationType);
        });
        Assert.Equal(50, requestEntries.Select(e => e.RequestId).Distinct().Count());
        // One correlation id per request, shared by all of its entries.
        Assert.All(requestEntries.GroupBy(e => e.RequestId), g => Assert.Single(g.Select(e => e.CorrelationId).Distinct()));
        Assert.Equal(50, requestEntries.Select(e => e.CorrelationId).Distinct().Count());
    }

    [Fact]
    public async Task Routing_decisions_carry_provider_fallback_and_reason()
    {
        var (entries, _) = await RunAsync(new SimulationOptions { RequestCount = 50 });

        var decisions = entries.Where(e => e.EventId.Id is 1001 or 1002).ToArray();
        Assert.Equal(50, decisions.Length);
        Assert.All(decisions, e =>
        {
            Assert.NotNull(e.Routing);
            Assert.Equal("bedrock", e.Routing.Provider);
            Assert.Equal("openai-fallback", e.Routing.Fallback);
            Assert.Contains(e.Routing.Reason, RoutingReasons);
            Assert.Equal(LogSources.HybridRouter, e.Source);
        });
        Assert.Contains(decisions, e => e.Routing!.Reason == "circuit-open");
        Assert.Contains(entries, e => e.EventId.Id == 1003 && e.Routing?.Reason == "primary-error" && e.Error?.Type == typeof(ProviderException).FullName);
    }

    [Fact]
    public async Task Completed_requests_carry_latency_and_duration()
    {
        var (entries, _) = await RunAsync(new SimulationOptions { RequestCount = 50 });

        var completed = entries.Where(e => e.EventId.Id == 1004).ToArray();
        Assert.NotEmpty(completed);
        Assert.All(completed, e =>
        {
            Assert.True(e.Performance?.LatencyMs > 0);
            Assert.True(e.Duration > TimeSpan.Zero);
            Assert.Contains(e.Routing?.Provider, new[] { "bedrock", "openai-fallback" });
        });
    }

    [Fact]
    public async Task Breaker_opens_and_closes_during_a_run_and_logs_both_with_source_CircuitBreaker()
    {
        var (entries, breaker) = await RunAsync(new SimulationOptions { RequestCount = 50 });

        var breakerEntries = entries.Where(e => e.Source == LogSources.CircuitBreaker).ToArray();
        var opened = breakerEntries.Where(e => e.EventId.Id == 3001).ToArray();
        var closed = breakerEntries.Where(e => e.EventId.Id == 3003).ToArray();
        Assert.NotEmpty(opened);
        Assert.NotEmpty(closed);
        Assert.Contains(breakerEntries, e => e.EventId.Id == 3002);
        Assert.All(breakerEntries, e =>
        {
            Assert.Equal("bedrock", e.Routing?.Provider);
            Assert.NotNull(e.CorrelationId);
            Assert.NotNull(e.RequestId);
        });
        Assert.Equal(opened.Length, breaker.OpenedCount);
        Assert.Equal(closed.Length, breaker.ClosedCount);
    }

    [Fact]
    public async Task Run_ends_with_a_PerformanceMonitor_summary_with_throughput_and_error_rate()
    {
        var (entries, _) = await RunAsync(new SimulationOptions { RequestCount = 50 });

        var summary = Assert.Single(entries, e => e.Source == LogSources.PerformanceMonitor);
        Assert.Same(summary, entries[^1]);
        Assert.True(summary.Performance?.Throughput > 0);
        Assert.NotNull(summary.Performance?.ErrorRate);
        Assert.InRange(summary.Performance.ErrorRate.Value, 0, 1);
        Assert.Equal(50, summary.GetProperty("RequestCount"));
    }

    [Fact]
    public async Task The_dictionary_scope_reaches_every_entry_of_the_run()
    {
        var (entries, _) = await RunAsync(new SimulationOptions { RequestCount = 10, Seed = 7 });

        Assert.All(entries, e =>
        {
            Assert.Equal(7, e.GetProperty("SimulationSeed"));
            Assert.Equal("bedrock", e.GetProperty("PrimaryProvider"));
        });
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_run()
    {
        var (first, _) = await RunAsync(new SimulationOptions { RequestCount = 40, Seed = 3 });
        var (second, _) = await RunAsync(new SimulationOptions { RequestCount = 40, Seed = 3 });

        Assert.Equal(Describe(first), Describe(second));

        static string[] Describe(IReadOnlyList<LogEntry> entries) => [.. entries.Select(e => $"{e.EventId.Id} {e.RequestId} {e.Message}")];
    }

    [Fact]
    public async Task The_fallback_burst_trips_the_breaker_and_raises_both_sample_alerts()
    {
        // A clock that never moves: both alerts must be raised on the entries themselves, with no timer evaluation.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sink = new CollectingSink();
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(clock)
            .AddLogging(logging => logging.AddHybridLogging(o => o.AddSink("collect", sink)).AddHybridInsights(SampleAlerts.Configure))
            .AddHybridRouterSimulation(new SimulationOptions { RequestCount = 50 })
            .BuildServiceProvider();
        await using (services)
        {
            await services.GetRequiredService<HybridRouter>().RunAsync(TestContext.Current.CancellationToken);
            var provider = services.GetRequiredService<HybridLoggerProvider>();
            await provider.FlushAsync(TestContext.Current.CancellationToken);
            var insights = services.GetRequiredService<LogInsights>();

            var raised = insights.GetAlertHistory().Where(a => a.State == AlertState.Raised).ToArray();
            Assert.Contains(raised, a => a.Rule == SampleAlerts.BreakerOpened && a.Source == LogSources.CircuitBreaker);
            var failing = Assert.Single(raised, a => a.Rule == SampleAlerts.RequestsFailing);
            Assert.Equal(LogSources.HybridRouter, failing.Source);
            Assert.True(failing.Value > 2, $"value {failing.Value}");
            Assert.True(sink.Entries.Count(e => e.EventId.Id == 1005) > 2, "the fallback burst fails requests on every provider");
            var report = new StringWriter();
            InsightsReport.Write(insights, report);
            Assert.Contains("Alerts raised:", report.ToString(), StringComparison.Ordinal);
            Assert.Contains("[Critical] requests-failing (HybridRouter)", report.ToString(), StringComparison.Ordinal);
        }
    }

    private static async Task<(IReadOnlyList<LogEntry> Entries, CircuitBreaker Breaker)> RunAsync(SimulationOptions options)
    {
        var sink = new CollectingSink();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.AddHybridLogging(o => o.AddSink("collect", sink)))
            .AddHybridRouterSimulation(options)
            .BuildServiceProvider();
        await using (services)
        {
            await services.GetRequiredService<HybridRouter>().RunAsync(TestContext.Current.CancellationToken);
            await services.GetRequiredService<HybridLoggerProvider>().FlushAsync(TestContext.Current.CancellationToken);
            return (sink.Entries, services.GetRequiredService<CircuitBreaker>());
        }
    }
}
