using System.Globalization;
using System.Text.Json.Serialization;

namespace HybridLogging.Insights;

/// <summary>
/// One alert notice: a rule's condition started to hold for a source (<see cref="AlertState.Raised"/>) or stopped
/// (<see cref="AlertState.Resolved"/>, carrying the raise's <see cref="RaisedAt"/> and <see cref="Message"/>).
/// </summary>
public sealed class Alert
{
    // The JSON constructor lets a snapshot's alerts read back (a dashboard that receives the snapshot).
    [JsonConstructor]
    internal Alert(string rule, AlertRuleKind kind, AlertSeverity severity, string source, AlertState state, string message, double value, double threshold, DateTimeOffset raisedAt, DateTimeOffset? resolvedAt)
    {
        Rule = rule;
        Kind = kind;
        Severity = severity;
        Source = source;
        State = state;
        Message = message;
        Value = value;
        Threshold = threshold;
        RaisedAt = raisedAt;
        ResolvedAt = resolvedAt;
    }

    /// <summary>The name of the rule that raised the alert.</summary>
    public string Rule { get; }

    /// <summary>The rule's kind.</summary>
    public AlertRuleKind Kind { get; }

    /// <summary>The rule's severity.</summary>
    public AlertSeverity Severity { get; }

    /// <summary>The source the condition held for.</summary>
    public string Source { get; }

    /// <summary>Raised or resolved.</summary>
    public AlertState State { get; }

    /// <summary>What happened, in a sentence (for a resolve notice, the raise's message).</summary>
    public string Message { get; }

    /// <summary>
    /// The measured value when the notice was made: entries per minute (count), percent (error rate), seconds without
    /// entries (silence), matching entries since the raise (pattern, level).
    /// </summary>
    public double Value { get; }

    /// <summary>The rule's threshold in the unit of <see cref="Value"/> (the window in seconds for silence; 0 for pattern and level rules).</summary>
    public double Threshold { get; }

    /// <summary>When the alert was raised (the engine's clock).</summary>
    public DateTimeOffset RaisedAt { get; }

    /// <summary>When the alert was resolved; <see langword="null"/> for a raise.</summary>
    public DateTimeOffset? ResolvedAt { get; }

    internal Alert Resolve(double value, DateTimeOffset at) =>
        new(Rule, Kind, Severity, Source, AlertState.Resolved, Message, value, Threshold, RaisedAt, at);

    /// <summary>A one-line description: severity, state, rule, source and message.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"[{Severity}] {State} {Rule} ({Source}): {Message}");
}
