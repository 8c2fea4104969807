using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Alerts;

/// <summary>
/// Evaluates the alert rules. <see cref="Observe"/> runs on the dispatcher thread and only counts the entry per source
/// and matches the per-entry rules (pattern, level); counts, rates, silence and every resolve are evaluated on a timer
/// of the injected <see cref="TimeProvider"/>. Notices go through <see cref="AlertFanOut"/>, never delivered inline.
/// </summary>
internal sealed class AlertEngine : IAsyncDisposable
{
    public const string AlertSystemSource = "AlertSystem";
    private readonly object _sender;
    private readonly TimeProvider _time;
    private readonly AlertCounters _counters = new();
    private readonly ConcurrentDictionary<string, SourceCounters> _sources = new(StringComparer.Ordinal);
    private readonly Lock _evaluateGate = new();
    private readonly AlertHistory _history;
    private readonly AlertFanOut _fanOut;
    private readonly ITimer _timer;
    private volatile RuleSet _rules = RuleSet.Empty;
    private SourceCounters? _lastSource; // the dispatcher's cache: consecutive entries often share a source
    private IReadOnlyList<string> _problems = [];
    private HashSet<string> _rejected = [];
    private TimeSpan _interval;
    private long _reportedTimeouts;

    public AlertEngine(object sender, AlertOptions options, TimeProvider time, Func<ILoggerFactory?> loggerFactory)
    {
        _sender = sender;
        _time = time;
        var defaults = new AlertOptions();
        var valid = options.Validate().Count == 0;
        _history = new AlertHistory(valid ? options.HistorySize : defaults.HistorySize);
        _fanOut = new AlertFanOut(valid ? options.QueueSize : defaults.QueueSize, _counters, time, loggerFactory, Publish);
        _interval = valid ? options.EvaluationInterval : defaults.EvaluationInterval;
        using (ExecutionContext.SuppressFlow())
        {
            _timer = time.CreateTimer(static state => ((AlertEngine)state!).Evaluate(), this, _interval, _interval);
        }

        Reload(options);
    }

    public event EventHandler<Alert>? Raised;

    public event EventHandler<Alert>? Resolved;

    public void Observe(LogEntryView entry)
    {
        var rules = _rules;
        var level = entry.Level;
        if (rules.All.Length == 0 || level > LogLevel.Critical)
        {
            return;
        }

        var source = entry.Source;
        if (source == AlertSystemSource || entry.Category == AlertSystemSource)
        {
            return; // our own notices never feed a rule
        }

        var now = _time.GetUtcNow().UtcTicks;
        var counters = _lastSource;
        if (counters is null || !string.Equals(counters.Name, source, StringComparison.Ordinal))
        {
            counters = Track(source, now, rules.MaxSources);
            if (counters is null)
            {
                Interlocked.Increment(ref _counters.UntrackedSources);
                return;
            }

            _lastSource = counters;
        }

        counters.Record((int)level, now);
        foreach (var rule in rules.PerEntry)
        {
            if (rule.Matches(source, level, entry.Message, _counters))
            {
                Hit(rule, source, entry.Message, now, rules.MaxSources);
            }
        }
    }

    private SourceCounters? Track(string source, long now, int maxSources)
    {
        if (_sources.TryGetValue(source, out var counters))
        {
            return counters;
        }

        return _sources.Count >= maxSources ? null : _sources.GetOrAdd(source, static (name, now) => new SourceCounters(name, now), now);
    }

    private void Hit(CompiledRule rule, string source, ReadOnlySpan<char> message, long now, int maxSources)
    {
        var state = rule.State(source, maxSources);
        if (state is null)
        {
            return;
        }

        Alert? raised = null;
        lock (state.Gate)
        {
            state.LastHitTicks = now;
            state.Hits++;
            if (state.Active is null)
            {
                raised = TryRaise(rule, state, source, now, 1, rule.Describe(source, 1, 0, message));
            }
            else
            {
                return;
            }
        }

        if (raised is not null)
        {
            Emit(raised);
        }
    }

    // Under state.Gate.
    private Alert? TryRaise(CompiledRule rule, RuleState state, string source, long now, double value, string message)
    {
        if (state.LastRaisedTicks != RuleState.NeverRaised && now - state.LastRaisedTicks < rule.CooldownTicks)
        {
            if (!state.SuppressedIncident)
            {
                state.SuppressedIncident = true;
                Interlocked.Increment(ref _counters.Suppressed);
            }

            return null;
        }

        state.SuppressedIncident = false;
        state.LastRaisedTicks = now;
        state.Hits = 1;
        var alert = new Alert(rule.Name, rule.Kind, rule.Severity, source, AlertState.Raised, message, value, rule.Threshold, new DateTimeOffset(now, TimeSpan.Zero), null);
        state.Active = alert;
        return alert;
    }

    private void Emit(Alert alert)
    {
        _history.Add(alert);
        Interlocked.Increment(ref alert.State == AlertState.Raised ? ref _counters.Raised : ref _counters.Resolved);
        _fanOut.Post(alert);
    }

    /// <summary>The timer's work: time-based conditions and resolves. Overlapping ticks are skipped.</summary>
    internal void Evaluate()
    {
        if (!_evaluateGate.TryEnter())
        {
            return;
        }

        try
        {
            var rules = _rules;
            var now = _time.GetUtcNow().UtcTicks;
            foreach (var rule in rules.All)
            {
                if (rule.IsPerEntry)
                {
                    EvaluatePerEntry(rule, now);
                    continue;
                }

                if (rule.Source is not null)
                {
                    if (_sources.TryGetValue(rule.Source, out var counters))
                    {
                        EvaluateSource(rule, counters, now, rules.MaxSources);
                    }
                }
                else
                {
                    foreach (var counters in _sources.Values)
                    {
                        EvaluateSource(rule, counters, now, rules.MaxSources);
                    }
                }
            }

            var timeouts = Interlocked.Read(ref _counters.RegexTimeouts);
            if (timeouts != _reportedTimeouts)
            {
                // Reported here, not where they happen: the dispatcher thread never writes diagnostics.
                HybridSelfLog.Report("insights-regex-timeout", $"Alert rules: {timeouts - _reportedTimeouts} pattern match(es) timed out and counted as no match.");
                _reportedTimeouts = timeouts;
            }
        }
#pragma warning disable CA1031 // the timer must survive anything a rule evaluation throws
        catch (Exception ex)
#pragma warning restore CA1031
        {
            HybridSelfLog.Report("insights-alert-evaluate", $"Alert evaluation failed: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            _evaluateGate.Exit();
        }
    }

    private void EvaluateSource(CompiledRule rule, SourceCounters counters, long now, int maxSources)
    {
        bool holds;
        double value;
        long total = 0;
        switch (rule.Kind)
        {
            case AlertRuleKind.Count:
                value = counters.LastMinute(now, rule.Level);
                holds = value > rule.Threshold;
                break;
            case AlertRuleKind.ErrorRate:
                var minute = now / TimeSpan.TicksPerMinute;
                (var errors, total) = counters.Sum(minute - rule.WindowMinutes + 1, minute, rule.Level);
                value = total == 0 ? 0 : 100.0 * errors / total;
                holds = total >= rule.MinimumCount && value > rule.Threshold;
                break;
            default: // Silence
                var silent = TimeSpan.FromTicks(Math.Max(0, now - counters.LastSeenTicks));
                value = silent.TotalSeconds;
                holds = silent >= rule.Window;
                break;
        }

        var state = holds ? rule.State(counters.Name, maxSources) : rule.ExistingState(counters.Name);
        if (state is null)
        {
            return;
        }

        Alert? notice = null;
        lock (state.Gate)
        {
            if (holds && state.Active is null)
            {
                notice = TryRaise(rule, state, counters.Name, now, value, rule.Describe(counters.Name, value, total, default));
            }
            else if (!holds)
            {
                state.SuppressedIncident = false;
                if (state.Active is { } active)
                {
                    notice = active.Resolve(value, new DateTimeOffset(now, TimeSpan.Zero));
                    state.Active = null;
                }
            }
        }

        if (notice is not null)
        {
            Emit(notice);
        }
    }

    private void EvaluatePerEntry(CompiledRule rule, long now)
    {
        foreach (var (_, state) in rule.States)
        {
            Alert? notice = null;
            lock (state.Gate)
            {
                if (now - state.LastHitTicks < rule.Window.Ticks)
                {
                    continue;
                }

                state.SuppressedIncident = false;
                if (state.Active is { } active)
                {
                    notice = active.Resolve(state.Hits, new DateTimeOffset(now, TimeSpan.Zero));
                    state.Active = null;
                }
            }

            if (notice is not null)
            {
                Emit(notice);
            }
        }
    }

    /// <summary>
    /// Applies new options: rules whose settings are unchanged keep their state; raised alerts of removed or changed
    /// rules are resolved. Invalid rules and webhooks are left out with a counted, reported reason.
    /// </summary>
    public void Reload(AlertOptions options)
    {
        lock (_evaluateGate)
        {
            var defaults = new AlertOptions();
            var problems = new List<string>(options.Validate());
            var valid = problems.Count == 0;
            var maxSources = valid ? options.MaxSources : defaults.MaxSources;
            var now = _time.GetUtcNow().UtcTicks;
            var old = _rules.All.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
            var rules = new List<CompiledRule>();
            var rejected = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, definition) in options.Rules)
            {
                if (definition is null || !definition.Enabled)
                {
                    continue;
                }

                var rule = old.TryGetValue(name, out var existing) && existing.Fingerprint == definition.Fingerprint
                    ? existing
                    : CompiledRule.Create(name, definition, problems);
                if (rule is null)
                {
                    rejected.Add("rule\n" + name + "\n" + definition.Fingerprint);
                    continue;
                }

                rules.Add(rule);
                if (rule.Kind == AlertRuleKind.Silence && rule.Source is not null)
                {
                    Track(rule.Source, now, maxSources); // a named source that never logs is silent from now on
                }
            }

            _rules = new RuleSet([.. rules], [.. rules.Where(r => r.IsPerEntry)], maxSources);
            foreach (var retired in old.Values.Except(rules))
            {
                ResolveAll(retired, now);
            }

            _history.Resize(valid ? options.HistorySize : defaults.HistorySize);
            var interval = valid ? options.EvaluationInterval : defaults.EvaluationInterval;
            if (interval != _interval)
            {
                _interval = interval;
                _timer.Change(interval, interval);
            }

            _fanOut.Configure(options, valid ? options.QueueSize : defaults.QueueSize, problems, rejected);

            // A configuration reload can notify more than once (one per source of a chained configuration): a rule or
            // webhook is counted and reported once per distinct rejected definition, not once per notification.
            var reported = _problems;
            foreach (var key in rejected)
            {
                if (!_rejected.Contains(key))
                {
                    Interlocked.Increment(ref _counters.RejectedCount);
                }
            }

            _rejected = rejected;
            _problems = problems;
            foreach (var problem in problems.Except(reported))
            {
                HybridSelfLog.Report("insights-alert-config", problem);
            }
        }
    }

    private void ResolveAll(CompiledRule rule, long now)
    {
        foreach (var (_, state) in rule.States)
        {
            Alert? notice = null;
            lock (state.Gate)
            {
                if (state.Active is { } active)
                {
                    notice = active.Resolve(active.Value, new DateTimeOffset(now, TimeSpan.Zero));
                    state.Active = null;
                }
            }

            if (notice is not null)
            {
                Emit(notice);
            }
        }
    }

    // On the fan-out loop: each handler runs on its own, so one that throws does not keep the notice from the others.
    private void Publish(Alert alert)
    {
        var handlers = alert.State == AlertState.Raised ? Raised : Resolved;
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<Alert>)handler)(_sender, alert);
            }
#pragma warning disable CA1031 // application handlers must not stop the notices
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _counters.HandlerErrors);
                HybridSelfLog.Report("insights-alert-handler", $"An alert event handler threw {ex.GetType().Name}.");
            }
        }
    }

    public Channel<Alert> Subscribe() => _fanOut.Subscribe();

    public void Unsubscribe(Channel<Alert> channel) => _fanOut.Unsubscribe(channel);

    public Alert[] History() => _history.History();

    public Alert[] Active() => _history.Active();

    public AlertStats Stats() => new()
    {
        Rules = _rules.All.Length,
        Webhooks = _fanOut.WebhookCount,
        Rejected = _problems,
        RejectedCount = Interlocked.Read(ref _counters.RejectedCount),
        Raised = Interlocked.Read(ref _counters.Raised),
        Resolved = Interlocked.Read(ref _counters.Resolved),
        SuppressedByCooldown = Interlocked.Read(ref _counters.Suppressed),
        RegexTimeouts = Interlocked.Read(ref _counters.RegexTimeouts),
        UntrackedSources = Interlocked.Read(ref _counters.UntrackedSources),
        Dropped = Interlocked.Read(ref _counters.Dropped),
        HandlerErrors = Interlocked.Read(ref _counters.HandlerErrors),
        WebhookSent = Interlocked.Read(ref _counters.WebhookSent),
        WebhookRetried = Interlocked.Read(ref _counters.WebhookRetried),
        WebhookFailed = Interlocked.Read(ref _counters.WebhookFailed),
        LogNotices = Interlocked.Read(ref _counters.LogNotices),
    };

    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync().ConfigureAwait(false);
        await _fanOut.DisposeAsync().ConfigureAwait(false);
    }

    private sealed record RuleSet(CompiledRule[] All, CompiledRule[] PerEntry, int MaxSources)
    {
        public static readonly RuleSet Empty = new([], [], 1000);
    }
}
