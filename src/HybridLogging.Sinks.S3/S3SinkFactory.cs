using Amazon.S3;
using HybridLogging.Sinks.S3.Internal.Sink;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

[assembly: HybridLogging.LogSinkFactory(typeof(HybridLogging.S3SinkFactory))]

namespace HybridLogging;

/// <summary>
/// Creates S3 archive sinks for destinations declared in configuration with <c>"Type": "S3"</c>; the destination's
/// section binds onto <see cref="S3SinkOptions"/>, for example
/// <c>"Logging:HybridLogging:Sinks:archive": { "Type": "S3", "BucketName": "my-logs", "Prefix": "app", "MaxObjectAge": "00:05:00" }</c>.
/// Found through the assembly's <see cref="LogSinkFactoryAttribute"/>, so no registration code is needed. Such a
/// destination gets the archive pipeline settings <c>AddS3</c> sets in code (see <see cref="ApplyDestinationDefaults"/>).
/// </summary>
public sealed class S3SinkFactory : ILogSinkFactory, ILogSinkDestinationDefaults
{
    /// <inheritdoc />
    public string Type => "S3";

    /// <inheritdoc />
    /// <remarks>
    /// An <see cref="IAmazonS3"/> service registered by the application, if any, is used (and not disposed) instead of a
    /// client built from <see cref="S3SinkOptions.Region"/> and <see cref="S3SinkOptions.ServiceUrl"/>; a registered
    /// <see cref="TimeProvider"/> service, if any, stamps the keys and measures object age.
    /// </remarks>
    public ILogSink Create(LogSinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = new S3SinkOptions();
        context.Configuration.Bind(options);
        var errors = options.Validate(context.Name);
        if (errors.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(context.Name, typeof(S3SinkOptions), errors);
        }

        return new S3Sink(context.Name, options, context.Services.GetService<IAmazonS3>(), context.Services.GetService<TimeProvider>());
    }

    /// <summary>
    /// The archive pipeline settings, as <c>AddS3</c> sets them: <see cref="SinkOptions.BatchSize"/> 10,000,
    /// <see cref="SinkOptions.FlushInterval"/> 1 second, <see cref="SinkOptions.QueueCapacity"/> 100,000 and
    /// <see cref="SinkOptions.WriteTimeout"/> 2 minutes. A setting the destination's section names wins.
    /// </summary>
    public void ApplyDestinationDefaults(SinkOptions destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        S3SinkHybridLoggingOptionsExtensions.ApplyArchiveDefaults(destination);
    }
}
