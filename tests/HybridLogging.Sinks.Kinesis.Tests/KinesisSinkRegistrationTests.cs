using HybridLogging.Sinks.Kinesis.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HybridLogging.Sinks.Kinesis.Tests;

public sealed class KinesisSinkRegistrationTests
{
    [Fact]
    public async Task Factory_binds_the_destination_section_onto_kinesis_sink_options()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Type"] = "Kinesis",
            ["BatchSize"] = "500", // a destination setting, not the sink's: ignored here
            ["StreamName"] = "app-logs",
            ["Region"] = "eu-west-1",
            ["ServiceUrl"] = "http://127.0.0.1:4567",
            ["PartitionKey"] = "Property",
            ["PartitionKeyProperty"] = "userId",
            ["AggregateEntries"] = "true",
            ["Compression"] = "Gzip",
            ["MaxRecordBytes"] = "2097152",
            ["MaxRequestBytes"] = "10485760",
            ["MaxRecordsPerRequest"] = "250",
        }).Build();
        var factory = new KinesisSinkFactory();

        await using var sink = Assert.IsType<KinesisSink>(factory.Create(new LogSinkContext("stream", configuration, new ServiceCollection().BuildServiceProvider())));

        Assert.Equal("Kinesis", factory.Type);
        var options = sink.Options;
        Assert.Equal("app-logs", options.StreamName);
        Assert.Equal("eu-west-1", options.Region);
        Assert.Equal("http://127.0.0.1:4567", options.ServiceUrl);
        Assert.Equal(KinesisPartitionKeySource.Property, options.PartitionKey);
        Assert.Equal("userId", options.PartitionKeyProperty);
        Assert.True(options.AggregateEntries);
        Assert.Equal(KinesisCompression.Gzip, options.Compression);
        Assert.Equal(2_097_152, options.MaxRecordBytes);
        Assert.Equal(10_485_760, options.MaxRequestBytes);
        Assert.Equal(250, options.MaxRecordsPerRequest);
        Assert.Same(Formatting.JsonLogFormatter.Instance, sink.Formatter);
    }

    [Fact]
    public async Task A_stream_asking_for_compression_turns_on_gzip()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StreamName"] = "app-logs",
            ["Region"] = "eu-west-1",
        }).Build();

        await using var sink = (KinesisSink)new KinesisSinkFactory().Create(
            new LogSinkContext("stream", configuration, new ServiceCollection().BuildServiceProvider()) { CompressionEnabled = true });

        Assert.Equal(KinesisCompression.Gzip, sink.Options.Compression);
    }

    [Fact]
    public void Factory_rejects_invalid_configuration_with_the_destination_name()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StreamName"] = "app-logs",
            ["MaxRecordsPerRequest"] = "501",
        }).Build();

        var error = Assert.Throws<OptionsValidationException>(() => new KinesisSinkFactory().Create(new LogSinkContext("audit", configuration, new ServiceCollection().BuildServiceProvider())));

        Assert.Contains("Kinesis sink 'audit': MaxRecordsPerRequest must be between 1 and 500 (was 501)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddKinesis_validates_at_registration()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new HybridLoggingOptions().AddKinesis(k => k.MaxRecordBytes = 12));

        Assert.Contains("Kinesis sink 'kinesis': StreamName or StreamArn is required.", error.Failures);
        Assert.Contains(error.Failures, f => f.Contains("MaxRecordBytes must be between 1024", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_region_is_a_clear_configuration_error_naming_the_sink()
    {
        var before = (Environment.GetEnvironmentVariable("AWS_REGION"), Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"));
        try
        {
            Environment.SetEnvironmentVariable("AWS_REGION", null);
            Environment.SetEnvironmentVariable("AWS_DEFAULT_REGION", null);
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", "/nonexistent/aws-config");
            Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");

            var error = Assert.Throws<InvalidOperationException>(() =>
                KinesisSinkBuilder.Create("audit", new KinesisSinkOptions { StreamName = "s" }));

            Assert.Contains("Region of the Kinesis sink 'audit'", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_REGION", before.Item1);
            Environment.SetEnvironmentVariable("AWS_DEFAULT_REGION", before.Item2);
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", null);
            Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", null);
        }
    }
}
