using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Tests.Alerts;

public sealed class AlertLogNoticeTests
{
    [Fact]
    public async Task A_raised_alert_is_logged_on_the_AlertSystem_source_and_that_entry_does_not_raise_again()
    {
        var sink = new CollectingSink();
        var services = new ServiceCollection();
        services.AddLogging(b => b
            .AddHybridLogging(o => o.AddSink("collect", sink))
            .AddHybridInsights(i =>
            {
                i.Alerts.Rules["fatal"] = new AlertRule { Kind = AlertRuleKind.Level, Severity = AlertSeverity.Critical };
                i.Alerts.Rules["any-error"] = new AlertRule { Kind = AlertRuleKind.Count, Threshold = 0, Level = LogLevel.Trace };
            }));
        await using var provider = services.BuildServiceProvider();
        var pipeline = provider.GetRequiredService<HybridLoggerProvider>();
        var insights = provider.GetRequiredService<LogInsights>();
        var ct = TestContext.Current.CancellationToken;

        provider.GetRequiredService<ILoggerFactory>().CreateLogger("Shop.Payments").LogCritical("Card processor unreachable");
        await pipeline.FlushAsync(ct);
        await AlertKit.Eventually(() => insights.GetAlertStats().Raised == 2, "the count rule's raise on its timer tick");
        LogEntry[] notices = [];
        await AlertKit.Eventually(
            () =>
            {
                pipeline.FlushAsync(ct).GetAwaiter().GetResult();
                notices = [.. sink.Entries.Where(e => e.Source == "AlertSystem")];
                return notices.Length == 2;
            },
            "two AlertSystem entries");

        var notice = notices.Single(n => n.Level == LogLevel.Critical);
        Assert.Equal("AlertSystem", notice.Category);
        Assert.Equal(
            "Alert fatal raised (Critical) for Payments: An entry at Critical or above from 'Payments': Card processor unreachable (value 1, threshold 0)",
            notice.Message);
        Assert.Contains(notice.Properties, p => p.Key == "AlertRule" && Equals(p.Value, "fatal"));
        Assert.Equal(LogLevel.Warning, notices.Single(n => n != notice).Level);

        // The notices went through the observer (3 entries seen) but fed no rule: still two alerts, both for Payments.
        await Task.Delay(1500, ct); // more than one evaluation tick
        Assert.Equal(3, insights.ObservedCount);
        Assert.Equal(2, insights.GetAlertStats().Raised);
        Assert.All(insights.GetActiveAlerts(), a => Assert.Equal("Payments", a.Source));
        Assert.Equal(2, insights.GetAlertStats().LogNotices);
    }
}
