using HybridLogging.Sinks.File.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace HybridLogging;

/// <summary>Adds rolling file destinations to <see cref="HybridLoggingOptions"/>.</summary>
public static class FileSinkHybridLoggingOptionsExtensions
{
    /// <summary>Name of the destination added by the overloads without a name.</summary>
    public const string DefaultSinkName = "file";

    /// <summary>Adds a file destination named <c>file</c> with default settings (JSON lines in <c>logs/log.json</c>).</summary>
    public static HybridLoggingOptions AddFile(this HybridLoggingOptions options) => AddFile(options, DefaultSinkName, static _ => { });

    /// <summary>Adds a file destination named <c>file</c>.</summary>
    /// <example>
    /// <code language="csharp">
    /// builder.Logging.AddHybridLogging(o =&gt; o.AddFile(f =&gt;
    /// {
    ///     f.Path = "logs/app.json";
    ///     f.RollingInterval = FileRollingInterval.Daily;
    ///     f.RetainedFileCount = 14;
    /// }));
    /// // or in appsettings.json: "Logging": { "HybridLogging": { "Sinks": { "files": { "Type": "File", "Path": "logs/app.json" } } } }
    /// </code>
    /// </example>
    public static HybridLoggingOptions AddFile(this HybridLoggingOptions options, Action<FileSinkOptions> configure) =>
        AddFile(options, DefaultSinkName, configure);

    /// <summary>
    /// Adds a file destination. The settings are validated here; the file and its lock are opened when the provider
    /// starts, which fails with an <see cref="IOException"/> if another sink or process already writes the same path.
    /// A registered <see cref="TimeProvider"/> service, if any, drives interval rolling and the periodic flush.
    /// </summary>
    public static HybridLoggingOptions AddFile(this HybridLoggingOptions options, string name, Action<FileSinkOptions> configure) =>
        AddFile(options, name, configure, null);

    /// <summary>
    /// Adds a file destination and sets its pipeline settings too (batch size, queue capacity, minimum level), for
    /// example larger batches for a high-volume file.
    /// </summary>
    public static HybridLoggingOptions AddFile(
        this HybridLoggingOptions options, string name, Action<FileSinkOptions> configure, Action<SinkOptions>? configureDestination)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        var fileOptions = new FileSinkOptions();
        configure(fileOptions);
        var errors = fileOptions.Validate(name);
        if (errors.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(name, typeof(FileSinkOptions), errors);
        }

        return options.AddSink(name, services => new FileSink(name, fileOptions, services.GetService<TimeProvider>()), configureDestination);
    }
}
