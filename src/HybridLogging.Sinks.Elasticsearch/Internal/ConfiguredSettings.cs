namespace HybridLogging.Sinks.Elasticsearch.Internal;

/// <summary>
/// The settings of <see cref="ElasticsearchSinkOptions"/> that configuration can carry. Bound instead of the options
/// themselves because the options also hold code-only objects (a transport), which the source-generated binder cannot
/// and should not bind.
/// </summary>
internal sealed class ConfiguredSettings
{
    public List<string> Nodes { get; set; } = [];

    public string? CloudId { get; set; }

    public string? ApiKey { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? CertificateFingerprint { get; set; }

    public ElasticsearchTarget? Target { get; set; }

    public string? DataStream { get; set; }

    public string? IndexFormat { get; set; }

    public int? MaxDocumentsPerRequest { get; set; }

    public int? MaxBytesPerRequest { get; set; }

    public int? MaxConcurrentRequests { get; set; }

    public bool? EnableCompression { get; set; }

    public TimeSpan? RequestTimeout { get; set; }

    public string? DeadLetterPath { get; set; }

    public bool? Bootstrap { get; set; }

    public string? LifecyclePolicy { get; set; }

    public int? RetentionDays { get; set; }

    public string? ServiceName { get; set; }

    public string? ServiceEnvironment { get; set; }

    /// <summary>Copies every setting present in configuration onto <paramref name="options"/> (absent ones keep their defaults).</summary>
    public void ApplyTo(ElasticsearchSinkOptions options)
    {
        foreach (var node in Nodes)
        {
            options.Nodes.Add(node);
        }

        options.CloudId = CloudId ?? options.CloudId;
        options.ApiKey = ApiKey ?? options.ApiKey;
        options.Username = Username ?? options.Username;
        options.Password = Password ?? options.Password;
        options.CertificateFingerprint = CertificateFingerprint ?? options.CertificateFingerprint;
        options.Target = Target ?? options.Target;
        options.DataStream = DataStream ?? options.DataStream;
        options.IndexFormat = IndexFormat ?? options.IndexFormat;
        options.MaxDocumentsPerRequest = MaxDocumentsPerRequest ?? options.MaxDocumentsPerRequest;
        options.MaxBytesPerRequest = MaxBytesPerRequest ?? options.MaxBytesPerRequest;
        options.MaxConcurrentRequests = MaxConcurrentRequests ?? options.MaxConcurrentRequests;
        options.EnableCompression = EnableCompression ?? options.EnableCompression;
        options.RequestTimeout = RequestTimeout ?? options.RequestTimeout;
        options.DeadLetterPath = DeadLetterPath ?? options.DeadLetterPath;
        options.Bootstrap = Bootstrap ?? options.Bootstrap;
        options.LifecyclePolicy = LifecyclePolicy ?? options.LifecyclePolicy;
        options.RetentionDays = RetentionDays ?? options.RetentionDays;
        options.ServiceName = ServiceName ?? options.ServiceName;
        options.ServiceEnvironment = ServiceEnvironment ?? options.ServiceEnvironment;
    }
}
