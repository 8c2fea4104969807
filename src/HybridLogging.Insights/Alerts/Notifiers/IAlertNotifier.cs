namespace HybridLogging.Insights.Alerts.Notifiers;

/// <summary>Delivers alert notices somewhere; called from its own background loop (<see cref="NotifierQueue"/>), one notice at a time.</summary>
internal interface IAlertNotifier : IDisposable
{
    /// <summary>Whether this notifier wants the notice (severity and resolve filters); checked before queueing.</summary>
    bool Accepts(Alert alert);

    /// <summary>Delivers one notice; outcomes are counted by the notifier. Exceptions are caught and reported by the loop.</summary>
    ValueTask NotifyAsync(Alert alert, CancellationToken cancellationToken);
}
