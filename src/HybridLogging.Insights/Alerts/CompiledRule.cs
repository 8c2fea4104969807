using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Alerts;

/// <summary>
/// A validated rule: its settings copied (the options object stays mutable), its pattern compiled once, and its state
/// per source. A reload that leaves a rule's settings unchanged keeps this object, and so its raised alerts and cooldowns.
/// </summary>
internal sealed class CompiledRule
{
    private readonly ConcurrentDictionary<string, RuleState> _states = new(StringComparer.Ordinal);

    private CompiledRule(string name, AlertRule rule, Regex? regex)
    {
        Name = name;
        Kind = rule.Kind;
        Severity = rule.Severity;
        Source = rule.Source;
        Level = (int)rule.EffectiveLevel;
        Threshold = rule.Kind switch
        {
            AlertRuleKind.Count or AlertRuleKind.ErrorRate => rule.Threshold,
            AlertRuleKind.Silence => rule.EffectiveWindow.TotalSeconds,
            _ => 0,
        };
        Window = rule.EffectiveWindow;
        WindowMinutes = (int)Math.Ceiling(rule.EffectiveWindow.TotalMinutes);
        MinimumCount = rule.MinimumCount;
        CooldownTicks = rule.Cooldown.Ticks;
        Regex = regex;
        Fingerprint = rule.Fingerprint;
    }

    public string Name { get; }

    public AlertRuleKind Kind { get; }

    public AlertSeverity Severity { get; }

    public string? Source { get; }

    public int Level { get; }

    public double Threshold { get; }

    public TimeSpan Window { get; }

    public int WindowMinutes { get; }

    public int MinimumCount { get; }

    public long CooldownTicks { get; }

    public Regex? Regex { get; }

    public string Fingerprint { get; }

    /// <summary>Pattern and level rules are matched per entry on the dispatcher thread; the other kinds on the timer.</summary>
    public bool IsPerEntry => Kind is AlertRuleKind.MessagePattern or AlertRuleKind.Level;

    public ICollection<KeyValuePair<string, RuleState>> States => _states;

    /// <summary>Builds the rule, or adds one message per problem to <paramref name="problems"/> and returns null.</summary>
    public static CompiledRule? Create(string name, AlertRule rule, List<string> problems)
    {
        var errors = rule.Validate(name);
        if (errors.Count > 0)
        {
            problems.AddRange(errors);
            return null;
        }

        Regex? regex = null;
        if (rule.Kind == AlertRuleKind.MessagePattern)
        {
            try
            {
                // Rules come from configuration, so the pattern cannot be source-generated; Compiled falls back to the
                // interpreter where dynamic code is unavailable (native AOT). The timeout bounds a pathological pattern.
                regex = new Regex(rule.Pattern!, RegexOptions.Compiled | RegexOptions.CultureInvariant, rule.MatchTimeout);
            }
            catch (ArgumentException ex)
            {
                problems.Add($"Alert rule '{name}': Pattern is not a valid regular expression ({ex.Message}).");
                return null;
            }
        }

        return new CompiledRule(name, rule, regex);
    }

    /// <summary>Whether the entry is a hit of this per-entry rule. Never throws: a timed-out match counts as no match.</summary>
    public bool Matches(string source, LogLevel level, ReadOnlySpan<char> message, AlertCounters counters)
    {
        if ((int)level < Level || (Source is not null && !string.Equals(Source, source, StringComparison.Ordinal)))
        {
            return false;
        }

        if (Regex is null)
        {
            return true;
        }

        try
        {
            return Regex.IsMatch(message);
        }
        catch (RegexMatchTimeoutException)
        {
            Interlocked.Increment(ref counters.RegexTimeouts);
            return false;
        }
    }

    /// <summary>The state for <paramref name="source"/>, created if needed unless <paramref name="maxStates"/> are held.</summary>
    public RuleState? State(string source, int maxStates)
    {
        if (_states.TryGetValue(source, out var state))
        {
            return state;
        }

        return _states.Count >= maxStates ? null : _states.GetOrAdd(source, static _ => new RuleState());
    }

    public RuleState? ExistingState(string source) => _states.TryGetValue(source, out var state) ? state : null;

    /// <summary>One sentence for a raise.</summary>
    public string Describe(string source, double value, long total, ReadOnlySpan<char> message)
    {
        var level = (LogLevel)Level;
        return Kind switch
        {
            AlertRuleKind.Count => string.Create(CultureInfo.InvariantCulture,
                $"{value:0.#} entries at {level} or above from '{source}' in the last minute (threshold {Threshold:0.#})."),
            AlertRuleKind.ErrorRate => string.Create(CultureInfo.InvariantCulture,
                $"{value:0.#}% of {total} entries from '{source}' were at {level} or above over the last {WindowMinutes} min (threshold {Threshold:0.#}%)."),
            AlertRuleKind.Silence => string.Create(CultureInfo.InvariantCulture,
                $"No entries from '{source}' for {TimeSpan.FromSeconds(Math.Floor(value))} (threshold {Window})."),
            AlertRuleKind.MessagePattern => string.Create(CultureInfo.InvariantCulture,
                $"A message from '{source}' matched the rule's pattern: {Truncate(message)}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"An entry at {level} or above from '{source}': {Truncate(message)}"),
        };

        static string Truncate(ReadOnlySpan<char> text) => text.Length <= 300 ? text.ToString() : string.Concat(text[..300], "…");
    }
}
