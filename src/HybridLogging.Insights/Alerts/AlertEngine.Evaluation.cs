namespace HybridLogging.Insights.Alerts;

// The timer's side of the engine: time-based conditions, resolves, and applying reloaded options.
internal sealed partial class AlertEngine
{
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
            if (holds && state.Active is null && !Suppressed(rule, state, now))
            {
                notice = Raise(rule, state, counters.Name, now, value, rule.Describe(counters.Name, value, total, default));
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

            _rules = new RuleSet([.. rules], [.. rules.Where(r => r.IsPerEntry)], [.. rules.Where(r => r.Kind == AlertRuleKind.Count)], maxSources);
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
}
