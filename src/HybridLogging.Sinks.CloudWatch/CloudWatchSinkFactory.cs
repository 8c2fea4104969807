using HybridLogging.Sinks.CloudWatch.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

[assembly: HybridLogging.LogSinkFactory(typeof(HybridLogging.CloudWatchSinkFactory))]

namespace HybridLogging;

/// <summary>
/// Creates CloudWatch Logs sinks for destinations declared in configuration with <c>"Type": "CloudWatch"</c>; the
/// destination's section binds onto <see cref="CloudWatchSinkOptions"/>, for example
/// <c>"Logging:HybridLogging:Sinks:cloud": { "Type": "CloudWatch", "LogGroupName": "/my-service", "Region": "eu-west-1" }</c>.
/// Found through the assembly's <see cref="LogSinkFactoryAttribute"/>, so no registration code is needed.
/// </summary>
public sealed class CloudWatchSinkFactory : IValidatingLogSinkFactory
{
    /// <inheritdoc />
    public string Type => "CloudWatch";

    /// <inheritdoc />
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid.</exception>
    /// <exception cref="InvalidOperationException">No region is configured anywhere.</exception>
    public ILogSink Create(LogSinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = Bind(context);
        var errors = options.Validate(context.Name);
        if (errors.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(context.Name, typeof(CloudWatchSinkOptions), errors);
        }

        return CloudWatchLogsSink.Create(context.Name, options, context.Services.GetService<TimeProvider>());
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(LogSinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Bind(context).Validate(context.Name);
    }

    private static CloudWatchSinkOptions Bind(LogSinkContext context)
    {
        var options = new CloudWatchSinkOptions();
        context.Configuration.Bind(options);
        return options;
    }
}
