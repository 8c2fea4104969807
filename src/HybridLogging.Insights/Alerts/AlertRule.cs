using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights;

/// <summary>
/// One alert rule. Its name is its key in <see cref="AlertOptions.Rules"/>. A rule with no <see cref="Source"/> is
/// evaluated for every source separately, so each source raises (and resolves) its own alert.
/// </summary>
/// <remarks>
/// While an alert is raised the rule raises nothing more for that source; when the condition clears a
/// <see cref="AlertState.Resolved"/> notice follows. A new incident raises again only once <see cref="Cooldown"/> has
/// passed since the previous raise, so a flapping condition raises one alert.
/// </remarks>
public sealed class AlertRule
{
    /// <summary>What the rule watches. Default <see cref="AlertRuleKind.Count"/>.</summary>
    public AlertRuleKind Kind { get; set; } = AlertRuleKind.Count;

    /// <summary>How urgent the rule's alerts are. Default <see cref="AlertSeverity.Warning"/>.</summary>
    public AlertSeverity Severity { get; set; } = AlertSeverity.Warning;

    /// <summary>The one source the rule watches (ordinal comparison); <see langword="null"/> (the default) watches every source.</summary>
    public string? Source { get; set; }

    /// <summary>
    /// The lowest level the rule counts or matches. Default (<see langword="null"/>): <c>Error</c> for
    /// <see cref="AlertRuleKind.Count"/> and <see cref="AlertRuleKind.ErrorRate"/>, <c>Critical</c> for
    /// <see cref="AlertRuleKind.Level"/>, every level for <see cref="AlertRuleKind.MessagePattern"/>; not used by
    /// <see cref="AlertRuleKind.Silence"/>. Set <c>Warning</c> on a count rule to count warnings and worse.
    /// </summary>
    public LogLevel? Level { get; set; }

    /// <summary>
    /// The value the condition must exceed: an entry count per minute for <see cref="AlertRuleKind.Count"/> (at least 0),
    /// a percentage for <see cref="AlertRuleKind.ErrorRate"/> (0 to 100). Not used by the other kinds. Default 10.
    /// </summary>
    public double Threshold { get; set; } = 10;

    /// <summary>
    /// The time span of the condition. <see cref="AlertRuleKind.ErrorRate"/>: the window the rate is computed over, in
    /// whole minutes (1 to 60, default 5 minutes). <see cref="AlertRuleKind.Silence"/>: how long a source must stay quiet
    /// (1 second to 7 days, default 5 minutes). <see cref="AlertRuleKind.MessagePattern"/> and
    /// <see cref="AlertRuleKind.Level"/>: how long without a further match before the alert resolves (1 second to 1 day,
    /// default 1 minute). Not used by <see cref="AlertRuleKind.Count"/>, whose window is always one minute.
    /// </summary>
    public TimeSpan? Window { get; set; }

    /// <summary>The fewest entries in the window before an <see cref="AlertRuleKind.ErrorRate"/> rule may raise. Default 20 (at least 1).</summary>
    public int MinimumCount { get; set; } = 20;

    /// <summary>The regular expression of a <see cref="AlertRuleKind.MessagePattern"/> rule, matched against the rendered message. Required for that kind.</summary>
    public string? Pattern { get; set; }

    /// <summary>
    /// The most time one match of <see cref="Pattern"/> may take (it runs on the pipeline's dispatcher thread); a match
    /// that times out counts as no match and is counted in <see cref="AlertStats.RegexTimeouts"/>. Default 10 ms
    /// (1 ms to 1 second).
    /// </summary>
    public TimeSpan MatchTimeout { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The least time between two raises of this rule for one source. Default 5 minutes (0 to 1 day).</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether the rule is evaluated. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Checks the rule's settings and returns one message per problem, each naming the rule; empty when valid. The
    /// pattern's syntax is checked when the rule is loaded (a rule whose pattern does not compile is rejected then).
    /// </summary>
    /// <param name="name">The rule's name, used in the messages.</param>
    public IReadOnlyList<string> Validate(string name)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add("Alert rule: the name must not be empty.");
        }

        if (!Enum.IsDefined(Kind))
        {
            errors.Add($"Alert rule '{name}': Kind must be Count, ErrorRate, MessagePattern, Level or Silence (was {Kind}).");
            return errors;
        }

        if (!Enum.IsDefined(Severity))
        {
            errors.Add($"Alert rule '{name}': Severity must be Info, Warning or Critical (was {Severity}).");
        }

        if (Level is { } level && level is < LogLevel.Trace or > LogLevel.Critical)
        {
            errors.Add($"Alert rule '{name}': Level must be Trace, Debug, Information, Warning, Error or Critical (was {level}).");
        }

        if (Source is not null && Source.Length == 0)
        {
            errors.Add($"Alert rule '{name}': Source must not be empty (leave it out to watch every source).");
        }

        if (Cooldown < TimeSpan.Zero || Cooldown > TimeSpan.FromDays(1))
        {
            errors.Add($"Alert rule '{name}': Cooldown must be between 00:00:00 and 1.00:00:00 (was {Cooldown}).");
        }

        var window = EffectiveWindow;
        switch (Kind)
        {
            case AlertRuleKind.Count when !(Threshold >= 0) || double.IsInfinity(Threshold):
                errors.Add($"Alert rule '{name}': Threshold must be a count of at least 0 (was {Threshold}).");
                break;
            case AlertRuleKind.ErrorRate:
                if (!(Threshold is >= 0 and <= 100))
                {
                    errors.Add($"Alert rule '{name}': Threshold must be a percentage between 0 and 100 (was {Threshold}).");
                }

                if (window < TimeSpan.FromMinutes(1) || window > TimeSpan.FromMinutes(60))
                {
                    errors.Add($"Alert rule '{name}': Window must be between 00:01:00 and 01:00:00 for an error rate (was {window}).");
                }

                if (MinimumCount < 1)
                {
                    errors.Add($"Alert rule '{name}': MinimumCount must be at least 1 (was {MinimumCount}).");
                }

                break;
            case AlertRuleKind.Silence when window < TimeSpan.FromSeconds(1) || window > TimeSpan.FromDays(7):
                errors.Add($"Alert rule '{name}': Window must be between 00:00:01 and 7.00:00:00 for silence (was {window}).");
                break;
            case AlertRuleKind.MessagePattern or AlertRuleKind.Level:
                if (window < TimeSpan.FromSeconds(1) || window > TimeSpan.FromDays(1))
                {
                    errors.Add($"Alert rule '{name}': Window must be between 00:00:01 and 1.00:00:00 (was {window}).");
                }

                if (Kind == AlertRuleKind.MessagePattern)
                {
                    if (string.IsNullOrEmpty(Pattern))
                    {
                        errors.Add($"Alert rule '{name}': Pattern is required for a MessagePattern rule.");
                    }

                    if (MatchTimeout < TimeSpan.FromMilliseconds(1) || MatchTimeout > TimeSpan.FromSeconds(1))
                    {
                        errors.Add($"Alert rule '{name}': MatchTimeout must be between 00:00:00.001 and 00:00:01 (was {MatchTimeout}).");
                    }
                }

                break;
        }

        return errors;
    }

    internal TimeSpan EffectiveWindow => Window ?? Kind switch
    {
        AlertRuleKind.ErrorRate or AlertRuleKind.Silence => TimeSpan.FromMinutes(5),
        _ => TimeSpan.FromMinutes(1),
    };

    internal LogLevel EffectiveLevel => Level ?? Kind switch
    {
        AlertRuleKind.Level => LogLevel.Critical,
        AlertRuleKind.MessagePattern => LogLevel.Trace,
        _ => LogLevel.Error,
    };

    // Every setting that changes the rule's meaning: a reloaded rule with the same fingerprint keeps its state.
    internal string Fingerprint => string.Join(
        '|',
        Kind,
        Severity,
        Source,
        EffectiveLevel,
        Threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        EffectiveWindow.Ticks,
        MinimumCount,
        Pattern,
        MatchTimeout.Ticks,
        Cooldown.Ticks);
}
