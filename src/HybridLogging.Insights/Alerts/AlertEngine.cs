using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights.Alerts;

/// <summary>
/// Evaluates the alert rules. <see cref="Observe"/> runs on the dispatcher thread and only counts the entry per source
/// and matches the per-entry rules (pattern, level); counts, rates, silence and every resolve are evaluated on a timer
/// of the injected <see cref="TimeProvider"/>. Notices go through <see cref="AlertFanOut"/>, never delivered inline.
/// </summary>
internal sealed partial class AlertEngine : IAsyncDisposable
{
    public const string AlertSystemSource = "AlertSystem";
    private readonly object _sender;
    private readonly TimeProvider _time;
    private readonly bool _systemClock;
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
        _systemClock = ReferenceEquals(time, TimeProvider.System);
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

        // On the system clock the entry's own timestamp is the time (it saves a clock read per entry, and an entry that
        // waited in the queue counts in the minute it was logged); an injected clock (tests) is read instead.
        var now = _systemClock ? entry.TimestampTicks : _time.GetUtcNow().UtcTicks;
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

        // A count rule raises on the entry that crosses its threshold, not up to one timer tick later; only entries at
        // or above the rule's level (rare: errors, warnings) pay for the check. Resolves stay with the timer.
        foreach (var rule in rules.Counts)
        {
            if ((int)level >= rule.Level && (rule.Source is null || string.Equals(rule.Source, source, StringComparison.Ordinal)))
            {
                var value = counters.LastMinute(now, rule.Level);
                if (value > rule.Threshold)
                {
                    RaiseOnEntry(rule, source, now, value, rules.MaxSources);
                }
            }
        }
    }

    private void RaiseOnEntry(CompiledRule rule, string source, long now, double value, int maxSources)
    {
        var state = rule.State(source, maxSources);
        if (state is null)
        {
            return;
        }

        Alert raised;
        lock (state.Gate)
        {
            if (state.Active is not null || Suppressed(rule, state, now))
            {
                return;
            }

            raised = Raise(rule, state, source, now, value, rule.Describe(source, value, 0, default));
        }

        Emit(raised);
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

        Alert raised;
        lock (state.Gate)
        {
            state.LastHitTicks = now;
            state.Hits++;
            if (state.Active is not null || Suppressed(rule, state, now))
            {
                return;
            }

            raised = Raise(rule, state, source, now, 1, rule.Describe(source, 1, 0, message));
        }

        Emit(raised);
    }

    // Under state.Gate: whether a new incident falls within the rule's cooldown (counted once per incident).
    private bool Suppressed(CompiledRule rule, RuleState state, long now)
    {
        if (state.LastRaisedTicks == RuleState.NeverRaised || now - state.LastRaisedTicks >= rule.CooldownTicks)
        {
            return false;
        }

        if (!state.SuppressedIncident)
        {
            state.SuppressedIncident = true;
            Interlocked.Increment(ref _counters.Suppressed);
        }

        return true;
    }

    // Under state.Gate.
    private static Alert Raise(CompiledRule rule, RuleState state, string source, long now, double value, string message)
    {
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

    private sealed record RuleSet(CompiledRule[] All, CompiledRule[] PerEntry, CompiledRule[] Counts, int MaxSources)
    {
        public static readonly RuleSet Empty = new([], [], [], 1000);
    }
}
