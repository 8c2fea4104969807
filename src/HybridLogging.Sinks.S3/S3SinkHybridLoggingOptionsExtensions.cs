using Amazon.S3;
using HybridLogging.Sinks.S3.Internal.Sink;
using Microsoft.Extensions.DependencyInjection;

namespace HybridLogging;

/// <summary>Adds S3 archive destinations to <see cref="HybridLoggingOptions"/>.</summary>
public static class S3SinkHybridLoggingOptionsExtensions
{
    /// <summary>Name of the destination added by the overloads without a name.</summary>
    public const string DefaultSinkName = "s3";

    // Default SinkOptions.BatchSize of S3 destinations added in code (documented on AddS3 as 10,000). Objects span
    // batches, so this only sets how many entries the sink compresses per call. Internal: a public const would be
    // compiled into callers and a value users never need.
    internal const int ArchiveBatchSize = 10_000;

    /// <summary>Adds an S3 destination named <c>s3</c>; the bucket comes from <paramref name="configure"/>.</summary>
    /// <example>
    /// <code language="csharp">
    /// builder.Logging.AddHybridLogging(o =&gt; o.AddS3(s =&gt;
    /// {
    ///     s.BucketName = "my-log-archive";
    ///     s.Prefix = "logs/my-service";
    ///     s.Region = "eu-west-1";   // credentials come from the standard AWS chain
    /// }));
    /// // or in appsettings.json: "Sinks": { "archive": { "Type": "S3", "BucketName": "my-log-archive" } }
    /// </code>
    /// </example>
    public static HybridLoggingOptions AddS3(this HybridLoggingOptions options, Action<S3SinkOptions> configure) =>
        AddS3(options, DefaultSinkName, configure);

    /// <summary>Adds an S3 destination named <c>s3</c> writing to <paramref name="bucketName"/> under the prefix <c>logs</c>.</summary>
    public static HybridLoggingOptions AddS3(this HybridLoggingOptions options, string bucketName) =>
        AddS3(options, DefaultSinkName, o => o.BucketName = bucketName);

    /// <summary>
    /// Adds an S3 destination with archive pipeline settings: <see cref="SinkOptions.BatchSize"/>
    /// 10,000, <see cref="SinkOptions.FlushInterval"/> 1 second (entries move into the sink's
    /// compressor promptly; objects span batches and roll by <see cref="S3SinkOptions.MaxObjectBytes"/> and
    /// <see cref="S3SinkOptions.MaxObjectAge"/>), <see cref="SinkOptions.QueueCapacity"/> 100,000 (room while the
    /// uploads are at their bound) and <see cref="SinkOptions.WriteTimeout"/> 2 minutes (a write that finds
    /// <see cref="S3SinkOptions.MaxPendingUploads"/> uploads running waits for one, retries included). The settings are validated here. An <see cref="IAmazonS3"/> service registered by the application, if any,
    /// is used instead of a client built from the options; a registered <see cref="TimeProvider"/> stamps the keys and
    /// measures object age.
    /// </summary>
    public static HybridLoggingOptions AddS3(this HybridLoggingOptions options, string name, Action<S3SinkOptions> configure) =>
        AddS3(options, name, configure, null);

    /// <summary>
    /// Adds an S3 destination and adjusts its pipeline settings after the archive defaults are applied (for example a
    /// shorter <see cref="SinkOptions.FlushInterval"/> for fresher objects, or a smaller queue).
    /// </summary>
    public static HybridLoggingOptions AddS3(
        this HybridLoggingOptions options, string name, Action<S3SinkOptions> configure, Action<SinkOptions>? configureDestination)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        var s3Options = new S3SinkOptions();
        configure(s3Options);
        var errors = s3Options.Validate(name);
        if (errors.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(name, typeof(S3SinkOptions), errors);
        }

        return options.AddSink(
            name,
            services => new S3Sink(name, s3Options, services.GetService<IAmazonS3>(), services.GetService<TimeProvider>()),
            destination =>
            {
                ApplyArchiveDefaults(destination);
                configureDestination?.Invoke(destination);
            });
    }

    internal static void ApplyArchiveDefaults(SinkOptions destination)
    {
        destination.BatchSize = ArchiveBatchSize;
        destination.FlushInterval = TimeSpan.FromSeconds(1);
        destination.QueueCapacity = 10 * ArchiveBatchSize;
        destination.WriteTimeout = TimeSpan.FromMinutes(2);
    }
}
