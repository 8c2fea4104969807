using Elastic.Transport;
using Elastic.Transport.Products.Elasticsearch;

namespace HybridLogging.Sinks.Elasticsearch.Internal.Transport;

/// <summary>Builds the sink's transport from its options, or takes the app's own (see <see cref="ElasticsearchSinkOptions.Transport"/>).</summary>
internal static class TransportFactory
{
    /// <summary>The default node when neither nodes nor a cloud id is given.</summary>
    public static readonly Uri DefaultNode = new("http://localhost:9200");

    /// <summary>Returns the transport to use and whether the sink owns it (and disposes its configuration).</summary>
    public static (ITransport Transport, IDisposable? Owned) Create(ElasticsearchSinkOptions options)
    {
        if (options.Transport is { } transport)
        {
            return (transport, null);
        }

        if (options.TransportConfiguration is { } configuration)
        {
            return (new DistributedTransport(configuration), null);
        }

        var own = CreateConfiguration(options);
        return (new DistributedTransport(own), own);
    }

    private static TransportConfiguration CreateConfiguration(ElasticsearchSinkOptions options)
    {
        AuthorizationHeader? authentication = null;
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            authentication = new ApiKey(options.ApiKey);
        }
        else if (!string.IsNullOrEmpty(options.Username))
        {
            authentication = new BasicAuthentication(options.Username, options.Password ?? string.Empty);
        }

        NodePool pool;
        if (!string.IsNullOrWhiteSpace(options.CloudId))
        {
            pool = new CloudNodePool(options.CloudId, authentication!);
        }
        else
        {
            var nodes = options.Nodes.Count == 0 ? [DefaultNode] : options.Nodes.Select(n => new Uri(n)).ToArray();

            // A static pool even for one node keeps failover, dead-node backoff and pings uniform; nodes are tried in
            // the given order (no randomisation) so a configured primary is preferred.
            pool = nodes.Length == 1 ? new SingleNodePool(nodes[0]) : new StaticNodePool(nodes, randomize: false);
        }

        return new TransportConfiguration(pool, null, null, ElasticsearchProductRegistration.Default)
        {
            Authentication = authentication,
            EnableHttpCompression = options.EnableCompression,
            RequestTimeout = options.RequestTimeout,
            MaxRetryTimeout = options.RequestTimeout,
            CertificateFingerprint = NormalizeFingerprint(options.CertificateFingerprint),
            ThrowExceptions = false,
            DisableDirectStreaming = false,
        };
    }

    private static string? NormalizeFingerprint(string? fingerprint) =>
        string.IsNullOrWhiteSpace(fingerprint) ? null : fingerprint.Replace(":", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
}
