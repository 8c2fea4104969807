namespace HybridLogging.Sinks.Elasticsearch.Tests;

public sealed class ElasticsearchSinkOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_as_documented()
    {
        var options = new ElasticsearchSinkOptions();

        Assert.Empty(options.Validate("es"));
        Assert.Empty(options.Nodes);
        Assert.Equal(ElasticsearchTarget.DataStream, options.Target);
        Assert.Equal("logs-hybrid-default", options.DataStream);
        Assert.Equal("hybrid-logs-{yyyy.MM.dd}", options.IndexFormat);
        Assert.Equal(1000, options.MaxDocumentsPerRequest);
        Assert.Equal(5 * 1024 * 1024, options.MaxBytesPerRequest);
        Assert.Equal(2, options.MaxConcurrentRequests);
        Assert.True(options.EnableCompression);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RequestTimeout);
        Assert.Equal("logs/elasticsearch-dead-letter.json", options.DeadLetterPath);
        Assert.False(options.Bootstrap);
        Assert.Equal(30, options.RetentionDays);
    }

    [Theory]
    [InlineData("ftp://es:21", "Nodes must be absolute http or https URLs")]
    [InlineData("not a url", "Nodes must be absolute http or https URLs")]
    public void Bad_node_urls_are_refused(string node, string message)
    {
        var options = new ElasticsearchSinkOptions();
        options.Nodes.Add(node);

        Assert.Contains(options.Validate("es"), e => e.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_out_of_range_setting_gets_its_own_message()
    {
        var options = new ElasticsearchSinkOptions
        {
            CloudId = "deployment:abc",
            Username = "elastic",
            CertificateFingerprint = "12:34",
            Target = ElasticsearchTarget.Index,
            IndexFormat = "Upper-{yyyy}",
            MaxBytesPerRequest = 10,
            MaxConcurrentRequests = 0,
            RequestTimeout = TimeSpan.Zero,
            RetentionDays = 0,
        };
        options.Nodes.Add("http://es:9200");

        var errors = options.Validate("es");

        Assert.Equal(9, errors.Count);
        Assert.All(errors, e => Assert.StartsWith("Elasticsearch sink 'es': ", e, StringComparison.Ordinal));
    }

    [Fact]
    public void A_handed_in_transport_makes_connection_settings_irrelevant()
    {
        var options = new ElasticsearchSinkOptions
        {
            TransportConfiguration = new Elastic.Transport.TransportConfiguration(new Uri("http://127.0.0.1:9200")),
            Username = "only-user",
        };

        Assert.Empty(options.Validate("es"));
    }

    [Fact]
    public void Cloud_id_is_parsed_by_the_transport_and_needs_credentials()
    {
        var valid = "logs:" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("eu-west-1.aws.found.io$es-uuid$kibana-uuid"));

        Assert.Empty(new ElasticsearchSinkOptions { CloudId = valid, ApiKey = "a2V5" }.Validate("es"));
        Assert.Contains(new ElasticsearchSinkOptions { CloudId = valid }.Validate("es"), e => e.Contains("CloudId needs ApiKey", StringComparison.Ordinal));
        Assert.Contains(new ElasticsearchSinkOptions { CloudId = "not-a-cloud-id", ApiKey = "a2V5" }.Validate("es"), e => e.Contains("not a valid Elastic Cloud id", StringComparison.Ordinal));
    }
}
