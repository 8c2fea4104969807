using HybridLogging.Insights.Diagnostics;
using HybridLogging.Insights.Patterns;
using HybridLogging.Insights.Stats;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights;

/// <summary>
/// In-process insights over every dispatched entry: register it as an observer of the pipeline
/// (<c>builder.Logging.AddHybridLogging().AddHybridInsights()</c>, or <see cref="HybridLoggingOptions.AddObserver"/>
/// with an instance built in code) and query it from any thread.
/// </summary>
/// <remarks>
/// <see cref="ILogEntryObserver.OnEntry"/> runs on the pipeline's dispatcher thread, so it only updates bounded in-memory structures;
/// notifications and time-based rules run on their own timer. The class is split by concern: statistics and patterns
/// in <c>LogInsights.Stats.cs</c>, alerting in <c>LogInsights.Alerts.cs</c>.
/// <para>
/// Thread safety: one lock guards the pattern and statistics tables. Only <see cref="ILogEntryObserver.OnEntry"/> (one dispatcher thread)
/// and the queries take it, never across I/O or a callback, so the dispatcher waits at most for one query's copy of the
/// tables (tens of microseconds with the defaults). A lock rather than copy-on-write because the tables change on every
/// entry; copying them per entry would cost far more than an uncontended lock.
/// </para>
/// </remarks>
public sealed partial class LogInsights : ILogEntryObserver, IAsyncDisposable, IDisposable
{
    private readonly TimeProvider _time;
    private readonly Func<ILoggerFactory?> _loggerFactory;
    private readonly Lock _gate = new();
    private readonly PatternTable _patterns;
    private readonly StatsTable _stats;
    private readonly InsightsMetrics _metrics;
    private long _observed;

    /// <summary>Creates the insights engine.</summary>
    /// <param name="options">Options; <see langword="null"/> uses the defaults.</param>
    /// <param name="timeProvider">Clock for windows, silence and cooldowns; <see langword="null"/> uses the system clock.</param>
    /// <param name="loggerFactory">Where alert notices are logged (source <c>AlertSystem</c>); optional.</param>
    /// <exception cref="ArgumentException">An option is out of range (the message lists every problem).</exception>
    public LogInsights(InsightsOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(options, timeProvider, () => loggerFactory)
    {
    }

    // The DI registration resolves the logger factory lazily: the factory's providers include the HybridLogging provider,
    // whose options add this instance as an observer, so resolving it in the constructor would be circular.
    internal LogInsights(InsightsOptions? options, TimeProvider? timeProvider, Func<ILoggerFactory?> loggerFactory)
    {
        Options = options ?? new InsightsOptions();
        _time = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory;
        var problems = Options.Patterns.Validate().Concat(Options.Stats.Validate()).ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _liveStats = Options.Stats;
        _stats = new StatsTable(Options.Stats);
        _patterns = new PatternTable(Options.Patterns, _stats.Windows);
        _alerts = CreateAlertEngine();
        _metrics = new InsightsMetrics(this);
    }

    /// <summary>
    /// The options this instance was created with: the sizes of its tables. Alert options and the health and window
    /// settings of <see cref="StatsOptions"/> follow configuration reloads when registered with <c>AddHybridInsights</c>.
    /// </summary>
    public InsightsOptions Options { get; }

    /// <summary>Entries observed so far.</summary>
    public long ObservedCount => Volatile.Read(ref _observed); // written under _gate by the one dispatcher thread

    // Explicit: only the pipeline calls it (HybridLoggingOptions.AddObserver), so it stays off LogInsights' own surface.
    /// <inheritdoc />
    void ILogEntryObserver.OnEntry(LogEntryView entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ObservePatternsAndStats(entry); // patterns, error groups, windowed stats (LogInsights.Stats.cs)
        _alerts.Observe(entry);         // alert rules (LogInsights.Alerts.cs)
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _metrics.Dispose();
        DisposeReload();
        return DisposeAlertsAsync();
    }

    /// <summary>
    /// Disposes synchronously (a container disposed with <c>ServiceProvider.Dispose()</c> requires it of a singleton):
    /// waits for the alert notifiers to drain, as <see cref="DisposeAsync"/> does.
    /// </summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
