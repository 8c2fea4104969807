using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Tests.Alerts;

public sealed class WebhookTests
{
    private static LogInsights Insights(Action<AlertOptions> configure) => AlertKit.Insights(TimeProvider.System, a =>
    {
        a.Rules["fatal"] = new AlertRule { Kind = AlertRuleKind.Level, Severity = AlertSeverity.Critical };
        configure(a);
    });

    [Fact]
    public async Task Webhook_receives_the_alert_as_a_json_post_with_its_headers()
    {
        await using var receiver = new WebhookReceiver();
        await using var insights = Insights(a => a.Webhooks["ops"] = new WebhookOptions
        {
            Url = receiver.Url + "hooks/alerts",
            Headers = { ["Authorization"] = "Bearer token-123", ["X-Team"] = "payments" },
        });

        insights.Feed("Payments", LogLevel.Critical, "Card processor unreachable");
        await AlertKit.Eventually(() => insights.GetAlertStats().WebhookSent == 1, "the webhook delivery");

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/hooks/alerts", request.Path);
        Assert.Equal("application/json; charset=utf-8", request.ContentType);
        Assert.Equal("Bearer token-123", request.Headers["Authorization"]);
        Assert.Equal("payments", request.Headers["X-Team"]);
        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        Assert.Equal("fatal", root.GetProperty("rule").GetString());
        Assert.Equal("Level", root.GetProperty("kind").GetString());
        Assert.Equal("Critical", root.GetProperty("severity").GetString());
        Assert.Equal("Raised", root.GetProperty("state").GetString());
        Assert.Equal("Payments", root.GetProperty("source").GetString());
        Assert.Equal("An entry at Critical or above from 'Payments': Card processor unreachable", root.GetProperty("message").GetString());
        Assert.Equal(1, root.GetProperty("value").GetDouble());
        Assert.Equal(0, root.GetProperty("threshold").GetDouble());
        Assert.Equal(insights.GetActiveAlerts().Single().RaisedAt, root.GetProperty("raisedAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("resolvedAt").ValueKind);
        Assert.Equal((0, 0), (insights.GetAlertStats().WebhookRetried, insights.GetAlertStats().WebhookFailed));
    }

    [Fact]
    public async Task Slack_webhook_receives_a_text_body_and_only_the_severities_it_asked_for()
    {
        await using var receiver = new WebhookReceiver();
        await using var insights = Insights(a =>
        {
            a.Rules["cache"] = new AlertRule { Kind = AlertRuleKind.MessagePattern, Pattern = "cache miss", Severity = AlertSeverity.Info };
            a.Webhooks["slack"] = new WebhookOptions { Url = receiver.Url, Format = WebhookFormat.Slack, MinimumSeverity = AlertSeverity.Warning };
        });

        insights.Feed("Cache", LogLevel.Information, "cache miss for key 42"); // Info: below the webhook's minimum
        insights.Feed("Payments", LogLevel.Critical, "Card processor unreachable");
        await AlertKit.Eventually(() => insights.GetAlertStats().WebhookSent == 1, "the Slack delivery");

        // Deliveries are in order, so the Info alert (raised first) would have arrived before this one.
        var request = Assert.Single(receiver.Requests);
        using var json = JsonDocument.Parse(request.Body);
        var property = Assert.Single(json.RootElement.EnumerateObject());
        Assert.Equal("text", property.Name);
        Assert.Equal("[Critical] Alert 'fatal' raised for Payments: An entry at Critical or above from 'Payments': Card processor unreachable", property.Value.GetString());
        Assert.Equal(2, insights.GetAlertStats().Raised);
    }

    [Fact]
    public async Task Webhook_retries_after_server_errors_with_the_same_body()
    {
        await using var receiver = new WebhookReceiver((index, context, _) => WebhookReceiver.Answer(context, index < 2 ? 500 : 204));
        await using var insights = Insights(a => a.Webhooks["ops"] = new WebhookOptions
        {
            Url = receiver.Url,
            MaxRetries = 3,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        });

        insights.Feed("Payments", LogLevel.Critical, "Card processor unreachable");
        await AlertKit.Eventually(() => insights.GetAlertStats().WebhookSent == 1, "the delivery after two 500s");

        var stats = insights.GetAlertStats();
        Assert.Equal((1, 2, 0), (stats.WebhookSent, stats.WebhookRetried, stats.WebhookFailed));
        Assert.Equal(3, receiver.Requests.Count);
        Assert.Single(receiver.Requests.Select(r => r.Body).Distinct());
    }

    [Fact]
    public async Task A_hanging_receiver_times_out_and_is_retried_and_later_alerts_are_still_delivered()
    {
        await using var receiver = new WebhookReceiver((index, context, stop) => index == 0 ? WebhookReceiver.Hang(context, stop) : WebhookReceiver.Answer(context, 200));
        await using var insights = Insights(a => a.Webhooks["ops"] = new WebhookOptions
        {
            Url = receiver.Url,
            Timeout = TimeSpan.FromMilliseconds(300),
            MaxRetries = 1,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        });

        var started = Stopwatch.StartNew();
        insights.Feed("Payments", LogLevel.Critical, "first");
        insights.Feed("Orders", LogLevel.Critical, "second");
        await AlertKit.Eventually(() => insights.GetAlertStats().WebhookSent == 2, "both deliveries");
        started.Stop();

        var stats = insights.GetAlertStats();
        Assert.Equal((2, 1, 0), (stats.WebhookSent, stats.WebhookRetried, stats.WebhookFailed));
        var sources = receiver.Requests.OrderBy(r => r.Index).Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("source").GetString()).ToArray();
        Assert.Equal(["Payments", "Payments", "Orders"], sources); // the hung attempt, its retry, then the next alert
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_receiver_that_always_hangs_costs_one_counted_failure_per_alert_and_does_not_block_others()
    {
        await using var receiver = new WebhookReceiver((_, context, stop) => WebhookReceiver.Hang(context, stop));
        await using var healthy = new WebhookReceiver();
        await using var insights = Insights(a =>
        {
            a.Webhooks["stuck"] = new WebhookOptions { Url = receiver.Url, Timeout = TimeSpan.FromSeconds(2), MaxRetries = 0 };
            a.Webhooks["healthy"] = new WebhookOptions { Url = healthy.Url };
        });

        insights.Feed("A", LogLevel.Critical, "one");
        insights.Feed("B", LogLevel.Critical, "two");
        await AlertKit.Eventually(() => healthy.Requests.Count == 2, "the healthy webhook's deliveries");
        Assert.Equal(0, insights.GetAlertStats().WebhookFailed); // each webhook has its own queue: no wait for the stuck one

        await AlertKit.Eventually(() => insights.GetAlertStats().WebhookFailed == 2, "the stuck webhook's failures");

        Assert.Equal(2, insights.GetAlertStats().WebhookSent);
    }
}
