using HybridLogging.Sinks.Elasticsearch.Internal;
using Microsoft.Extensions.Configuration;

[assembly: HybridLogging.LogSinkFactory(typeof(HybridLogging.ElasticsearchSinkFactory))]

namespace HybridLogging;

/// <summary>
/// Creates Elasticsearch sinks for destinations declared in configuration with <c>"Type": "Elasticsearch"</c>; the
/// destination's section binds onto <see cref="ElasticsearchSinkOptions"/>, for example
/// <c>"Sinks:search": { "Type": "Elasticsearch", "Nodes": [ "https://es1:9200" ], "ApiKey": "…" }</c>.
/// Found through the assembly's <see cref="LogSinkFactoryAttribute"/>, so no registration code is needed.
/// </summary>
public sealed class ElasticsearchSinkFactory : ILogSinkFactory
{
    /// <inheritdoc />
    public string Type => "Elasticsearch";

    /// <inheritdoc />
    public ILogSink Create(LogSinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = new ConfiguredSettings();
        context.Configuration.Bind(settings);
        var options = new ElasticsearchSinkOptions();
        settings.ApplyTo(options);
        if (context.CompressionEnabled)
        {
            options.EnableCompression = true;
        }

        var errors = options.Validate(context.Name);
        if (errors.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(context.Name, typeof(ElasticsearchSinkOptions), errors);
        }

        return new ElasticsearchSink(context.Name, options);
    }
}
