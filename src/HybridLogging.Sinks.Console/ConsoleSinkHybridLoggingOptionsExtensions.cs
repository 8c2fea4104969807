using HybridLogging.Sinks.Console.Internal;

namespace HybridLogging;

/// <summary>Adds the console sink to <see cref="HybridLoggingOptions"/>.</summary>
public static class ConsoleSinkHybridLoggingOptionsExtensions
{
    /// <summary>The destination name used by the overloads without a name: <c>console</c>.</summary>
    public const string DefaultSinkName = "console";

    /// <summary>Adds a console destination named <c>console</c> with default settings (auto format, stdout only).</summary>
    public static HybridLoggingOptions AddConsole(this HybridLoggingOptions options) => options.AddConsole(DefaultSinkName, static _ => { });

    /// <summary>Adds a console destination named <c>console</c>.</summary>
    /// <example>
    /// <code language="csharp">
    /// builder.Logging.AddHybridLogging(o =&gt; o.AddConsole(c =&gt;
    /// {
    ///     c.Format = LogFormat.Json;                       // JSON lines even on a terminal
    ///     c.StandardErrorFromLevel = LogLevel.Error;       // errors and above to stderr
    /// }));
    /// </code>
    /// </example>
    public static HybridLoggingOptions AddConsole(this HybridLoggingOptions options, Action<ConsoleSinkOptions> configure) =>
        options.AddConsole(DefaultSinkName, configure);

    /// <summary>
    /// Adds a console destination named <paramref name="name"/> (adding the same name again replaces it). Settings are
    /// validated here, so a mistake fails at start-up rather than at the first write.
    /// </summary>
    /// <exception cref="ArgumentException">A console setting is invalid.</exception>
    public static HybridLoggingOptions AddConsole(this HybridLoggingOptions options, string name, Action<ConsoleSinkOptions> configure) =>
        options.AddConsole(name, configure, null);

    /// <summary>
    /// Adds a console destination named <paramref name="name"/> with its pipeline settings (minimum level, batch size,
    /// queue) set by <paramref name="configureDestination"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A console setting is invalid.</exception>
    public static HybridLoggingOptions AddConsole(
        this HybridLoggingOptions options,
        string name,
        Action<ConsoleSinkOptions> configure,
        Action<SinkOptions>? configureDestination)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        var consoleOptions = new ConsoleSinkOptions();
        configure(consoleOptions);
        var errors = consoleOptions.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(configure));
        }

        return options.AddSink(name, _ => new ConsoleSink(consoleOptions), configureDestination);
    }
}
