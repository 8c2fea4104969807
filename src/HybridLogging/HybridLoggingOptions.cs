using Microsoft.Extensions.Logging;

namespace HybridLogging;

/// <summary>
/// Settings of the HybridLogging provider; bound from <c>Logging:HybridLogging</c> and reloaded live
/// (levels, sources, mappings, configuration-declared sinks and streams take effect on reload; queue sizes at start).
/// A reload is applied whole or not at all: one that cannot be parsed, bound or validated (including its destinations'
/// types and sink settings) keeps the last good configuration and is reported once
/// (<see cref="HybridLoggingStats.RejectedReloads"/>).
/// </summary>
public sealed class HybridLoggingOptions
{
    private readonly List<SinkRegistration> _codeSinks = [];
    private readonly List<ILogSinkFactory> _sinkFactories = [];
    private readonly List<ILogEntryObserver> _observers = [];

    /// <summary>
    /// Lowest level the provider accepts. Default <see cref="LogLevel.Trace"/>: whatever the Microsoft.Extensions.Logging
    /// filter rules (<c>Logging:LogLevel</c>) let through.
    /// </summary>
    public LogLevel MinimumLevel { get; set; } = LogLevel.Trace;

    /// <summary>Minimum levels by category prefix (MEL rules: the longest matching prefix wins). Default empty.</summary>
    public Dictionary<string, LogLevel> CategoryLevels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per-source settings (enable/disable, minimum level), keyed by source name. Default empty.</summary>
    public Dictionary<string, SourceOptions> Sources { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Category prefix to source name (the longest matching prefix wins). Default empty: the source is the category's
    /// last dot-separated segment (<c>MyApp.Routing.HybridRouter</c> becomes <c>HybridRouter</c>).
    /// </summary>
    public Dictionary<string, string> SourceMappings { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Capacity of the pipeline's lock-free queue, rounded up to a power of two. Default 16,384. Read at start.</summary>
    public int QueueCapacity { get; set; } = 16_384;

    /// <summary>What a log call does when the queue is full. Default <see cref="QueueFullMode.DropNewest"/> (never slows the app).</summary>
    public QueueFullMode FullMode { get; set; } = QueueFullMode.DropNewest;

    /// <summary>Longest wait of a log call under <see cref="QueueFullMode.Block"/> before it drops. Default 100 ms.</summary>
    public TimeSpan BlockTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Entries per batch handed to a sink (a full batch is written at once). Default 100.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Longest time an entry waits for its batch to fill before it is written. Default 5 s.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long disposal waits for queued entries to be written; the rest are counted as dropped. Default 10 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether <c>BeginScope</c> values are captured. Default true.</summary>
    public bool IncludeScopes { get; set; } = true;

    /// <summary>Longest rendered message kept, in characters; longer ones are truncated with a marker. Default 32,768.</summary>
    public int MaxMessageLength { get; set; } = 32 * 1024;

    /// <summary>Longest string property value kept, in characters. Default 8,192.</summary>
    public int MaxPropertyLength { get; set; } = 8 * 1024;

    /// <summary>Deepest nesting of collection property values kept; deeper values become a marker. Default 4.</summary>
    public int MaxPropertyDepth { get; set; } = 4;

    /// <summary>Most items kept of a collection property value. Default 100.</summary>
    public int MaxCollectionItems { get; set; } = 100;

    /// <summary>Most properties kept per entry. Default 64.</summary>
    public int MaxProperties { get; set; } = 64;

    /// <summary>
    /// Property names whose values are replaced by <c>***</c> before any sink sees the entry (case-insensitive;
    /// a name matches when it contains one of these). Default: password, secret, token, apikey, authorization,
    /// accesskey, secretkey, connectionstring, credential.
    /// </summary>
    public HashSet<string> RedactedProperties { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "secret", "token", "apikey", "authorization", "accesskey", "secretkey", "connectionstring", "credential",
    };

    /// <summary>Static metadata added to every entry (for example environment, host). Default empty.</summary>
    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Destinations declared in configuration, keyed by name; <see cref="SinkOptions.Type"/> names the sink type. Each is
    /// opened at start: one that cannot start fails start-up unless its <see cref="SinkOptions.StartupFailure"/> is
    /// <see cref="SinkStartupFailure.Tolerate"/>. Default empty.
    /// </summary>
    public Dictionary<string, SinkOptions> Sinks { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Named streams (filters plus destinations), keyed by id; applied at start and on every reload. Streams created at
    /// run time through <see cref="LogStreamManager"/> are not affected by reloads. Default empty.
    /// </summary>
    public Dictionary<string, LogStreamConfig> Streams { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Declares a stream in code (same as an entry under <c>Streams</c> in configuration).</summary>
    public HybridLoggingOptions AddStream(LogStreamConfig stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(stream.Id);
        Streams[stream.Id] = stream;
        return this;
    }

    /// <summary>Registers a sink factory for a destination type (in addition to factories registered as services).</summary>
    public HybridLoggingOptions AddSinkFactory(ILogSinkFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _sinkFactories.Add(factory);
        return this;
    }

    internal IReadOnlyList<ILogSinkFactory> GetSinkFactories() => _sinkFactories;

    /// <summary>Adds an observer that sees every dispatched entry on the dispatcher thread (see <see cref="ILogEntryObserver"/>).</summary>
    public HybridLoggingOptions AddObserver(ILogEntryObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        if (!_observers.Contains(observer))
        {
            _observers.Add(observer);
        }

        return this;
    }

    internal IReadOnlyList<ILogEntryObserver> GetObservers() => _observers;

    // Sinks added in code; not bindable from configuration.
    internal IReadOnlyList<SinkRegistration> GetCodeSinks() => _codeSinks;

    /// <summary>Adds a sink created from the application's services.</summary>
    public HybridLoggingOptions AddSink(string name, Func<IServiceProvider, ILogSink> factory, Action<SinkOptions>? configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        var options = new SinkOptions();
        configure?.Invoke(options);
        _codeSinks.RemoveAll(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
        _codeSinks.Add(new SinkRegistration(name, factory, options));
        return this;
    }

    /// <summary>Adds a sink instance with per-destination settings. The pipeline disposes it at shutdown.</summary>
    public HybridLoggingOptions AddSink(string name, ILogSink sink, Action<SinkOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return AddSink(name, _ => sink, configure);
    }

    /// <summary>Adds a sink instance with default destination settings. The pipeline disposes it at shutdown.</summary>
    public HybridLoggingOptions AddSink(string name, ILogSink sink) => AddSink(name, sink, null);

    /// <summary>Checks every setting and returns one clear message per problem (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (QueueCapacity is < 2 or > (1 << 24))
        {
            errors.Add($"QueueCapacity must be between 2 and 16777216 (was {QueueCapacity}).");
        }

        if (BatchSize is < 1 or > 100_000)
        {
            errors.Add($"BatchSize must be between 1 and 100000 (was {BatchSize}).");
        }

        if (FlushInterval <= TimeSpan.Zero || FlushInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"FlushInterval must be greater than zero and at most one hour (was {FlushInterval}).");
        }

        if (BlockTimeout < TimeSpan.Zero || BlockTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add($"BlockTimeout must be between zero and one minute (was {BlockTimeout}).");
        }

        if (ShutdownTimeout < TimeSpan.Zero)
        {
            errors.Add($"ShutdownTimeout must not be negative (was {ShutdownTimeout}).");
        }

        if (!Enum.IsDefined(FullMode))
        {
            errors.Add($"FullMode must be DropNewest, DropOldest or Block (was {FullMode}).");
        }

        if (MaxMessageLength < 16)
        {
            errors.Add($"MaxMessageLength must be at least 16 (was {MaxMessageLength}).");
        }

        if (MaxPropertyLength < 16)
        {
            errors.Add($"MaxPropertyLength must be at least 16 (was {MaxPropertyLength}).");
        }

        if (MaxPropertyDepth is < 1 or > 32)
        {
            errors.Add($"MaxPropertyDepth must be between 1 and 32 (was {MaxPropertyDepth}).");
        }

        if (MaxCollectionItems < 1)
        {
            errors.Add($"MaxCollectionItems must be at least 1 (was {MaxCollectionItems}).");
        }

        if (MaxProperties < 1)
        {
            errors.Add($"MaxProperties must be at least 1 (was {MaxProperties}).");
        }

        foreach (var (name, sink) in Sinks)
        {
            if (string.IsNullOrWhiteSpace(sink.Type))
            {
                errors.Add($"Sink '{name}': Type is required (for example \"Console\" or \"File\").");
            }

            errors.AddRange(sink.Validate(name));
        }

        foreach (var (id, stream) in Streams)
        {
            var probe = stream.Clone();
            if (string.IsNullOrWhiteSpace(probe.Id))
            {
                probe.Id = id;
            }

            errors.AddRange(probe.Validate());
        }

        foreach (var registration in _codeSinks)
        {
            errors.AddRange(registration.Options.Validate(registration.Name));
        }

        return errors;
    }
}

/// <summary>A sink added in code.</summary>
/// <param name="Name">Destination name.</param>
/// <param name="Factory">Creates the sink from the application's services.</param>
/// <param name="Options">The destination's pipeline settings.</param>
public sealed record SinkRegistration(string Name, Func<IServiceProvider, ILogSink> Factory, SinkOptions Options);
