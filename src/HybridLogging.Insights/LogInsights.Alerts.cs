using System.Runtime.CompilerServices;
using HybridLogging.Insights.Alerts;

namespace HybridLogging.Insights;

// Alerting: rules evaluated over the observed entries, notices raised as events, an async stream, a bounded history
// and notifiers (webhooks, AlertSystem log entries). The engine lives in the Alerts folder.
public sealed partial class LogInsights
{
    private AlertEngine _alerts;

    /// <summary>
    /// Raised (on a background thread, never the logging pipeline's) when an alert is raised. A handler that throws is
    /// counted in <see cref="AlertStats.HandlerErrors"/> and does not affect other handlers.
    /// </summary>
    public event EventHandler<Alert>? AlertRaised
    {
        add => _alerts.Raised += value;
        remove => _alerts.Raised -= value;
    }

    /// <summary>Raised (on a background thread) when the condition of a raised alert clears.</summary>
    public event EventHandler<Alert>? AlertResolved
    {
        add => _alerts.Resolved += value;
        remove => _alerts.Resolved -= value;
    }

    /// <summary>
    /// Every alert notice (raised and resolved) made after the enumeration starts, until <paramref name="cancellationToken"/>
    /// is cancelled or this instance is disposed. Each reader has its own queue of <see cref="AlertOptions.QueueSize"/>
    /// notices; a reader that falls behind loses the oldest, counted in <see cref="AlertStats.Dropped"/>.
    /// </summary>
    public async IAsyncEnumerable<Alert> ReadAlertsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = _alerts.Subscribe();
        try
        {
            await foreach (var alert in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return alert;
            }
        }
        finally
        {
            _alerts.Unsubscribe(channel);
        }
    }

    /// <summary>The raised alerts that have not resolved yet, oldest first.</summary>
    public IReadOnlyList<Alert> GetActiveAlerts() => _alerts.Active();

    /// <summary>The last <see cref="AlertOptions.HistorySize"/> notices (raised and resolved), oldest first.</summary>
    public IReadOnlyList<Alert> GetAlertHistory() => _alerts.History();

    /// <summary>The alert engine's counters and the reasons any configured rule or webhook was rejected.</summary>
    public AlertStats GetAlertStats() => _alerts.Stats();

    private AlertEngine CreateAlertEngine() => new(this, Options.Alerts, _time, _loggerFactory);

    private async ValueTask DisposeAlertsAsync()
    {
        await _alerts.DisposeAsync().ConfigureAwait(false);
    }
}
