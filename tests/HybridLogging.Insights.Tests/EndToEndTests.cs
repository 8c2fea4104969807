using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Tests;

public sealed partial class EndToEndTests
{
    [Fact]
    public async Task Entries_logged_through_ILogger_become_patterns_errors_stats_and_health()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddHybridInsights(o => o.Patterns.MaxPatterns = 50));
        await using var provider = services.BuildServiceProvider();
        var logger = provider.GetRequiredService<ILogger<EndToEndTests>>();
        for (var i = 0; i < 6; i++)
        {
            LogPlaced(logger, i, 12.5 + i);
        }

#pragma warning disable CA1848, CA2254 // free text on purpose: the message itself is the template, so it is normalised
        logger.LogInformation("User 42 logged in from 10.0.0.7");
        logger.LogInformation($"User {7} logged in from {"10.0.0.8"}");
#pragma warning restore CA1848, CA2254
        LogCallFailed(logger, new TimeoutException("upstream slow"), "inventory");

        await provider.GetRequiredService<HybridLoggerProvider>().FlushAsync(TestContext.Current.CancellationToken);
        var insights = provider.GetRequiredService<LogInsights>();

        var top = insights.TopPatterns(10, TimeSpan.FromMinutes(5));
        Assert.Equal(("Order {OrderId} placed in {DurationMs} ms", 6L, true), (top[0].Pattern, top[0].Count, top[0].IsTemplate));
        Assert.Contains(top, p => p.Pattern == "User {Number} logged in from {IPv4}" && p.Count == 2 && !p.IsTemplate);
        var error = Assert.Single(insights.TopErrors(10));
        Assert.Equal(("System.TimeoutException", "Call to {Service} failed"), (error.ExceptionType, error.Pattern));
        var stats = insights.GetStatistics(TimeSpan.FromMinutes(5));
        Assert.Equal(9, stats.Counts.Total);
        Assert.Equal(6, stats.Latency!.Count);
        Assert.Equal(HealthStatus.Degraded, Assert.Single(insights.GetSourceHealth()).Status); // 1 error in 9 entries
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} placed in {DurationMs} ms")]
    private static partial void LogPlaced(ILogger logger, int orderId, double durationMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Call to {Service} failed")]
    private static partial void LogCallFailed(ILogger logger, Exception exception, string service);
}
