using Microsoft.Extensions.Configuration;

namespace HybridLogging.Internal;

/// <summary>
/// The destinations declared under <c>Logging:HybridLogging:Sinks</c>. A change is applied in two steps:
/// <see cref="Prepare"/> checks everything it would change and opens added destinations without touching the running
/// ones (so an invalid change can be refused whole), then <see cref="Commit"/> swaps them in. A destination whose
/// settings changed is replaced by a worker that opens its sink once the old one has released it (a file's lock);
/// if that open still fails, the destination goes back to its previous settings instead of failing every entry.
/// </summary>
internal sealed class ConfiguredSinks(SinkResolver resolver, Action<string> lateRejection)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ReplacedSinkCounters> _replaced = new(StringComparer.OrdinalIgnoreCase);
    private Dictionary<string, Destination> _current = new(StringComparer.OrdinalIgnoreCase);

    public SinkWorker[] Workers
    {
        get
        {
            lock (_lock)
            {
                return [.. _current.Values.Select(d => d.Worker!)];
            }
        }
    }

    /// <summary>
    /// Checks the declared destinations against the running ones and opens the added ones. Problems go to
    /// <paramref name="errors"/>; with any, the caller must <see cref="Plan.Abort"/> and nothing has changed.
    /// </summary>
    public Plan Prepare(HybridLoggingOptions options, IConfiguration? configuration, List<string> errors)
    {
        Dictionary<string, Destination> current;
        lock (_lock)
        {
            current = _current;
        }

        var plan = new Plan();
        foreach (var (name, sinkOptions) in options.Sinks)
        {
            if (!sinkOptions.Enabled)
            {
                continue;
            }

            var section = ConfigSnapshot.Copy((IConfiguration?)configuration?.GetSection("Sinks").GetSection(name) ?? ConfigSnapshot.Empty);
            var effective = DestinationDefaults.Apply(resolver.DestinationDefaults(name, sinkOptions.Type, options), sinkOptions, section);
            var next = new Destination(name, effective, section, options);
            if (current.TryGetValue(name, out var existing) && existing.Fingerprint == next.Fingerprint)
            {
                plan.Next[name] = existing;
                continue;
            }

            var problems = resolver.Validate(name, sinkOptions.Type, section, compression: false, options);
            if (problems.Count > 0)
            {
                errors.AddRange(problems);
                continue;
            }

            plan.Next[name] = next;
            if (existing is not null)
            {
                plan.Replaced.Add((existing, next));
            }
        }

        plan.Removed.AddRange(current.Values.Where(d => !plan.Next.ContainsKey(d.Name)));
        if (errors.Count > 0)
        {
            return plan;
        }

        // Added destinations are opened now: one that cannot open fails this change (or start-up) unless it is tolerated.
        foreach (var added in plan.Next.Values.Where(d => d.Worker is null && !plan.Replaced.Any(r => ReferenceEquals(r.Next, d))))
        {
            try
            {
                added.Opened = Open(added);
            }
            catch (Exception ex) when (added.Options.StartupFailure == SinkStartupFailure.Tolerate)
            {
                added.Opened = new ReopeningSink(added.Name, () => Open(added), ex, added.Options.RetryBaseDelay);
            }
            catch (Exception ex)
            {
                errors.Add($"Sink '{added.Name}' (Type '{added.Options.Type}') could not be opened: {ex.Message}");
            }
        }

        return plan;
    }

    /// <summary>Swaps the prepared destinations in, publishes them, and retires the replaced and removed ones off this thread.</summary>
    public void Commit(Plan plan, Func<Task> publish, TimeSpan shutdownTimeout)
    {
        var handovers = new List<(Destination Old, TaskCompletionSource Stopped)>();
        foreach (var destination in plan.Next.Values.Where(d => d.Worker is null))
        {
            var replaced = plan.Replaced.FirstOrDefault(r => ReferenceEquals(r.Next, destination)).Old;
            if (replaced is null)
            {
                destination.Worker = new SinkWorker(destination.Name, destination.Opened!, destination.Options, destination.Pipeline);
            }
            else
            {
                // A changed destination queues entries at once but opens its sink only after the old one has written
                // what it accepted and released its resources (a file's lock).
                var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                handovers.Add((replaced, stopped));
                var previous = replaced;
                destination.Worker = new SinkWorker(destination.Name, () => OpenReplacement(destination, previous), destination.Options, destination.Pipeline, null, stopped.Task, previous.Worker!.Formatter);
            }
        }

        lock (_lock)
        {
            _current = plan.Next;
            foreach (var removed in plan.Removed)
            {
                _replaced.Remove(removed.Name);
            }

            foreach (var (old, _) in handovers)
            {
                Counters(old.Name).BeginRetire(old.Worker!);
            }
        }

        var applied = publish();

        foreach (var removed in plan.Removed)
        {
            _ = Task.Run(async () =>
            {
                await HybridLoggerProvider.WhenApplied(applied, shutdownTimeout).ConfigureAwait(false);
                await removed.Worker!.StopAsync(shutdownTimeout).ConfigureAwait(false);
            });
        }

        foreach (var (old, stopped) in handovers)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await HybridLoggerProvider.WhenApplied(applied, shutdownTimeout).ConfigureAwait(false);
                    await old.Worker!.StopAsync(shutdownTimeout).ConfigureAwait(false);
                    lock (_lock)
                    {
                        Counters(old.Name).EndRetire(old.Worker!);
                    }
                }
                finally
                {
                    stopped.TrySetResult();
                }
            });
        }
    }

    /// <summary>Adds to each configured destination's counters those of the workers it replaced.</summary>
    public IReadOnlyList<SinkStats> IncludeReplaced(IReadOnlyList<SinkStats> sinks)
    {
        Dictionary<string, ReplacedSinkCounters> replaced;
        lock (_lock)
        {
            if (_replaced.Count == 0)
            {
                return sinks;
            }

            replaced = new Dictionary<string, ReplacedSinkCounters>(_replaced, StringComparer.OrdinalIgnoreCase);
        }

        var result = sinks.ToArray();

        // Code sinks come first in the routes: a configured destination is the last one of its name without a stream.
        for (var i = result.Length - 1; i >= 0; i--)
        {
            if (result[i].Stream is null && replaced.Remove(result[i].Name, out var counters))
            {
                result[i] = counters.Include(result[i]);
            }
        }

        return result;
    }

    private ReplacedSinkCounters Counters(string name)
    {
        if (!_replaced.TryGetValue(name, out var counters))
        {
            counters = new ReplacedSinkCounters();
            _replaced[name] = counters;
        }

        return counters;
    }

    private ILogSink Open(Destination destination) =>
        resolver.Create(destination.Name, destination.Options.Type, destination.Section, compression: false, destination.Pipeline);

    /// <summary>Runs on the new worker once the old one has stopped: opens the new settings or falls back to the previous ones.</summary>
    private ILogSink OpenReplacement(Destination next, Destination previous)
    {
        try
        {
            return Open(next);
        }
        catch (Exception ex)
        {
            var reason = $"Sink '{next.Name}': its changed settings could not be opened ({ex.Message}); it keeps its previous sink settings.";
            lateRejection(reason);
            lock (_lock)
            {
                // Recorded as running the previous sink settings, so the next edit is compared with what really runs.
                next.Section = previous.Section;
            }

            try
            {
                return Open(previous);
            }
            catch (Exception again)
            {
                return new ReopeningSink(next.Name, () => Open(previous), again, next.Options.RetryBaseDelay);
            }
        }
    }

    internal sealed class Plan
    {
        public Dictionary<string, Destination> Next { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<(Destination Old, Destination Next)> Replaced { get; } = [];

        public List<Destination> Removed { get; } = [];

        /// <summary>Disposes the sinks opened for a change that is refused.</summary>
        public void Abort()
        {
            foreach (var destination in Next.Values.Where(d => d.Worker is null && d.Opened is not null))
            {
                try
                {
                    destination.Opened!.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
                }
                catch (Exception ex)
                {
                    SelfLog.Report($"Sink '{destination.Name}': closing it after a refused change failed: {ex.Message}");
                }
            }
        }
    }

    internal sealed class Destination(string name, SinkOptions options, IConfiguration section, HybridLoggingOptions pipeline)
    {
        public string Name { get; } = name;

        public SinkOptions Options { get; } = options;

        /// <summary>The sink settings in force (a copy); the previous ones after a replacement fell back.</summary>
        public IConfiguration Section { get; set; } = section;

        public HybridLoggingOptions Pipeline { get; } = pipeline;

        public string Fingerprint => Describe(Options, Section);

        public ILogSink? Opened { get; set; }

        public SinkWorker? Worker { get; set; }

        private static string Describe(SinkOptions options, IConfiguration section) =>
            $"{options.Type}|{options.BatchSize}|{options.FlushInterval}|{options.QueueCapacity}|{options.FullMode}|{options.WriteTimeout}|{options.MaxRetries}|{options.RetryBaseDelay}|{options.MinimumLevel}|{options.StartupFailure}\n{ConfigSnapshot.Text(section)}";
    }
}
