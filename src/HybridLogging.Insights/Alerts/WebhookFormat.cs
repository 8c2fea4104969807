namespace HybridLogging.Insights;

/// <summary>The body a webhook receives.</summary>
public enum WebhookFormat
{
    /// <summary>The alert as a JSON object (<c>rule</c>, <c>kind</c>, <c>severity</c>, <c>source</c>, <c>state</c>, <c>message</c>, <c>value</c>, <c>threshold</c>, <c>raisedAt</c>, <c>resolvedAt</c>).</summary>
    Json,

    /// <summary>A Slack-compatible incoming-webhook body: <c>{"text": "..."}</c>.</summary>
    Slack,
}
