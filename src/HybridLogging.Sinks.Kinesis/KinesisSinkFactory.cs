using HybridLogging.Sinks.Kinesis.Internal;
using Microsoft.Extensions.Configuration;

[assembly: HybridLogging.LogSinkFactory(typeof(HybridLogging.KinesisSinkFactory))]

namespace HybridLogging;

/// <summary>
/// Creates Kinesis Data Streams sinks for destinations declared in configuration with <c>"Type": "Kinesis"</c>; the
/// destination's section binds onto <see cref="KinesisSinkOptions"/>, for example
/// <c>"Logging:HybridLogging:Sinks:stream": { "Type": "Kinesis", "StreamName": "app-logs", "Region": "eu-west-1" }</c>.
/// Found through the assembly's <see cref="LogSinkFactoryAttribute"/>, so no registration code is needed.
/// </summary>
public sealed class KinesisSinkFactory : ILogSinkFactory
{
    /// <inheritdoc />
    public string Type => "Kinesis";

    /// <inheritdoc />
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The settings are invalid.</exception>
    /// <exception cref="InvalidOperationException">No AWS region is configured or found.</exception>
    public ILogSink Create(LogSinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = new KinesisSinkOptions();
        context.Configuration.Bind(options);
        if (context.CompressionEnabled)
        {
            // A stream with CompressionEnabled asks its destinations to gzip what they can: here, each record's data.
            options.Compression = KinesisCompression.Gzip;
        }

        KinesisSinkHybridLoggingOptionsExtensions.ThrowIfInvalid(context.Name, options);
        return KinesisSinkBuilder.Create(context.Name, options);
    }
}
