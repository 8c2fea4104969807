namespace HybridLogging.Insights;

/// <summary>What an <see cref="AlertRule"/> watches.</summary>
public enum AlertRuleKind
{
    /// <summary>
    /// More than <see cref="AlertRule.Threshold"/> entries at or above <see cref="AlertRule.Level"/> (default
    /// <c>Error</c>) from one source within the last minute.
    /// </summary>
    Count,

    /// <summary>
    /// The share of entries at or above <see cref="AlertRule.Level"/> (default <c>Error</c>) from one source exceeds
    /// <see cref="AlertRule.Threshold"/> percent over <see cref="AlertRule.Window"/>, once the window holds at least
    /// <see cref="AlertRule.MinimumCount"/> entries.
    /// </summary>
    ErrorRate,

    /// <summary>An entry's message matches the regular expression <see cref="AlertRule.Pattern"/>.</summary>
    MessagePattern,

    /// <summary>An entry at or above <see cref="AlertRule.Level"/> (default <c>Critical</c>).</summary>
    Level,

    /// <summary>A source has logged nothing for <see cref="AlertRule.Window"/>.</summary>
    Silence,
}
