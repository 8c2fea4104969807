using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Tests.Alerts;

public sealed class AlertRuleTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Count_rule_raises_once_a_source_logs_more_errors_in_a_minute_than_the_threshold()
    {
        var clock = AlertKit.Clock();
        await using var insights = AlertKit.Insights(clock, a => a.Rules["errors"] = new AlertRule { Kind = AlertRuleKind.Count, Threshold = 10 });

        insights.Feed("Payments", LogLevel.Error, times: 10);
        insights.Feed("Payments", LogLevel.Warning, times: 50); // below the rule's level (Error by default)
        insights.Feed("Orders", LogLevel.Error, times: 30);
        var orders = Assert.Single(insights.GetActiveAlerts()); // raised on the entry that crossed, no timer tick needed
        Assert.Equal(("Orders", 11.0), (orders.Source, orders.Value));
        clock.Advance(Tick);
        Assert.Single(insights.GetActiveAlerts()); // the timer's evaluation raises it no second time

        insights.Feed("Payments", LogLevel.Critical); // the 11th entry at Error or above

        var payments = Assert.Single(insights.GetActiveAlerts(), a => a.Source == "Payments");
        Assert.Equal(("errors", AlertRuleKind.Count, AlertSeverity.Warning, AlertState.Raised), (payments.Rule, payments.Kind, payments.Severity, payments.State));
        Assert.Equal(11, payments.Value);
        Assert.Equal(10, payments.Threshold);
        Assert.Equal(AlertKit.Start + Tick, payments.RaisedAt);
        Assert.Contains("11 entries at Error or above from 'Payments'", payments.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_rule_at_warning_level_counts_warnings_and_worse()
    {
        var clock = AlertKit.Clock();
        await using var insights = AlertKit.Insights(clock, a => a.Rules["warnings"] = new AlertRule { Level = LogLevel.Warning, Threshold = 5, Source = "Cache" });

        insights.Feed("Cache", LogLevel.Warning, times: 3);
        insights.Feed("Cache", LogLevel.Error, times: 3);
        insights.Feed("Other", LogLevel.Error, times: 100); // not the rule's source
        clock.Advance(Tick);

        var alert = Assert.Single(insights.GetActiveAlerts());
        Assert.Equal(("Cache", 6.0), (alert.Source, alert.Value));
    }

    [Fact]
    public async Task Count_rule_resolves_when_the_sliding_minute_falls_back_below_the_threshold()
    {
        var clock = AlertKit.Clock();
        await using var insights = AlertKit.Insights(clock, a => a.Rules["errors"] = new AlertRule { Threshold = 10 });

        insights.Feed("Payments", LogLevel.Error, times: 20);
        clock.Advance(Tick);
        Assert.Single(insights.GetActiveAlerts());

        // 20 errors in minute 0 weigh 20 * (1 - elapsed) in minute 1: 10.3 (above 10) at 89 s, exactly 10 at 90 s.
        clock.Step(TimeSpan.FromSeconds(88));
        Assert.Single(insights.GetActiveAlerts());
        clock.Step(TimeSpan.FromSeconds(2));

        Assert.Empty(insights.GetActiveAlerts());
        var history = insights.GetAlertHistory();
        Assert.Equal([AlertState.Raised, AlertState.Resolved], history.Select(a => a.State));
        Assert.Equal(AlertKit.Start + TimeSpan.FromSeconds(90), history[1].ResolvedAt);
        Assert.Equal(history[0].RaisedAt, history[1].RaisedAt);
        Assert.True(history[1].Value <= 10);
    }

    [Fact]
    public async Task Cooldown_turns_a_flapping_condition_into_one_alert_and_raises_again_after_it()
    {
        var clock = AlertKit.Clock();
        await using var insights = AlertKit.Insights(clock, a => a.Rules["fatal"] = new AlertRule
        {
            Kind = AlertRuleKind.Level,
            Window = TimeSpan.FromSeconds(10),
            Cooldown = TimeSpan.FromMinutes(5),
        });

        for (var i = 0; i < 10; i++)
        {
            insights.Feed("Db", LogLevel.Critical, "Connection pool exhausted");
            clock.Step(TimeSpan.FromSeconds(30)); // each burst resolves after 10 quiet seconds
        }

        // t = 0 raised; bursts at 30 s .. 270 s fall within the 5-minute cooldown; the one at 300 s raises again.
        var raised = insights.GetAlertHistory().Where(a => a.State == AlertState.Raised).ToArray();
        Assert.Single(raised);
        Assert.Equal(9, insights.GetAlertStats().SuppressedByCooldown);

        insights.Feed("Db", LogLevel.Critical, "Connection pool exhausted");
        Assert.Equal(2, insights.GetAlertHistory().Count(a => a.State == AlertState.Raised));
        Assert.Equal(AlertKit.Start + TimeSpan.FromMinutes(5), insights.GetActiveAlerts().Single().RaisedAt);
    }

    [Fact]
    public async Task ErrorRate_rule_raises_above_the_percentage_only_once_the_window_holds_the_minimum_count()
    {
        var clock = AlertKit.Clock();
        await using var insights = AlertKit.Insights(clock, a => a.Rules["rate"] = new AlertRule
        {
            Kind = AlertRuleKind.ErrorRate,
            Threshold = 25,
            MinimumCount = 20,
            Window = TimeSpan.FromMinutes(2),
            Severity = AlertSeverity.Critical,
        });

        insights.Feed("Api", LogLevel.Error, times: 10); // 100% but only 10 entries
        clock.Advance(Tick);
        Assert.Empty(insights.GetActiveAlerts());

        insights.Feed("Api", LogLevel.Information, times: 30); // 10 of 40 = 25%: not above
        clock.Advance(Tick);
        Assert.Empty(insights.GetActiveAlerts());

        insights.Feed("Api", LogLevel.Error, times: 2); // 12 of 42 = 28.6%
        clock.Advance(Tick);
        var alert = Assert.Single(insights.GetActiveAlerts());
        Assert.Equal((AlertRuleKind.ErrorRate, AlertSeverity.Critical, 25.0), (alert.Kind, alert.Severity, alert.Threshold));
        Assert.Equal(100.0 * 12 / 42, alert.Value, 6);
        Assert.Contains("of 42 entries from 'Api'", alert.Message, StringComparison.Ordinal);

        // The window is two whole minutes: once minute 0 leaves it, the rate has no entries and the alert resolves.
        clock.Step(TimeSpan.FromMinutes(2));
        Assert.Empty(insights.GetActiveAlerts());
        Assert.Equal(1, insights.GetAlertStats().Resolved);
    }

    [Fact]
    public async Task Silence_rule_raises_for_a_named_source_that_stops_or_never_starts_logging_and_resolves_when_it_logs()
    {
        var clock = AlertKit.Clock();
        await using var insights = AlertKit.Insights(clock, a =>
        {
            a.Rules["heartbeat"] = new AlertRule { Kind = AlertRuleKind.Silence, Source = "Heartbeat", Window = TimeSpan.FromMinutes(2) };
            a.Rules["billing-quiet"] = new AlertRule { Kind = AlertRuleKind.Silence, Source = "Billing", Window = TimeSpan.FromMinutes(5) };
        });

        for (var i = 0; i < 4; i++)
        {
            insights.Feed("Heartbeat", LogLevel.Debug, "alive");
            clock.Step(TimeSpan.FromSeconds(50));
        }

        Assert.Empty(insights.GetActiveAlerts()); // Heartbeat every 50 s; Billing (never seen) silent for 200 s < 5 min

        clock.Step(TimeSpan.FromSeconds(71)); // Heartbeat last logged at 150 s: silent for 121 s
        var heartbeat = Assert.Single(insights.GetActiveAlerts());
        Assert.Equal(("heartbeat", "Heartbeat", 120.0, 120.0), (heartbeat.Rule, heartbeat.Source, heartbeat.Value, heartbeat.Threshold));
        Assert.Equal(AlertKit.Start + TimeSpan.FromSeconds(270), heartbeat.RaisedAt);
        Assert.Contains("No entries from 'Heartbeat' for 00:02:00", heartbeat.Message, StringComparison.Ordinal);

        clock.Step(TimeSpan.FromSeconds(30)); // 301 s: Billing has never logged since the rule was loaded
        Assert.Equal(["billing-quiet", "heartbeat"], insights.GetActiveAlerts().Select(a => a.Rule).Order());

        insights.Feed("Heartbeat", LogLevel.Debug, "alive again");
        clock.Advance(Tick);
        Assert.Equal("billing-quiet", Assert.Single(insights.GetActiveAlerts()).Rule);
        var resolved = insights.GetAlertHistory()[^1];
        Assert.Equal(("heartbeat", AlertState.Resolved), (resolved.Rule, resolved.State));
    }

    [Fact]
    public async Task Silence_rule_without_a_source_watches_every_source_seen()
    {
        var clock = AlertKit.Clock();
        await using var insights = AlertKit.Insights(clock, a => a.Rules["quiet"] = new AlertRule { Kind = AlertRuleKind.Silence, Window = TimeSpan.FromMinutes(1) });

        insights.Feed("A", LogLevel.Information);
        insights.Feed("B", LogLevel.Information);
        clock.Step(TimeSpan.FromSeconds(30));
        insights.Feed("B", LogLevel.Information);
        clock.Step(TimeSpan.FromSeconds(31));

        Assert.Equal("A", Assert.Single(insights.GetActiveAlerts()).Source);
    }

    [Fact]
    public async Task MessagePattern_rule_raises_on_the_matching_entry_and_resolves_after_a_quiet_window()
    {
        var clock = AlertKit.Clock();
        await using var insights = AlertKit.Insights(clock, a => a.Rules["oom"] = new AlertRule
        {
            Kind = AlertRuleKind.MessagePattern,
            Pattern = @"OutOfMemory|heap (?:space|exhausted)",
            Window = TimeSpan.FromSeconds(30),
            Severity = AlertSeverity.Critical,
        });

        insights.Feed("Worker", LogLevel.Information, "Processed 12 jobs");
        Assert.Empty(insights.GetActiveAlerts());

        insights.Feed("Worker", LogLevel.Information, "GC: heap exhausted while allocating 4096 bytes");
        var alert = Assert.Single(insights.GetActiveAlerts()); // raised at once, on the entry, without a timer tick
        Assert.Equal(AlertKit.Start, alert.RaisedAt);
        Assert.Contains("GC: heap exhausted while allocating 4096 bytes", alert.Message, StringComparison.Ordinal);

        clock.Step(TimeSpan.FromSeconds(20));
        insights.Feed("Worker", LogLevel.Error, "System.OutOfMemoryException thrown");
        clock.Step(TimeSpan.FromSeconds(20));
        Assert.Single(insights.GetActiveAlerts()); // the second match restarted the quiet window
        clock.Step(TimeSpan.FromSeconds(11));

        var resolved = insights.GetAlertHistory()[^1];
        Assert.Equal((AlertState.Resolved, 2.0), (resolved.State, resolved.Value));
        Assert.Empty(insights.GetActiveAlerts());
    }

    [Fact]
    public async Task Level_rule_raises_on_critical_entries_only()
    {
        var clock = AlertKit.Clock();
        await using var insights = AlertKit.Insights(clock, a => a.Rules["critical"] = new AlertRule { Kind = AlertRuleKind.Level, Severity = AlertSeverity.Critical });

        insights.Feed("Api", LogLevel.Error, "bad");
        insights.Feed("Api", LogLevel.Warning, "meh");
        Assert.Empty(insights.GetActiveAlerts());

        insights.Feed("Api", LogLevel.Critical, "Disk full");
        insights.Feed("Api", LogLevel.Critical, "Disk still full");
        var alert = Assert.Single(insights.GetActiveAlerts());
        Assert.Equal("An entry at Critical or above from 'Api': Disk full", alert.Message);
        Assert.Equal(1, insights.GetAlertStats().Raised);
    }

    [Fact]
    public async Task A_pattern_that_times_out_counts_as_no_match_and_is_counted()
    {
        var clock = AlertKit.Clock();
        await using var insights = AlertKit.Insights(clock, a => a.Rules["evil"] = new AlertRule
        {
            Kind = AlertRuleKind.MessagePattern,
            Pattern = "^(a+)+$", // catastrophic backtracking on a long run of 'a' that does not end the string
            MatchTimeout = TimeSpan.FromMilliseconds(1),
        });

        insights.Feed("Parser", LogLevel.Information, new string('a', 40) + "!", times: 2);

        Assert.Empty(insights.GetActiveAlerts());
        Assert.Equal(2, insights.GetAlertStats().RegexTimeouts);
    }

    [Fact]
    public async Task Invalid_rules_are_rejected_with_clear_counted_reasons_and_valid_rules_still_run()
    {
        var clock = AlertKit.Clock();
        await using var insights = AlertKit.Insights(clock, a =>
        {
            a.Rules["bad-regex"] = new AlertRule { Kind = AlertRuleKind.MessagePattern, Pattern = "([unclosed" };
            a.Rules["no-pattern"] = new AlertRule { Kind = AlertRuleKind.MessagePattern };
            a.Rules["bad-rate"] = new AlertRule { Kind = AlertRuleKind.ErrorRate, Threshold = 150, Window = TimeSpan.FromSeconds(10) };
            a.Rules["negative"] = new AlertRule { Threshold = -1 };
            a.Rules["off"] = new AlertRule { Enabled = false, Threshold = -1 };
            a.Rules["good"] = new AlertRule { Kind = AlertRuleKind.Level };
            a.HistorySize = 0;
        });

        var stats = insights.GetAlertStats();
        Assert.Equal(1, stats.Rules);
        Assert.Equal(4, stats.RejectedCount);
        Assert.Contains(stats.Rejected, m => m.StartsWith("Alert rule 'bad-regex': Pattern is not a valid regular expression", StringComparison.Ordinal));
        Assert.Contains("Alert rule 'no-pattern': Pattern is required for a MessagePattern rule.", stats.Rejected);
        Assert.Contains("Alert rule 'bad-rate': Threshold must be a percentage between 0 and 100 (was 150).", stats.Rejected);
        Assert.Contains("Alert rule 'bad-rate': Window must be between 00:01:00 and 01:00:00 for an error rate (was 00:00:10).", stats.Rejected);
        Assert.Contains("Alert rule 'negative': Threshold must be a count of at least 0 (was -1).", stats.Rejected);
        Assert.Contains("Alerts: HistorySize must be between 1 and 100000 (was 0).", stats.Rejected);

        insights.Feed("Api", LogLevel.Critical, "boom");
        Assert.Single(insights.GetActiveAlerts());
        Assert.Single(insights.GetAlertHistory()); // the default history size applies
    }

    [Fact]
    public async Task Entries_of_the_AlertSystem_source_never_feed_rules()
    {
        var clock = AlertKit.Clock();
        await using var insights = AlertKit.Insights(clock, a =>
        {
            a.Rules["critical"] = new AlertRule { Kind = AlertRuleKind.Level };
            a.Rules["count"] = new AlertRule { Threshold = 0 };
        });

        insights.Feed("AlertSystem", LogLevel.Critical, "Alert critical raised", times: 5);
        clock.Advance(Tick);

        Assert.Empty(insights.GetAlertHistory());
    }

    [Fact]
    public async Task History_keeps_the_last_HistorySize_notices()
    {
        var clock = AlertKit.Clock();
        await using var insights = AlertKit.Insights(clock, a =>
        {
            a.Rules["critical"] = new AlertRule { Kind = AlertRuleKind.Level, Cooldown = TimeSpan.Zero };
            a.HistorySize = 3;
        });

        for (var i = 0; i < 5; i++)
        {
            insights.Feed("S" + i, LogLevel.Critical, "boom " + i);
        }

        Assert.Equal(["S2", "S3", "S4"], insights.GetAlertHistory().Select(a => a.Source));
        Assert.Equal(5, insights.GetActiveAlerts().Count);
    }
}
