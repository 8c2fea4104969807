namespace HybridLogging.Insights;

/// <summary>
/// Options for alerting: the rules, the notifiers and the bounds of the alert engine. Bound from
/// <c>Logging:HybridLogging:Insights:Alerts</c>; rules and webhooks reload live.
/// </summary>
/// <remarks>
/// Invalid settings never stop the application: a rule or webhook that fails validation is left out (the reason is
/// counted in <see cref="AlertStats.Rejected"/> and reported on the self-log) and an invalid engine bound falls back to
/// its default.
/// </remarks>
public sealed class AlertOptions
{
    /// <summary>How many raised and resolved alerts are kept in the history. Default 200 (1 to 100,000).</summary>
    public int HistorySize { get; set; } = 200;

    /// <summary>How often time-based rules (counts, rates, silence, resolves) are evaluated. Default 1 second (100 ms to 1 minute).</summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many distinct sources the engine keeps counters for; entries from further sources are counted in
    /// <see cref="AlertStats.UntrackedSources"/> and feed no rule. Default 1,000 (1 to 100,000).
    /// </summary>
    public int MaxSources { get; set; } = 1000;

    /// <summary>
    /// How many alerts each notifier (and each <c>ReadAlertsAsync</c> reader) may have waiting; beyond it the newest
    /// alert is dropped for a notifier and the oldest for a reader, counted. Default 1,000 (1 to 1,000,000).
    /// </summary>
    public int QueueSize { get; set; } = 1000;

    /// <summary>
    /// Whether every raised and resolved alert is also written as a log entry with category and source
    /// <c>AlertSystem</c> (entries of that source never feed the rules). Default <see langword="true"/>.
    /// </summary>
    public bool LogNotices { get; set; } = true;

    /// <summary>The rules, keyed by rule name (case-insensitive). Empty by default.</summary>
    public Dictionary<string, AlertRule> Rules { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Webhooks that receive every alert, keyed by a name used in statistics and diagnostics. Empty by default.</summary>
    public Dictionary<string, WebhookOptions> Webhooks { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Checks the engine bounds (not the rules or webhooks, which <see cref="AlertRule.Validate"/> and
    /// <see cref="WebhookOptions.Validate"/> check one by one) and returns one message per problem; empty when valid.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (HistorySize is < 1 or > 100_000)
        {
            errors.Add($"Alerts: HistorySize must be between 1 and 100000 (was {HistorySize}).");
        }

        if (EvaluationInterval < TimeSpan.FromMilliseconds(100) || EvaluationInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Alerts: EvaluationInterval must be between 00:00:00.1 and 00:01:00 (was {EvaluationInterval}).");
        }

        if (MaxSources is < 1 or > 100_000)
        {
            errors.Add($"Alerts: MaxSources must be between 1 and 100000 (was {MaxSources}).");
        }

        if (QueueSize is < 1 or > 1_000_000)
        {
            errors.Add($"Alerts: QueueSize must be between 1 and 1000000 (was {QueueSize}).");
        }

        return errors;
    }
}
