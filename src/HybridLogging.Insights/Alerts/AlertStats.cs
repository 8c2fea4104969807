using System.Text.Json.Serialization;

namespace HybridLogging.Insights;

/// <summary>A snapshot of the alert engine's counters (since start) and of the rules and webhooks in use.</summary>
public sealed class AlertStats
{
    [JsonConstructor] // a snapshot's counters read back (a dashboard that receives the snapshot)
    internal AlertStats()
    {
    }

    /// <summary>Rules loaded and enabled.</summary>
    [JsonInclude]
    public int Rules { get; internal init; }

    /// <summary>Webhooks loaded.</summary>
    [JsonInclude]
    public int Webhooks { get; internal init; }

    /// <summary>Why rules, webhooks or engine settings of the current configuration were rejected (one message each).</summary>
    [JsonInclude]
    public IReadOnlyList<string> Rejected { get; internal init; } = [];

    /// <summary>Rules and webhooks rejected over all loads and reloads.</summary>
    [JsonInclude]
    public long RejectedCount { get; internal init; }

    /// <summary>Alerts raised.</summary>
    [JsonInclude]
    public long Raised { get; internal init; }

    /// <summary>Alerts resolved.</summary>
    [JsonInclude]
    public long Resolved { get; internal init; }

    /// <summary>Incidents not raised because the rule's cooldown for that source had not passed.</summary>
    [JsonInclude]
    public long SuppressedByCooldown { get; internal init; }

    /// <summary>Regular-expression matches abandoned at their <see cref="AlertRule.MatchTimeout"/>.</summary>
    [JsonInclude]
    public long RegexTimeouts { get; internal init; }

    /// <summary>Entries not counted because <see cref="AlertOptions.MaxSources"/> sources were already tracked.</summary>
    [JsonInclude]
    public long UntrackedSources { get; internal init; }

    /// <summary>Alert notices dropped because a notifier's or a reader's queue was full.</summary>
    [JsonInclude]
    public long Dropped { get; internal init; }

    /// <summary>Exceptions thrown by <c>AlertRaised</c>/<c>AlertResolved</c> handlers (caught and reported).</summary>
    [JsonInclude]
    public long HandlerErrors { get; internal init; }

    /// <summary>Webhook deliveries accepted by the receiver (a 2xx answer).</summary>
    [JsonInclude]
    public long WebhookSent { get; internal init; }

    /// <summary>Webhook attempts retried (after a connection error, a timeout, or HTTP 408, 429 or 5xx).</summary>
    [JsonInclude]
    public long WebhookRetried { get; internal init; }

    /// <summary>Webhook deliveries given up (retries exhausted, or another 4xx answer).</summary>
    [JsonInclude]
    public long WebhookFailed { get; internal init; }

    /// <summary>Alert notices written as <c>AlertSystem</c> log entries.</summary>
    [JsonInclude]
    public long LogNotices { get; internal init; }
}
