using Microsoft.Extensions.Logging;

namespace HybridLogging.Insights;

/// <summary>
/// In-process insights over every dispatched entry: register it as an observer of the pipeline
/// (<c>builder.Logging.AddHybridLogging().AddHybridInsights()</c>, or <see cref="HybridLoggingOptions.AddObserver"/>
/// with an instance built in code) and query it from any thread.
/// </summary>
/// <remarks>
/// <see cref="OnEntry"/> runs on the pipeline's dispatcher thread, so it only updates bounded in-memory structures;
/// notifications and time-based rules run on their own timer. The class is split by concern: statistics and patterns
/// in <c>LogInsights.Stats.cs</c>, alerting in <c>LogInsights.Alerts.cs</c>.
/// </remarks>
public sealed partial class LogInsights : ILogEntryObserver, IAsyncDisposable
{
    private readonly TimeProvider _time;
    private readonly Func<ILoggerFactory?> _loggerFactory;
    private long _observed;

    /// <summary>Creates the insights engine.</summary>
    /// <param name="options">Options; <see langword="null"/> uses the defaults.</param>
    /// <param name="timeProvider">Clock for windows, silence and cooldowns; <see langword="null"/> uses the system clock.</param>
    /// <param name="loggerFactory">Where alert notices are logged (source <c>AlertSystem</c>); optional.</param>
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
        _alerts = CreateAlertEngine();
    }

    /// <summary>The options this instance was created with.</summary>
    public InsightsOptions Options { get; }

    /// <summary>Entries observed so far.</summary>
    public long ObservedCount => Interlocked.Read(ref _observed);

    /// <inheritdoc />
    public void OnEntry(LogEntryView entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Interlocked.Increment(ref _observed);
        _alerts.Observe(entry);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => DisposeAlertsAsync();
}
