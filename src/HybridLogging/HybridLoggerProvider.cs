using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
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
[ProviderAlias("HybridLogging")]
public sealed class HybridLoggerProvider : ILoggerProvider, ISupportExternalScope, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, HybridLogger> _loggers = new(StringComparer.Ordinal);
    private readonly IServiceProvider _services;
    private readonly IConfiguration? _configuration;
    private readonly ILogSinkFactory[] _factories;
    private readonly IDisposable? _reloadSubscription;
    private readonly HybridLoggingMetrics _metrics;
    private readonly object _reconfigureLock = new();
    private readonly SinkSet _codeSinks;
    private Dictionary<string, (string Fingerprint, SinkWorker Worker)> _configSinks = new(StringComparer.OrdinalIgnoreCase);
    private IEntryRoute[] _extraRoutes = [];
    private HybridLoggingOptions _options;
    private int _disposed;

    /// <summary>Creates a provider outside dependency injection (tests, tools). Sinks come from <paramref name="options"/>.</summary>
    public HybridLoggerProvider(HybridLoggingOptions options)
        : this(new StaticOptionsMonitor(options), EmptyServiceProvider.Instance, [], null)
    {
    }

    /// <summary>Creates the provider from the container (used by <c>AddHybridLogging</c>).</summary>
    [ActivatorUtilitiesConstructor]
    public HybridLoggerProvider(
        IOptionsMonitor<HybridLoggingOptions> options,
        IServiceProvider services,
        IEnumerable<ILogSinkFactory> factories,
        ILoggerProviderConfiguration<HybridLoggerProvider>? configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        _services = services ?? EmptyServiceProvider.Instance;
        _factories = factories?.ToArray() ?? [];
        _configuration = configuration?.Configuration;
        _options = options.CurrentValue;
        var errors = _options.Validate();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(HybridLoggingOptions), errors);
        }

        Pipeline = new LogPipeline(_options);
        var codeWorkers = new List<SinkWorker>();
        foreach (var registration in _options.GetCodeSinks())
        {
            if (!registration.Options.Enabled)
            {
                continue;
            }

            var sink = registration.Factory(_services);
            codeWorkers.Add(new SinkWorker(registration.Name, sink, registration.Options.Clone(), _options, acceptLines: true));
        }

        _codeSinks = new SinkSet([.. codeWorkers]);
        ApplyConfigSinks(_options);
        Streams = new LogStreamManager(this);
        AddRoute(Streams);
        Streams.ApplyConfiguration(_options.Streams);
        _metrics = new HybridLoggingMetrics(this);
        _reloadSubscription = options.OnChange(Reload);
    }

    internal LogPipeline Pipeline { get; }

    /// <summary>The stream manager: named streams with filters and destinations, queries and live subscriptions.</summary>
    public LogStreamManager Streams { get; }

    internal IExternalScopeProvider? ScopeProvider { get; private set; }

    internal bool IncludeScopes => Pipeline.Settings.IncludeScopes;

    /// <summary>The options in force (replaced on each valid reload).</summary>
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
        Pipeline.Enqueue(new ReadyEntry { Ready = entry, Level = entry.Level });
    }

    /// <summary>
    /// Completes when every entry logged before the call has been written (or counted as dropped or failed) by every
    /// destination and each sink has flushed.
    /// </summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => Pipeline.FlushAsync(cancellationToken);

    /// <summary>Returns a snapshot of all counters.</summary>
    public HybridLoggingStats GetStats() => Pipeline.GetStats();

    /// <summary>
    /// Applies a retention of <paramref name="days"/> days to every destination whose sink keeps logs for a time it
    /// controls (<see cref="ISupportsRetention"/>: rolled files by age, CloudWatch Logs groups). Returns how many sinks
    /// applied it; a sink that refuses the value fails the call with its reason after the others have been asked.
    /// </summary>
    public async Task<int> UpdateRetentionPolicyAsync(int days, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var workers = new List<SinkWorker>();
        foreach (var route in Pipeline.Routes)
        {
            route.CollectWorkers(workers);
        }

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

    /// <summary>Adds a route after the provider's own sinks (used by the stream manager).</summary>
    internal void AddRoute(IEntryRoute route)
    {
        lock (_reconfigureLock)
        {
            _extraRoutes = [.. _extraRoutes, route];
            PublishRoutes();
        }
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

    private void Reload(HybridLoggingOptions options)
    {
        try
        {
            var errors = options.Validate();
            if (errors.Count > 0)
            {
                SelfLog.Report("Configuration reload ignored: " + string.Join(" ", errors));
                return;
            }

            _options = options;
            var settings = new PipelineSettings(options);
            Pipeline.Settings = settings;
            Pipeline.ShutdownTimeout = options.ShutdownTimeout;
            foreach (var logger in _loggers.Values)
            {
                logger.State = settings.ResolveCategory(logger.State.Category);
            }

            ApplyConfigSinks(options);
            Streams.ApplyConfiguration(options.Streams);
        }
        catch (Exception ex)
        {
            SelfLog.Report($"Configuration reload failed: {ex}");
        }
    }

    private void ApplyConfigSinks(HybridLoggingOptions options)
    {
        lock (_reconfigureLock)
        {
            var next = new Dictionary<string, (string Fingerprint, SinkWorker Worker)>(StringComparer.OrdinalIgnoreCase);
            var removed = new List<SinkWorker>();
            var replaced = new List<(SinkWorker Old, TaskCompletionSource Stopped)>();
            foreach (var (name, sinkOptions) in options.Sinks)
            {
                if (!sinkOptions.Enabled)
                {
                    continue;
                }

                var section = (IConfiguration?)_configuration?.GetSection("Sinks").GetSection(name) ?? EmptyConfiguration;
                var fingerprint = Fingerprint(sinkOptions, section);
                if (_configSinks.TryGetValue(name, out var existing) && existing.Fingerprint == fingerprint)
                {
                    next[name] = existing;
                    continue;
                }

                try
                {
                    var type = sinkOptions.Type!;
                    if (existing.Worker is null)
                    {
                        var sink = CreateSink(name, type, section, compression: false);
                        next[name] = (fingerprint, new SinkWorker(name, sink, sinkOptions.Clone(), options, acceptLines: true));
                    }
                    else
                    {
                        // A changed destination: the replacement queues entries at once but opens its sink only after
                        // the old one has written what it accepted and released its resources (a file's lock).
                        var oldStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        replaced.Add((existing.Worker, oldStopped));
                        next[name] = (fingerprint, new SinkWorker(name, () => CreateSink(name, type, section, compression: false), sinkOptions.Clone(), options, null, oldStopped.Task));
                    }
                }
                catch (Exception ex)
                {
                    SelfLog.Report($"Sink '{name}' could not be created: {ex.Message}");
                    if (existing.Worker is not null)
                    {
                        next[name] = existing; // keep the working one
                    }
                }
            }

            foreach (var (name, old) in _configSinks)
            {
                if (!next.ContainsKey(name))
                {
                    removed.Add(old.Worker);
                }
            }

            _configSinks = next;
            var applied = PublishRoutes();

            foreach (var worker in removed)
            {
                // Flush what the old sink already accepted, then dispose it, off the reload thread.
                _ = Task.Run(async () =>
                {
                    await WhenApplied(applied, options.ShutdownTimeout).ConfigureAwait(false);
                    await worker.StopAsync(options.ShutdownTimeout).ConfigureAwait(false);
                });
            }

            foreach (var (worker, stopped) in replaced)
            {
                _ = Task.Run(async () =>
                {
                    await WhenApplied(applied, options.ShutdownTimeout).ConfigureAwait(false);
                    await worker.StopAsync(options.ShutdownTimeout).ConfigureAwait(false);
                    stopped.TrySetResult();
                });
            }
        }
    }

    /// <summary>Publishes the routes; the task completes once the dispatcher has handed lines formatted for the old ones to their destinations.</summary>
    private Task PublishRoutes()
    {
        var configWorkers = _configSinks.Values.Select(v => v.Worker).ToArray();
        IEntryRoute[] routes = [_codeSinks, new SinkSet(configWorkers), .. _extraRoutes];
        return Pipeline.SetRoutes(routes);
    }

    /// <summary>
    /// Waits (bounded) until the dispatcher uses the new routes before an old destination is stopped: lines it formatted
    /// for that destination may still be in its current chunk, and a stopped destination would count them as dropped.
    /// </summary>
    private static async Task WhenApplied(Task applied, TimeSpan timeout)
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

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Convention lookup of sink assemblies; AOT apps register sinks in code or through ILogSinkFactory services.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "The attribute's type carries DynamicallyAccessedMembers.")]
    internal ILogSink CreateSink(string name, string type, IConfiguration section, bool compression)
    {
        var context = new LogSinkContext(name, section, _services) { CompressionEnabled = compression };
        foreach (var factory in _factories.Concat(_options.GetSinkFactories()))
        {
            if (string.Equals(factory.Type, type, StringComparison.OrdinalIgnoreCase))
            {
                return factory.Create(context);
            }
        }

        // Convention: a sink package named HybridLogging.Sinks.{Type} marks its factory with [assembly: LogSinkFactory].
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName("HybridLogging.Sinks." + type));
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"Sink '{name}' has Type '{type}', but no sink factory for it is registered and no assembly 'HybridLogging.Sinks.{type}' is referenced. Add the package HybridLogging.Sinks.{type}.", ex);
        }

        foreach (var attribute in assembly.GetCustomAttributes<LogSinkFactoryAttribute>())
        {
            if (Activator.CreateInstance(attribute.FactoryType) is ILogSinkFactory factory &&
                string.Equals(factory.Type, type, StringComparison.OrdinalIgnoreCase))
            {
                return factory.Create(context);
            }
        }

        throw new InvalidOperationException($"Sink '{name}': assembly HybridLogging.Sinks.{type} has no [LogSinkFactory] for type '{type}'.");
    }

    private static string Fingerprint(SinkOptions options, IConfiguration section)
    {
        var parts = new List<string>
        {
            $"{options.Type}|{options.BatchSize}|{options.FlushInterval}|{options.QueueCapacity}|{options.FullMode}|{options.WriteTimeout}|{options.MaxRetries}|{options.RetryBaseDelay}|{options.MinimumLevel}",
        };
        foreach (var pair in section.AsEnumerable(makePathsRelative: true).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            parts.Add(pair.Key + "=" + pair.Value);
        }

        return string.Join("\n", parts);
    }

    private static readonly IConfiguration EmptyConfiguration = new ConfigurationBuilder().Build();

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
