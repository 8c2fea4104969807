using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HybridLogging.Insights.Alerts.Notifiers;

/// <summary>
/// Writes each notice as a log entry with category (and so source) <c>AlertSystem</c>, from its notifier loop, never
/// from the dispatcher thread (the pipeline's queue may be full and blocking). The engine skips entries of that source,
/// so a notice never feeds a rule, not even a Level rule at Critical.
/// </summary>
internal sealed partial class LogNoticeNotifier(Func<ILoggerFactory?> loggerFactory, AlertCounters counters) : IAlertNotifier
{
    public const string Category = "AlertSystem";
    private ILogger? _logger;

    public bool Accepts(Alert alert) => true;

    public ValueTask NotifyAsync(Alert alert, CancellationToken cancellationToken)
    {
        // Resolved lazily: the logger factory's providers depend on the insights instance that owns this notifier.
        var logger = _logger ??= loggerFactory()?.CreateLogger(Category) ?? NullLogger.Instance;
        if (alert.State == AlertState.Raised)
        {
            LogRaised(logger, LevelOf(alert.Severity), alert.Rule, alert.Severity, alert.Source, alert.Message, alert.Value, alert.Threshold);
        }
        else
        {
            LogResolved(logger, alert.Rule, alert.Source, alert.RaisedAt, alert.Message);
        }

        Interlocked.Increment(ref counters.LogNotices);
        return ValueTask.CompletedTask;
    }

    private static LogLevel LevelOf(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Critical => LogLevel.Critical,
        AlertSeverity.Warning => LogLevel.Warning,
        _ => LogLevel.Information,
    };

    [LoggerMessage(EventId = 9100, EventName = "AlertRaised", Message = "Alert {AlertRule} raised ({AlertSeverity}) for {AlertSource}: {AlertMessage} (value {AlertValue}, threshold {AlertThreshold})")]
    private static partial void LogRaised(ILogger logger, LogLevel level, string alertRule, AlertSeverity alertSeverity, string alertSource, string alertMessage, double alertValue, double alertThreshold);

    [LoggerMessage(EventId = 9101, EventName = "AlertResolved", Level = LogLevel.Information, Message = "Alert {AlertRule} resolved for {AlertSource} (raised {AlertRaisedAt}): {AlertMessage}")]
    private static partial void LogResolved(ILogger logger, string alertRule, string alertSource, DateTimeOffset alertRaisedAt, string alertMessage);

    public void Dispose()
    {
    }
}
