using HybridLogging.Sinks.Elasticsearch.Internal;

namespace HybridLogging;

/// <summary>Adds Elasticsearch destinations to <see cref="HybridLoggingOptions"/>.</summary>
public static class ElasticsearchSinkHybridLoggingOptionsExtensions
{
    /// <summary>Name of the destination added by the overloads without a name.</summary>
    public const string DefaultSinkName = "elasticsearch";

    /// <summary>Adds an Elasticsearch destination named <c>elasticsearch</c> with default settings (data stream <c>logs-hybrid-default</c> on <c>http://localhost:9200</c>).</summary>
    public static HybridLoggingOptions AddElasticsearch(this HybridLoggingOptions options) =>
        AddElasticsearch(options, DefaultSinkName, static _ => { });

    /// <summary>Adds an Elasticsearch destination named <c>elasticsearch</c>.</summary>
    /// <example>
    /// <code language="csharp">
    /// builder.Logging.AddHybridLogging(o =&gt; o.AddElasticsearch(e =&gt;
    /// {
    ///     e.Nodes.Add("https://elastic.internal:9200");
    ///     e.ApiKey = builder.Configuration["Elastic:ApiKey"];
    /// }));
    /// // or in appsettings.json: "Sinks": { "elastic": { "Type": "Elasticsearch", "Nodes": [ "https://elastic.internal:9200" ] } }
    /// </code>
    /// </example>
    public static HybridLoggingOptions AddElasticsearch(this HybridLoggingOptions options, Action<ElasticsearchSinkOptions> configure) =>
        AddElasticsearch(options, DefaultSinkName, configure);

    /// <summary>Adds an Elasticsearch destination. The settings are validated here; nothing connects until the first batch.</summary>
    public static HybridLoggingOptions AddElasticsearch(this HybridLoggingOptions options, string name, Action<ElasticsearchSinkOptions> configure) =>
        AddElasticsearch(options, name, configure, null);

    /// <summary>
    /// Adds an Elasticsearch destination and sets its pipeline settings too (batch size, queue capacity, retries,
    /// minimum level), for example larger batches for fewer bulk requests.
    /// </summary>
    public static HybridLoggingOptions AddElasticsearch(
        this HybridLoggingOptions options, string name, Action<ElasticsearchSinkOptions> configure, Action<SinkOptions>? configureDestination)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        var sinkOptions = new ElasticsearchSinkOptions();
        configure(sinkOptions);
        var errors = sinkOptions.Validate(name);
        if (errors.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(name, typeof(ElasticsearchSinkOptions), errors);
        }

        return options.AddSink(name, _ => new ElasticsearchSink(name, sinkOptions), configureDestination);
    }
}
