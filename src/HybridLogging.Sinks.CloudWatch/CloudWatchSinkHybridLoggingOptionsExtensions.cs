using HybridLogging.Sinks.CloudWatch.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace HybridLogging;

/// <summary>Adds Amazon CloudWatch Logs destinations to <see cref="HybridLoggingOptions"/>.</summary>
public static class CloudWatchSinkHybridLoggingOptionsExtensions
{
    /// <summary>Name of the destination added by the overloads without a name.</summary>
    public const string DefaultSinkName = "cloudwatch";

    /// <summary>Adds a CloudWatch Logs destination named <c>cloudwatch</c> with default settings (log group <c>/hybridlogging</c>).</summary>
    public static HybridLoggingOptions AddCloudWatch(this HybridLoggingOptions options) => AddCloudWatch(options, DefaultSinkName, static _ => { });

    /// <summary>Adds a CloudWatch Logs destination named <c>cloudwatch</c>.</summary>
    /// <example>
    /// <code language="csharp">
    /// builder.Logging.AddHybridLogging(o =&gt; o.AddCloudWatch(c =&gt;
    /// {
    ///     c.LogGroupName = "/my-service/production";
    ///     c.Region = "eu-west-1";   // credentials come from the standard AWS chain
    ///     c.RetentionDays = 30;
    /// }));
    /// // or in appsettings.json: "Sinks": { "cloudwatch": { "Type": "CloudWatch", "LogGroupName": "/my-service/production" } }
    /// </code>
    /// </example>
    public static HybridLoggingOptions AddCloudWatch(this HybridLoggingOptions options, Action<CloudWatchSinkOptions> configure) =>
        AddCloudWatch(options, DefaultSinkName, configure);

    /// <summary>
    /// Adds a CloudWatch Logs destination. The settings are validated here; the region and endpoint are resolved when
    /// the provider starts (an <see cref="InvalidOperationException"/> names the setting when no region is found), and
    /// credentials on the first request.
    /// </summary>
    public static HybridLoggingOptions AddCloudWatch(this HybridLoggingOptions options, string name, Action<CloudWatchSinkOptions> configure) =>
        AddCloudWatch(options, name, configure, null);

    /// <summary>Adds a CloudWatch Logs destination and sets its pipeline settings too (batch size, queue, retries).</summary>
    public static HybridLoggingOptions AddCloudWatch(
        this HybridLoggingOptions options, string name, Action<CloudWatchSinkOptions> configure, Action<SinkOptions>? configureDestination)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        var sinkOptions = new CloudWatchSinkOptions();
        configure(sinkOptions);
        var errors = sinkOptions.Validate(name);
        if (errors.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(name, typeof(CloudWatchSinkOptions), errors);
        }

        var snapshot = sinkOptions.Clone();
        return options.AddSink(name, services => CloudWatchLogsSink.Create(name, snapshot, services.GetService<TimeProvider>()), configureDestination);
    }
}
