using System.Collections.Concurrent;
using HybridLogging.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Configuration;
using Microsoft.Extensions.Options;

namespace HybridLogging;

/// <summary>
/// The HybridLogging <see cref="ILoggerProvider"/>. Register it with <c>builder.Logging.AddHybridLogging()</c>; resolve it
/// from the container to flush (<see cref="FlushAsync"/>) or read statistics (<see cref="GetStats"/>).
/// </summary>
/// <example>
/// <code language="csharp">
/// // With a host: resolve the provider registered by AddHybridLogging to flush or read its counts.
/// var provider = host.Services.GetRequiredService&lt;HybridLoggerProvider&gt;();
/// await provider.FlushAsync();
/// foreach (var sink in provider.GetStats().Sinks)
/// {
///     Console.WriteLine($"{sink.Name}: {sink.Written} written, {sink.Dropped} dropped, {sink.Failed} failed");
/// }
///
/// // Without a host (tools, tests): the sinks come from the options.
/// await using var standalone = new HybridLoggerProvider(new HybridLoggingOptions().AddFile());
/// var logger = standalone.CreateLogger("Tool");
/// </code>
/// </example>
[ProviderAlias("HybridLogging")]
public sealed partial class HybridLoggerProvider : ILoggerProvider, ISupportExternalScope, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, HybridLogger> _loggers = new(StringComparer.Ordinal);
    private readonly IServiceProvider _services;
    private readonly IConfiguration? _configuration;
    private readonly IDisposable? _reloadSubscription;
    private readonly HybridLoggingMetrics _metrics;
    private readonly object _reconfigureLock = new();
    private readonly SinkResolver _resolver;
    private readonly ConfiguredSinks _configSinks;
    private readonly SinkWorker[] _codeSinks = [];
    private long _routesVersion;
    private HybridLoggingOptions _options;
    private int _disposed;

    /// <summary>Creates a provider outside dependency injection (tests, tools). Sinks come from <paramref name="options"/>.</summary>
    public HybridLoggerProvider(HybridLoggingOptions options)
        : this(new StaticOptionsMonitor(options), EmptyServiceProvider.Instance, [], null)
    {
    }

    /// <summary>Creates the provider from the container (used by <c>AddHybridLogging</c>).</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">
    /// A destination declared in configuration has settings its sink refuses, an unknown type, or cannot be opened
    /// (unless its <see cref="SinkOptions.StartupFailure"/> is <see cref="SinkStartupFailure.Tolerate"/>).
    /// </exception>
    /// <remarks>
    /// Internal: <c>AddHybridLogging</c> registers a factory that calls it, so applications configure the provider through
    /// options and never wire its services by hand (and activation needs no reflection).
    /// </remarks>
    internal HybridLoggerProvider(
        IOptionsMonitor<HybridLoggingOptions> options,
        IServiceProvider services,
        IEnumerable<ILogSinkFactory> factories,
        ILoggerProviderConfiguration<HybridLoggerProvider>? configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        _services = services ?? EmptyServiceProvider.Instance;
        _configuration = configuration?.Configuration;
        _options = options.CurrentValue;
        var errors = _options.Validate();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(HybridLoggingOptions), errors);
        }

        _resolver = new SinkResolver(_services, factories?.ToArray() ?? []);
        _configSinks = new ConfiguredSinks(_resolver, reason => Reloads.Reject(ConfigurationReloader.Partial + reason));
        var started = new List<SinkWorker>();
        ConfiguredSinks.Plan? pending = null;
        try
        {
            // Configured destinations are checked and opened before anything runs: one that cannot start fails start-up
            // here, like the same sink added in code, unless it is tolerated.
            var startErrors = new List<string>();
            pending = _configSinks.Prepare(_options, _configuration, startErrors);
            startErrors.AddRange(StreamDestinationCheck.Validate(_options.Streams, _resolver, _options));
            if (startErrors.Count > 0)
            {
                throw StartupFailed(startErrors);
            }

            foreach (var registration in _options.GetCodeSinks())
            {
                if (registration.Options.Enabled)
                {
                    var sink = registration.Factory(_services);
                    started.Add(new SinkWorker(registration.Name, sink, registration.Options.Clone(), _options));
                }
            }

            _codeSinks = [.. started];
            Pipeline = new LogPipeline(_options);
            _configSinks.Commit(pending, PublishRoutes, _options.ShutdownTimeout);
            pending = null;
            Streams = new LogStreamManager(this);
            var streamErrors = Streams.ApplyConfiguration(_options.Streams);
            if (streamErrors.Count > 0)
            {
                throw StartupFailed(streamErrors);
            }

            PublishRoutes();
        }
        catch
        {
            pending?.Abort();
            StopAfterFailedStart(started);
            throw;
        }

        _metrics = new HybridLoggingMetrics(this);
        _reloadSubscription = _configuration is not null && _services.GetService<IOptionsFactory<HybridLoggingOptions>>() is { } factory
            ? new ConfigurationReloader(_configuration, factory, _services.GetService<IConfiguration>(), Apply, Reloads, HasOtherChangeSources() ? options : null)
            : options.OnChange(changed => ConfigurationReloader.ApplyAndReport(changed, Apply, Reloads));
    }

    internal LogPipeline Pipeline { get; }

    /// <summary>The stream manager: named streams with filters and destinations, queries and live subscriptions.</summary>
    public LogStreamManager Streams { get; } = null!;

    internal IExternalScopeProvider? ScopeProvider { get; private set; }

    /// <summary>Outcomes of configuration reloads.</summary>
    internal ReloadCounters Reloads { get; } = new();

    internal bool IncludeScopes => Pipeline.Settings.IncludeScopes;

    /// <summary>
    /// The options in force (replaced on each valid reload). Read them; do not change them: the pipeline took its
    /// settings when it started or last reloaded, so a change made here is not applied. Change configuration (reloaded
    /// live) or use the run-time APIs (<see cref="SetSourceEnabled"/>, <see cref="Streams"/>) instead.
    /// </summary>
    public HybridLoggingOptions Options => _options;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName)
    {
        ArgumentNullException.ThrowIfNull(categoryName);
        var logger = _loggers.GetOrAdd(categoryName, static (name, self) => new HybridLogger(self, self.Pipeline.Settings.ResolveCategory(name)), this);

        // A reload publishes new settings before it updates the loggers it knows: a logger added meanwhile may hold
        // levels from the old settings and be missed by that pass, so it checks here, after it became visible.
        var current = Pipeline.Settings;
        if (!ReferenceEquals(logger.State.Settings, current))
        {
            logger.State = current.ResolveCategory(categoryName);
        }

        return logger;
    }

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => ScopeProvider = scopeProvider;

    /// <summary>Writes an already-built entry through the pipeline (redaction, routing and accounting apply).</summary>
    public void Write(LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Pipeline.Enqueue(new ReadyEntry
        {
            Ready = entry,
            Level = entry.Level,
            TimestampTicks = entry.Timestamp.UtcTicks,
            Category = new CategoryState(entry.Category ?? string.Empty, entry.Source ?? string.Empty, 0, Pipeline.Settings),
        });
    }

    /// <summary>
    /// Completes when every entry logged before the call has been written (or counted as dropped or failed) by every
    /// destination and each sink has flushed.
    /// </summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => Pipeline.FlushAsync(cancellationToken);

    /// <summary>Returns a snapshot of all counters.</summary>
    public HybridLoggingStats GetStats()
    {
        var stats = Pipeline.GetStats([.. _configSinks.IncludeReplaced([.. AllWorkers().Select(w => w.GetStats())])]);
        return stats.With(stats.Sinks, Reloads.Applied, Reloads.Rejected, Reloads.LastError);
    }

    /// <summary>
    /// Applies a retention of <paramref name="days"/> days to every destination whose sink keeps logs for a time it
    /// controls (<see cref="ISupportsRetention"/>: rolled files by age, CloudWatch Logs groups). Returns how many sinks
    /// applied it; a sink that refuses the value fails the call with its reason after the others have been asked.
    /// </summary>
    public async Task<int> UpdateRetentionPolicyAsync(int days, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var workers = AllWorkers();
        var applied = 0;
        var errors = new List<Exception>();
        foreach (var worker in workers)
        {
            if (worker.Sink is ISupportsRetention retention)
            {
                try
                {
                    await retention.SetRetentionAsync(days, cancellationToken).ConfigureAwait(false);
                    applied++;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    errors.Add(ex);
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new AggregateException($"Retention of {days} days was refused by {errors.Count} sink(s).", errors);
        }

        return applied;
    }

    /// <summary>Drains within <see cref="HybridLoggingOptions.ShutdownTimeout"/>, then stops. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _reloadSubscription?.Dispose();
        await Pipeline.DisposeAsync().ConfigureAwait(false);
        await Streams.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();

        // Summaries of rate-limited self-log repeats still pending would otherwise be lost with the process.
        SelfLog.Flush();
    }

    /// <summary>Drains and stops (called by <c>LoggerFactory.Dispose()</c>); blocks at most the shutdown timeout.</summary>
    public void Dispose()
    {
        // LoggerFactory only calls Dispose(): block here, off any captured context, so nothing is lost at exit.
        Task.Run(async () => await DisposeAsync().ConfigureAwait(false)).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Applies a reloaded configuration whole or not at all: nothing changes while anything it would change is invalid
    /// (options, a configured destination's type or sink settings, an added destination that cannot open, a stream's
    /// destinations). Returns whether it was applied and the problems found.
    /// </summary>
    private (bool Applied, IReadOnlyList<string> Errors) Apply(HybridLoggingOptions options)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return (false, []);
        }

        var errors = new List<string>(options.Validate());
        if (errors.Count > 0)
        {
            return (false, errors);
        }

        lock (_reconfigureLock)
        {
            var plan = _configSinks.Prepare(options, _configuration, errors);
            errors.AddRange(StreamDestinationCheck.Validate(options.Streams, _resolver, options));
            if (errors.Count > 0)
            {
                plan.Abort();
                return (false, errors);
            }

            _options = options;
            PublishSettings(options);
            Pipeline.ShutdownTimeout = options.ShutdownTimeout;
            _configSinks.Commit(plan, PublishRoutes, options.ShutdownTimeout);
        }

        // A stream that still fails (its new destination cannot open) keeps its previous version.
        return (true, Streams.ApplyConfiguration(options.Streams));
    }

    /// <summary>
    /// Compiles and publishes the dispatcher's route table from the provider's destinations, the streams, the subscribers
    /// and the observers. The task completes once the dispatcher has handed what it formatted for the old table to its
    /// destinations.
    /// </summary>
    internal Task PublishRoutes()
    {
        lock (_reconfigureLock)
        {
            var destinations = new List<RouteDestination>();
            var workers = new List<SinkWorker>();
            foreach (var worker in _codeSinks.Concat(_configSinks.Workers))
            {
                destinations.Add(new RouteDestination(worker, -1, FilterSet.PassAll));
                workers.Add(worker);
            }

            var (streams, subscribers) = Streams?.Snapshot() ?? ([], []);
            for (var i = 0; i < streams.Length; i++)
            {
                foreach (var destination in streams[i].Destinations)
                {
                    destinations.Add(new RouteDestination(destination.Worker, i, destination.Gate));
                    workers.Add(destination.Worker);
                }

                workers.AddRange(streams[i].Counters.Snapshot().Retiring);
            }

            var table = new RouteTable([.. workers], Streams, streams, subscribers, [.. _options.GetObservers()], [.. destinations], ++_routesVersion);
            return Pipeline.SetRoutes(table);
        }
    }

    private SinkWorker[] AllWorkers()
    {
        var workers = new List<SinkWorker>(Pipeline.Routes.Workers);
        if (Streams is not null)
        {
            var known = new HashSet<SinkWorker>(workers);
            var streamWorkers = new List<SinkWorker>();
            Streams.CollectWorkers(streamWorkers);
            workers.AddRange(streamWorkers.Where(known.Add));
        }

        return [.. workers];
    }

    /// <summary>
    /// Waits (bounded) until the dispatcher uses the new routes before an old destination is stopped: lines it formatted
    /// for that destination may still be in its current chunk, and a stopped destination would count them as dropped.
    /// </summary>
    internal static async Task WhenApplied(Task applied, TimeSpan timeout)
    {
        try
        {
            await applied.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            SelfLog.Report("The dispatcher did not take up new routes in time; the old destinations are stopped anyway.");
        }
    }

    /// <summary>Creates a sink through the factory of its type (used by the stream manager).</summary>
    internal ILogSink CreateSink(string name, string type, IConfiguration section, bool compression) =>
        _resolver.Create(name, type, section, compression, _options);

    /// <summary>The destination settings the factory of a type asks for, or null (used by the stream manager).</summary>
    internal ILogSinkDestinationDefaults? DestinationDefaults(string name, string? type) => _resolver.DestinationDefaults(name, type, _options);

    /// <summary>Whether the app registered change sources for the options besides <c>Logging:HybridLogging</c> (followed through the monitor).</summary>
    private bool HasOtherChangeSources() =>
        _services.GetService<IEnumerable<IOptionsChangeTokenSource<HybridLoggingOptions>>>()?
            .Any(source => source is not LoggerProviderOptionsChangeTokenSource<HybridLoggingOptions, HybridLoggerProvider>) == true;

    private static InvalidOperationException StartupFailed(IEnumerable<string> errors) => new(
        "HybridLogging cannot start: " + string.Join(" ", errors) +
        " Fix the settings under Logging:HybridLogging; a destination that is only unavailable (not misconfigured) can be started without by setting its \"StartupFailure\" to \"Tolerate\".");

    private void StopAfterFailedStart(List<SinkWorker> started)
    {
        // Nothing may keep running after a failed start: the dispatcher, the destinations opened so far, the streams.
        Task.Run(async () =>
        {
            foreach (var worker in started)
            {
                await worker.StopAsync(TimeSpan.Zero).ConfigureAwait(false);
            }

            if (Pipeline is not null)
            {
                await Pipeline.DisposeAsync().ConfigureAwait(false);
            }

            if (Streams is not null)
            {
                await Streams.DisposeAsync().ConfigureAwait(false);
            }
        }).GetAwaiter().GetResult();
    }

    private sealed class StaticOptionsMonitor(HybridLoggingOptions value) : IOptionsMonitor<HybridLoggingOptions>
    {
        public HybridLoggingOptions CurrentValue => value;

        public HybridLoggingOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<HybridLoggingOptions, string?> listener) => null;
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
