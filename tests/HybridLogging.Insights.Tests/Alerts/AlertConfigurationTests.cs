using HybridLogging.Insights.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Tests.Alerts;

public sealed class AlertConfigurationTests
{
    private const string Alerts = "Logging:HybridLogging:Insights:Alerts:";

    [Fact]
    public async Task Rules_from_configuration_reload_live_and_a_broken_rule_is_rejected_without_stopping_the_others()
    {
        await using var app = new ConfiguredInsights(new()
        {
            [Alerts + "LogNotices"] = "false",
            [Alerts + "Rules:fatal:Kind"] = "Level",
            [Alerts + "Rules:fatal:Severity"] = "Critical",
        });
        var config = app.Configuration;
        var pipeline = app.Pipeline;
        var insights = app.Insights;
        var logger = app.Logger("Shop.Payments");
        var ct = TestContext.Current.CancellationToken;

        logger.LogCritical("Card processor unreachable");
        await pipeline.FlushAsync(ct);
        var fatal = Assert.Single(insights.GetActiveAlerts());
        Assert.Equal(("fatal", AlertSeverity.Critical, "Payments"), (fatal.Rule, fatal.Severity, fatal.Source));

        // Turn the rule off, add a pattern rule and a rule whose pattern does not compile, then reload.
        config[Alerts + "Rules:fatal:Enabled"] = "false";
        config[Alerts + "Rules:timeouts:Kind"] = "MessagePattern";
        config[Alerts + "Rules:timeouts:Pattern"] = @"timed out after \d+ ms";
        config[Alerts + "Rules:broken:Kind"] = "MessagePattern";
        config[Alerts + "Rules:broken:Pattern"] = "(unclosed";
        config.Reload();

        var stats = insights.GetAlertStats();
        Assert.True(stats.Rules == 1, string.Join(" / ", stats.Rejected) + " active: " + string.Join(",", insights.GetActiveAlerts()));
        Assert.Equal(1, stats.RejectedCount);
        Assert.StartsWith("Alert rule 'broken': Pattern is not a valid regular expression", Assert.Single(stats.Rejected), StringComparison.Ordinal);
        Assert.Empty(insights.GetActiveAlerts()); // the disabled rule's alert was resolved
        Assert.Equal(AlertState.Resolved, insights.GetAlertHistory()[^1].State);

        logger.LogCritical("Card processor unreachable again"); // no rule watches the level any more
        logger.LogWarning("Request to inventory timed out after 3000 ms");
        await pipeline.FlushAsync(ct);
        var timeout = Assert.Single(insights.GetActiveAlerts());
        Assert.Equal(("timeouts", "Payments"), (timeout.Rule, timeout.Source));

        // A reload that leaves a rule unchanged keeps its state: the raised alert stays, nothing is raised twice.
        config[Alerts + "HistorySize"] = "50";
        config.Reload();
        Assert.Same(timeout, Assert.Single(insights.GetActiveAlerts()));
        Assert.Equal(2, insights.GetAlertStats().Raised);
    }

    [Fact]
    public async Task Webhooks_and_their_secrets_bind_from_configuration_and_a_changed_webhook_takes_the_next_alerts()
    {
        await using var receiver = new WebhookReceiver();
        await using var replacement = new WebhookReceiver();
        await using var app = new ConfiguredInsights(new()
        {
            [Alerts + "LogNotices"] = "false",
            [Alerts + "Rules:fatal:Kind"] = "Level",
            [Alerts + "Webhooks:ops:Url"] = receiver.Url,
            [Alerts + "Webhooks:ops:Format"] = "Slack",
            [Alerts + "Webhooks:ops:Headers:Authorization"] = "Bearer from-config",
        });
        var config = app.Configuration;
        var insights = app.Insights;
        var logger = app.Logger("Shop.Payments");

        logger.LogCritical("Card processor unreachable");
        await app.Pipeline.FlushAsync(TestContext.Current.CancellationToken);
        await AlertKit.Eventually(() => insights.GetAlertStats().WebhookSent == 1, "the delivery");

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("Bearer from-config", request.Headers["Authorization"]);
        using var json = System.Text.Json.JsonDocument.Parse(request.Body);
        Assert.StartsWith("[Warning] Alert 'fatal' raised for Payments", json.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);

        config[Alerts + "Webhooks:ops:Url"] = replacement.Url;
        config[Alerts + "Webhooks:ops:Format"] = "Json";
        config.Reload();
        app.Logger("Shop.Orders").LogCritical("Order store unreachable");
        await app.Pipeline.FlushAsync(TestContext.Current.CancellationToken);
        await AlertKit.Eventually(() => insights.GetAlertStats().WebhookSent == 2, "the delivery to the new URL");

        var moved = Assert.Single(replacement.Requests);
        Assert.Equal("Bearer from-config", moved.Headers["Authorization"]);
        using var body = System.Text.Json.JsonDocument.Parse(moved.Body);
        Assert.Equal("Orders", body.RootElement.GetProperty("source").GetString());
        Assert.Single(receiver.Requests);
    }
}
