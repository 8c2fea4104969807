using Elastic.Transport;

namespace HybridLogging;

/// <summary>
/// Settings of an Elasticsearch destination. The pipeline settings of the destination (batching, queue, retries) are
/// the separate <see cref="SinkOptions"/>; each batch the pipeline hands over is sent as one or more <c>_bulk</c>
/// requests bounded by <see cref="MaxDocumentsPerRequest"/> and <see cref="MaxBytesPerRequest"/>.
/// </summary>
/// <remarks>
/// Connection: <see cref="Transport"/> (an app's own, already configured transport) wins over
/// <see cref="TransportConfiguration"/>, which wins over the connection settings here (<see cref="Nodes"/> or
/// <see cref="CloudId"/>, credentials, <see cref="CertificateFingerprint"/>). Credentials never appear in messages.
/// </remarks>
public sealed class ElasticsearchSinkOptions
{
    private List<string> _nodes = [];

    /// <summary>Node URLs, tried in order with failover and dead-node backoff. Empty (the default) with no <see cref="CloudId"/> means <c>http://localhost:9200</c>.</summary>
    public IList<string> Nodes => _nodes;

    /// <summary>An Elastic Cloud id, used instead of <see cref="Nodes"/>. Default null.</summary>
    public string? CloudId { get; set; }

    /// <summary>API key (the encoded form Kibana shows, sent as <c>Authorization: ApiKey …</c>). Default null.</summary>
    public string? ApiKey { get; set; }

    /// <summary>User name for basic authentication (with <see cref="Password"/>). Default null.</summary>
    public string? Username { get; set; }

    /// <summary>Password for basic authentication. Default null.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// SHA-256 fingerprint (hex, colons optional) of the server's certificate or its CA; when set, only a certificate
    /// chain containing it is accepted (for self-signed clusters). Default null: normal certificate validation.
    /// </summary>
    public string? CertificateFingerprint { get; set; }

    /// <summary>Data stream or dated index. Default <see cref="ElasticsearchTarget.DataStream"/>.</summary>
    public ElasticsearchTarget Target { get; set; } = ElasticsearchTarget.DataStream;

    /// <summary>Data stream name (<c>logs-{dataset}-{namespace}</c> matches Elasticsearch's built-in logs template). Default <c>logs-hybrid-default</c>.</summary>
    public string DataStream { get; set; } = "logs-hybrid-default";

    /// <summary>
    /// Index name for <see cref="ElasticsearchTarget.Index"/>; a <c>{…}</c> part is a .NET date format applied to the
    /// entry's UTC timestamp. Default <c>hybrid-logs-{yyyy.MM.dd}</c>.
    /// </summary>
    public string IndexFormat { get; set; } = "hybrid-logs-{yyyy.MM.dd}";

    /// <summary>Most documents in one <c>_bulk</c> request (1 … 100,000). Default 1,000.</summary>
    public int MaxDocumentsPerRequest { get; set; } = 1000;

    /// <summary>Most uncompressed bytes in one <c>_bulk</c> request (64 KiB … 100 MiB); a larger single document is sent alone. Default 5 MiB (5,242,880).</summary>
    public int MaxBytesPerRequest { get; set; } = 5 * 1024 * 1024;

    /// <summary>Most <c>_bulk</c> requests of one batch in flight at once (1 … 64). Default 2.</summary>
    public int MaxConcurrentRequests { get; set; } = 2;

    /// <summary>Whether request bodies are gzip-compressed (and compressed responses accepted). Default true.</summary>
    public bool EnableCompression { get; set; } = true;

    /// <summary>
    /// Timeout of one HTTP request, including failover to other nodes (1 s … 10 min). Default 10 s: well under the
    /// destination's <see cref="SinkOptions.WriteTimeout"/> (30 s), so a stalled request comes back as a retry from the
    /// sink before the pipeline abandons the whole write.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Path of the dead-letter file: documents Elasticsearch refused for good (mapping errors, bad documents) are
    /// appended there as JSON lines, with the status and error text. Empty disables it (refused documents are still
    /// counted as failed). Default <c>logs/elasticsearch-dead-letter.json</c>.
    /// </summary>
    public string? DeadLetterPath { get; set; } = "logs/elasticsearch-dead-letter.json";

    /// <summary>
    /// Whether the sink creates, before its first write, an index template for its target (data stream or index pattern)
    /// and the lifecycle policy <see cref="LifecyclePolicy"/> that deletes data after <see cref="RetentionDays"/>.
    /// Default false (Elasticsearch's built-in <c>logs-*-*</c> template already covers the default data stream).
    /// </summary>
    public bool Bootstrap { get; set; }

    /// <summary>Name of the index template and lifecycle policy created by <see cref="Bootstrap"/>. Default <c>hybrid-logs</c>.</summary>
    public string LifecyclePolicy { get; set; } = "hybrid-logs";

    /// <summary>Days after which the lifecycle policy created by <see cref="Bootstrap"/> deletes data (1 … 36,500). Default 30.</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>ECS <c>service.name</c>. Default null: the entry's metadata key <c>service</c>, if any.</summary>
    public string? ServiceName { get; set; }

    /// <summary>ECS <c>service.environment</c>. Default null: the entry's metadata key <c>environment</c>, if any.</summary>
    public string? ServiceEnvironment { get; set; }

    /// <summary>
    /// An app's own transport (for example <c>ElasticsearchClient.Transport</c> of Elastic.Clients.Elasticsearch), used as it is: its node pool,
    /// authentication, certificates and compression apply, and the connection settings here are ignored. Code only. Default null.
    /// </summary>
    public ITransport? Transport { get; set; }

    /// <summary>
    /// An app's own transport configuration (node pool, authentication, certificates); the sink builds its transport
    /// from it, and the connection settings here are ignored. Code only. Default null.
    /// </summary>
    public ITransportConfiguration? TransportConfiguration { get; set; }

    /// <summary>Checks every setting and returns one clear message per problem (empty when valid).</summary>
    public IReadOnlyList<string> Validate(string sinkName)
    {
        var errors = new List<string>();
        var prefix = $"Elasticsearch sink '{sinkName}'";
        if (Transport is null && TransportConfiguration is null)
        {
            if (!string.IsNullOrWhiteSpace(CloudId))
            {
                if (Nodes.Count > 0)
                {
                    errors.Add($"{prefix}: set either Nodes or CloudId, not both.");
                }

                if (string.IsNullOrEmpty(ApiKey) && string.IsNullOrEmpty(Username))
                {
                    errors.Add($"{prefix}: CloudId needs ApiKey or Username/Password.");
                }

                if (!IsCloudId(CloudId))
                {
                    errors.Add($"{prefix}: CloudId is not a valid Elastic Cloud id (name:base64).");
                }
            }

            foreach (var node in Nodes)
            {
                if (!Uri.TryCreate(node, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    errors.Add($"{prefix}: Nodes must be absolute http or https URLs (was '{node}').");
                }
                else if (!string.IsNullOrEmpty(uri.UserInfo))
                {
                    errors.Add($"{prefix}: Nodes must not carry credentials in the URL; use ApiKey or Username/Password.");
                }
            }

            if (!string.IsNullOrEmpty(ApiKey) && (!string.IsNullOrEmpty(Username) || !string.IsNullOrEmpty(Password)))
            {
                errors.Add($"{prefix}: set either ApiKey or Username/Password, not both.");
            }

            if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password))
            {
                errors.Add($"{prefix}: Username and Password go together.");
            }

            if (CertificateFingerprint is { } fingerprint && !IsFingerprint(fingerprint))
            {
                errors.Add($"{prefix}: CertificateFingerprint must be a SHA-256 fingerprint (64 hex digits, colons allowed).");
            }
        }

        if (!Enum.IsDefined(Target))
        {
            errors.Add($"{prefix}: Target must be DataStream or Index (was {Target}).");
        }
        else if (Target == ElasticsearchTarget.DataStream && !Sinks.Elasticsearch.Internal.IndexNames.IsValidName(DataStream))
        {
            errors.Add($"{prefix}: DataStream must be a lowercase index name without spaces or \\/*?\"<>|,# (was '{DataStream}').");
        }
        else if (Target == ElasticsearchTarget.Index && !Sinks.Elasticsearch.Internal.IndexNames.IsValidFormat(IndexFormat))
        {
            errors.Add($"{prefix}: IndexFormat must give a lowercase index name, with {{…}} date formats (was '{IndexFormat}').");
        }

        if (MaxDocumentsPerRequest is < 1 or > 100_000)
        {
            errors.Add($"{prefix}: MaxDocumentsPerRequest must be between 1 and 100000 (was {MaxDocumentsPerRequest}).");
        }

        if (MaxBytesPerRequest is < 64 * 1024 or > 100 * 1024 * 1024)
        {
            errors.Add($"{prefix}: MaxBytesPerRequest must be between 65536 and 104857600 (was {MaxBytesPerRequest}).");
        }

        if (MaxConcurrentRequests is < 1 or > 64)
        {
            errors.Add($"{prefix}: MaxConcurrentRequests must be between 1 and 64 (was {MaxConcurrentRequests}).");
        }

        if (RequestTimeout < TimeSpan.FromSeconds(1) || RequestTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{prefix}: RequestTimeout must be between 1 second and 10 minutes (was {RequestTimeout}).");
        }

        if (Bootstrap && !Sinks.Elasticsearch.Internal.IndexNames.IsValidName(LifecyclePolicy))
        {
            errors.Add($"{prefix}: LifecyclePolicy must be a lowercase name without spaces or \\/*?\"<>|,# (was '{LifecyclePolicy}').");
        }

        if (RetentionDays is < 1 or > 36_500)
        {
            errors.Add($"{prefix}: RetentionDays must be between 1 and 36500 (was {RetentionDays}).");
        }

        if (DeadLetterPath is { Length: > 0 } path && path.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add($"{prefix}: DeadLetterPath contains characters that are not valid in a path.");
        }

        return errors;
    }

    /// <summary>A copy taken when the sink is created, so later changes to the caller's object do not reach a running sink.</summary>
    internal ElasticsearchSinkOptions Clone()
    {
        var clone = (ElasticsearchSinkOptions)MemberwiseClone();
        clone._nodes = [.. _nodes];
        return clone;
    }

    private static bool IsCloudId(string cloudId)
    {
        try
        {
            // The transport's own parser decides; the placeholder key is never sent.
            using var pool = new CloudNodePool(cloudId, new ApiKey("validation"));
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return false;
        }
    }

    private static bool IsFingerprint(string text)
    {
        var hex = text.Replace(":", string.Empty, StringComparison.Ordinal);
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigit);
    }
}
