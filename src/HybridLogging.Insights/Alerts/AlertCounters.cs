namespace HybridLogging.Insights.Alerts;

/// <summary>The alert engine's counters, updated with <see cref="Interlocked"/> from the dispatcher, the timer and the notifier loops.</summary>
internal sealed class AlertCounters
{
    public long RejectedCount;
    public long Raised;
    public long Resolved;
    public long Suppressed;
    public long RegexTimeouts;
    public long UntrackedSources;
    public long Dropped;
    public long HandlerErrors;
    public long WebhookSent;
    public long WebhookRetried;
    public long WebhookFailed;
    public long LogNotices;
}
