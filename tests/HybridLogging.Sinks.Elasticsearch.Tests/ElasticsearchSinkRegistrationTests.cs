using HybridLogging.Sinks.Elasticsearch.Internal;
using HybridLogging.Sinks.Elasticsearch.Tests.Kit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.Elasticsearch.Tests;

public sealed class ElasticsearchSinkRegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Factory_binds_the_destination_section_onto_the_sink_options()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Type"] = "Elasticsearch",
            ["BatchSize"] = "50", // a destination setting, not the sink's: ignored here
            ["Nodes:0"] = "https://es1:9200",
            ["Nodes:1"] = "https://es2:9200",
            ["ApiKey"] = "a2V5",
            ["CertificateFingerprint"] = new string('A', 64),
            ["Target"] = "Index",
            ["IndexFormat"] = "app-{yyyy.MM}",
            ["MaxDocumentsPerRequest"] = "250",
            ["MaxBytesPerRequest"] = "1048576",
            ["MaxConcurrentRequests"] = "3",
            ["EnableCompression"] = "false",
            ["RequestTimeout"] = "00:00:10",
            ["DeadLetterPath"] = "dead/letters.json",
            ["Bootstrap"] = "true",
            ["LifecyclePolicy"] = "app-logs",
            ["RetentionDays"] = "14",
            ["ServiceName"] = "checkout",
            ["ServiceEnvironment"] = "staging",
        }).Build();
        var factory = new ElasticsearchSinkFactory();

        await using var sink = Assert.IsType<ElasticsearchSink>(factory.Create(new LogSinkContext("search", configuration, new ServiceCollection().BuildServiceProvider())));

        var options = sink.Options;
        Assert.Equal("Elasticsearch", factory.Type);
        Assert.Equal(["https://es1:9200", "https://es2:9200"], options.Nodes);
        Assert.Equal("a2V5", options.ApiKey);
        Assert.Equal(ElasticsearchTarget.Index, options.Target);
        Assert.Equal("app-{yyyy.MM}", options.IndexFormat);
        Assert.Equal(250, options.MaxDocumentsPerRequest);
        Assert.Equal(1_048_576, options.MaxBytesPerRequest);
        Assert.Equal(3, options.MaxConcurrentRequests);
        Assert.False(options.EnableCompression);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RequestTimeout);
        Assert.Equal("dead/letters.json", options.DeadLetterPath);
        Assert.True(options.Bootstrap);
        Assert.Equal("app-logs", options.LifecyclePolicy);
        Assert.Equal(14, options.RetentionDays);
        Assert.Equal("ecs;service=checkout;environment=staging", sink.Formatter.Key);
    }

    [Fact]
    public void Factory_rejects_invalid_configuration_with_the_destination_name_and_without_secrets()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nodes:0"] = "https://elastic:hunter2@es1:9200",
            ["DataStream"] = "Logs-Upper",
            ["MaxDocumentsPerRequest"] = "0",
        }).Build();

        var error = Assert.ThrowsAny<Exception>(() => new ElasticsearchSinkFactory().Create(new LogSinkContext("audit", configuration, new ServiceCollection().BuildServiceProvider())));

        Assert.Contains("Elasticsearch sink 'audit': Nodes must not carry credentials in the URL", error.Message, StringComparison.Ordinal);
        Assert.Contains("DataStream must be a lowercase index name", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxDocumentsPerRequest must be between 1 and 100000 (was 0)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destination_declared_in_configuration_sends_ECS_documents_without_registration_code()
    {
        await using var fixture = await SinkFixture.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:HybridLogging:Sinks:search:Type"] = "Elasticsearch",
            ["Logging:HybridLogging:Sinks:search:Nodes:0"] = fixture.Emulator.Url.ToString(),
            ["Logging:HybridLogging:Sinks:search:DataStream"] = "logs-configured-default",
            ["Logging:HybridLogging:Sinks:search:DeadLetterPath"] = fixture.Folder.Combine("dead.json"),
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddHybridLogging());
        await using var container = services.BuildServiceProvider();
        var logger = container.GetRequiredService<ILogger<ElasticsearchSinkRegistrationTests>>();

        logger.LogInformation("Configured {Index}", 42);
        await container.GetRequiredService<HybridLoggerProvider>().FlushAsync(Ct);

        var document = Assert.Single(fixture.Emulator.Index("logs-configured-default").Values);
        Assert.Contains("\"message\":\"Configured 42\"", System.Text.Encoding.UTF8.GetString(document), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddElasticsearch_without_a_name_registers_the_destination_elasticsearch()
    {
        await using var fixture = await SinkFixture.StartAsync();
        var options = new HybridLoggingOptions().AddElasticsearch(o =>
        {
            o.Nodes.Add(fixture.Emulator.Url.ToString());
            o.DeadLetterPath = fixture.Folder.Combine("dead.json");
        });
        await using var provider = new HybridLoggerProvider(options);

        provider.CreateLogger("MyApp").LogInformation("Hello {Index}", 1);
        await provider.FlushAsync(Ct);

        Assert.Equal("elasticsearch", Assert.Single(provider.GetStats().Sinks).Name);
        Assert.Single(fixture.Emulator.Index("logs-hybrid-default"));
    }

    [Fact]
    public void AddElasticsearch_validates_settings_up_front()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            new HybridLoggingOptions().AddElasticsearch("search", o => { o.ApiKey = "k"; o.Username = "u"; o.Password = "p"; }));

        Assert.Contains("Elasticsearch sink 'search': set either ApiKey or Username/Password, not both.", error.Message, StringComparison.Ordinal);
    }
}
