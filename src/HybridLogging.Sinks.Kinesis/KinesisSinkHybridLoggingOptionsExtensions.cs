using HybridLogging.Sinks.Kinesis.Internal;

namespace HybridLogging;

/// <summary>Adds Amazon Kinesis Data Streams destinations to <see cref="HybridLoggingOptions"/>.</summary>
public static class KinesisSinkHybridLoggingOptionsExtensions
{
    /// <summary>Name of the destination added by the overloads without a name.</summary>
    public const string DefaultSinkName = "kinesis";

    /// <summary>
    /// Adds a Kinesis destination named <c>kinesis</c> with default settings; the stream must then come from
    /// configuration, so this overload suits tests and samples that set <see cref="KinesisSinkOptions.StreamName"/>
    /// another way. Prefer <see cref="AddKinesis(HybridLoggingOptions, Action{KinesisSinkOptions})"/>.
    /// </summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">No stream is named.</exception>
    public static HybridLoggingOptions AddKinesis(this HybridLoggingOptions options) => AddKinesis(options, DefaultSinkName, static _ => { });

    /// <summary>Adds a Kinesis destination named <c>kinesis</c>, for example <c>o.AddKinesis(k => k.StreamName = "app-logs")</c>.</summary>
    /// <example>
    /// <code language="csharp">
    /// builder.Logging.AddHybridLogging(o =&gt; o.AddKinesis(k =&gt;
    /// {
    ///     k.StreamName = "app-logs";
    ///     k.Region = "eu-west-1";   // credentials come from the standard AWS chain
    /// }));
    /// // or in appsettings.json: "Sinks": { "stream": { "Type": "Kinesis", "StreamName": "app-logs", "Region": "eu-west-1" } }
    /// </code>
    /// </example>
    public static HybridLoggingOptions AddKinesis(this HybridLoggingOptions options, Action<KinesisSinkOptions> configure) =>
        AddKinesis(options, DefaultSinkName, configure);

    /// <summary>
    /// Adds a Kinesis destination. The settings are validated here; the region and endpoint are resolved when the
    /// provider starts (a clear error when no region is found), and credentials on the first request.
    /// </summary>
    public static HybridLoggingOptions AddKinesis(this HybridLoggingOptions options, string name, Action<KinesisSinkOptions> configure) =>
        AddKinesis(options, name, configure, null);

    /// <summary>
    /// Adds a Kinesis destination and sets its pipeline settings too (batch size, queue capacity, retries, minimum
    /// level), for example batches of 500 entries to fill PutRecords requests.
    /// </summary>
    public static HybridLoggingOptions AddKinesis(
        this HybridLoggingOptions options, string name, Action<KinesisSinkOptions> configure, Action<SinkOptions>? configureDestination)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        var kinesisOptions = new KinesisSinkOptions();
        configure(kinesisOptions);
        ThrowIfInvalid(name, kinesisOptions);
        return options.AddSink(name, _ => KinesisSinkBuilder.Create(name, kinesisOptions), configureDestination);
    }

    internal static void ThrowIfInvalid(string name, KinesisSinkOptions options)
    {
        var errors = options.Validate(name);
        if (errors.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(name, typeof(KinesisSinkOptions), errors);
        }
    }
}
