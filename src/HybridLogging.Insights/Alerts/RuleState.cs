namespace HybridLogging.Insights.Alerts;

/// <summary>One rule's state for one source. Guarded by <see cref="Gate"/> (the dispatcher raises per-entry rules, the timer the rest and every resolve).</summary>
internal sealed class RuleState
{
    public const long NeverRaised = long.MinValue;

    public Lock Gate { get; } = new();

    /// <summary>The raised alert, while the condition holds.</summary>
    public Alert? Active { get; set; }

    public long LastRaisedTicks { get; set; } = NeverRaised;

    /// <summary>Last match of a per-entry rule (pattern, level).</summary>
    public long LastHitTicks { get; set; }

    /// <summary>Matches of a per-entry rule since its raise.</summary>
    public long Hits { get; set; }

    /// <summary>The current incident was already counted as suppressed by the cooldown.</summary>
    public bool SuppressedIncident { get; set; }
}
