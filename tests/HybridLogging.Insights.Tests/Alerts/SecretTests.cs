using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Tests.Alerts;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SelfLogCollection
{
    public const string Name = "insights-self-log";
}

[Collection(SelfLogCollection.Name)]
public sealed class SecretTests
{
    [Fact]
    public async Task Webhook_that_gives_up_counts_the_failure_and_never_reveals_its_url_token_or_header_values()
    {
        var selfLog = new ConcurrentQueue<string>();
        HybridSelfLog.Enable(selfLog.Enqueue);
        try
        {
            await using var receiver = new WebhookReceiver((_, context, _) => WebhookReceiver.Answer(context, 500));
            var logged = new LogCapture();
            using var factory = LoggerFactory.Create(b => b.AddProvider(logged).SetMinimumLevel(LogLevel.Trace));
            var options = new InsightsOptions();
            options.Alerts.Rules["fatal"] = new AlertRule { Kind = AlertRuleKind.Level, Severity = AlertSeverity.Critical };
            var ops = new WebhookOptions
            {
                Url = receiver.Url + "services/T000/B000/URL-TOKEN-SECRET",
                Headers = { ["Authorization"] = "Bearer HEADER-SECRET" },
                MaxRetries = 1,
                RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            };
            options.Alerts.Webhooks["ops"] = ops;
            options.Alerts.Webhooks["broken"] = new WebhookOptions
            {
                Url = "ftp://example.invalid/URL-TOKEN-SECRET",
                Headers = { ["Content-Type"] = "HEADER-SECRET" },
            };
            await using var insights = new LogInsights(options, TimeProvider.System, factory);

            insights.Feed("Payments", LogLevel.Critical, "Card processor unreachable");
            await AlertKit.Eventually(() => insights.GetAlertStats().WebhookFailed == 1 && insights.GetAlertStats().LogNotices == 1, "the failed delivery");

            var stats = insights.GetAlertStats();
            Assert.Equal((0, 1, 1), (stats.WebhookSent, stats.WebhookRetried, stats.WebhookFailed));
            Assert.Equal(2, receiver.Requests.Count);
            Assert.All(receiver.Requests, r => Assert.Equal("Bearer HEADER-SECRET", r.Headers["Authorization"])); // it was sent
            Assert.Equal(
                ["Webhook 'broken': Url must be an absolute http or https URL.", "Webhook 'broken': header 'Content-Type' cannot be set on a request."],
                stats.Rejected);
            Assert.Contains(selfLog, line => line.EndsWith("Alert webhook 'ops' gave up on an alert of rule 'fatal': HTTP 500.", StringComparison.Ordinal));

            var alert = insights.GetAlertHistory().Single();
            string[] outputs =
            [
                .. selfLog,
                .. logged.Lines,
                .. stats.Rejected,
                alert.ToString(),
                JsonSerializer.Serialize(stats.Rejected),
                ops.ToString()!,
                options.Alerts.ToString()!,
                stats.ToString()!,
            ];
            Assert.NotEmpty(logged.Lines);
            foreach (var output in outputs)
            {
                Assert.DoesNotContain("SECRET", output, StringComparison.Ordinal);
            }
        }
        finally
        {
            HybridSelfLog.Disable();
        }
    }

    private sealed class LogCapture : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                lines.Enqueue($"{category}|{logLevel}|{formatter(state, exception)}|{values}|{exception}");
            }
        }
    }
}
