using Amazon.S3;
using HybridLogging.Sinks.S3.Internal.Sink;
using HybridLogging.Sinks.S3.Tests.Kit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.S3.Tests;

public sealed class S3SinkRegistrationTests(S3rverFixture s3)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Destination_declared_in_configuration_with_type_S3_archives_without_registration_code()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:HybridLogging:Sinks:archive:Type"] = "S3",
            ["Logging:HybridLogging:Sinks:archive:BatchSize"] = "1000",
            ["Logging:HybridLogging:Sinks:archive:FlushInterval"] = "00:01:00",
            ["Logging:HybridLogging:Sinks:archive:BucketName"] = bucket,
            ["Logging:HybridLogging:Sinks:archive:Prefix"] = "configured",
            ["Logging:HybridLogging:Sinks:archive:PartitionStyle"] = "Hive",
            ["Logging:HybridLogging:Sinks:archive:MachineName"] = "cfg-host",
            ["Logging:HybridLogging:Sinks:archive:UseChunkEncoding"] = "false",
            ["Logging:HybridLogging:Sinks:archive:Tags:team"] = "payments",
        }).Build();
        using var client = s3.Client();
        var services = new ServiceCollection().AddSingleton<IAmazonS3>(client);
        services.AddLogging(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            logging.AddHybridLogging();
        });
        await using (var container = services.BuildServiceProvider())
        {
            container.GetRequiredService<ILogger<S3SinkRegistrationTests>>().LogWarning("Configured {Index}", 7);
            await container.GetRequiredService<HybridLoggerProvider>().FlushAsync(Ct);
        }

        var stored = Assert.Single(await Archive.ReadAsync(client, bucket, Ct));
        Assert.StartsWith("configured/year=", stored.Key, StringComparison.Ordinal);
        Assert.Contains("/cfg-host-", stored.Key, StringComparison.Ordinal);
        Assert.Equal(7, stored.Entries.Single().GetProperty("properties").GetProperty("Index").GetInt32());
    }

    [Fact]
    public void Factory_binds_every_setting_and_validates_with_the_destination_name()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BucketName"] = "my-logs",
            ["Compression"] = "Zstd",
            ["MaxObjectBytes"] = "2048",
            ["PartSizeBytes"] = "6291456",
            ["MaxPendingUploads"] = "4",
            ["ServiceUrl"] = "http://127.0.0.1:9000",
            ["ForcePathStyle"] = "true",
            ["ServerSideEncryption"] = "Kms",
            ["KmsKeyId"] = "alias/logs",
            ["KeyTemplate"] = "{prefix}/{sequence}{extension}",
        }).Build();
        var factory = new S3SinkFactory();

        var sink = Assert.IsType<S3Sink>(factory.Create(new LogSinkContext("archive", configuration, new ServiceCollection().BuildServiceProvider())));

        Assert.Equal("S3", factory.Type);
        Assert.Equal(S3Compression.Zstd, sink.Options.Compression);
        Assert.Equal(2048, sink.Options.MaxObjectBytes);
        Assert.Equal(6 * 1024 * 1024, sink.Options.PartSizeBytes);
        Assert.Equal(4, sink.Options.MaxPendingUploads);
        Assert.True(sink.Options.ForcePathStyle);
        Assert.Equal(S3ServerSideEncryption.Kms, sink.Options.ServerSideEncryption);
        Assert.Equal("alias/logs", sink.Options.KmsKeyId);
        Assert.Equal("{prefix}/{sequence}{extension}", sink.Options.KeyTemplate);

        var invalid = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["BucketName"] = "x" }).Build();
        var error = Assert.ThrowsAny<Exception>(() => factory.Create(new LogSinkContext("audit", invalid, new ServiceCollection().BuildServiceProvider())));
        Assert.Contains("S3 sink 'audit': BucketName must be 3 to 63", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddS3_gives_the_destination_archive_sized_batches_that_can_still_be_adjusted()
    {
        using var client = s3.Client();
        var services = new ServiceCollection().AddSingleton<IAmazonS3>(client);
        services.AddLogging(logging => logging.AddHybridLogging(o => o
            .AddS3("default", b => b.BucketName = "bucket-a")
            .AddS3("adjusted", b => b.BucketName = "bucket-b", d => d.QueueCapacity = 5_000)));
        await using var container = services.BuildServiceProvider();

        var stats = container.GetRequiredService<HybridLoggerProvider>().GetStats().Sinks.ToDictionary(s => s.Name);

        // The destination queue rounds its capacity up to a power of two.
        Assert.InRange(stats["default"].QueueCapacity, 10 * S3SinkHybridLoggingOptionsExtensions.ArchiveBatchSize, 131_072);
        Assert.InRange(stats["adjusted"].QueueCapacity, 5_000, 8_192);
    }

    [Fact]
    public async Task A_destination_declared_in_configuration_gets_the_archive_settings_AddS3_gives_unless_it_names_its_own()
    {
        using var client = s3.Client();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:HybridLogging:Sinks:archive:Type"] = "S3",
            ["Logging:HybridLogging:Sinks:archive:BucketName"] = "bucket-a",
            ["Logging:HybridLogging:Sinks:sized:Type"] = "S3",
            ["Logging:HybridLogging:Sinks:sized:BucketName"] = "bucket-b",
            ["Logging:HybridLogging:Sinks:sized:QueueCapacity"] = "5000",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IAmazonS3>(client);
        services.AddLogging(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            logging.AddHybridLogging(o => o.AddS3("coded", b => b.BucketName = "bucket-c"));
        });
        await using var container = services.BuildServiceProvider();

        var stats = container.GetRequiredService<HybridLoggerProvider>().GetStats().Sinks.ToDictionary(s => s.Name);

        Assert.Equal(stats["coded"].QueueCapacity, stats["archive"].QueueCapacity);
        Assert.InRange(stats["archive"].QueueCapacity, 10 * S3SinkHybridLoggingOptionsExtensions.ArchiveBatchSize, 131_072);
        Assert.InRange(stats["sized"].QueueCapacity, 5_000, 8_192);

        var defaults = new SinkOptions();
        ((ILogSinkDestinationDefaults)new S3SinkFactory()).ApplyDestinationDefaults(defaults);
        Assert.Equal((S3SinkHybridLoggingOptionsExtensions.ArchiveBatchSize, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2)), (defaults.BatchSize, defaults.FlushInterval, defaults.WriteTimeout));
    }

    [Fact]
    public void AddS3_refuses_invalid_settings_at_registration()
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => new HybridLoggingOptions().AddS3(o => o.MaxObjectBytes = 1));

        Assert.Contains("S3 sink 's3': BucketName is required.", error.Failures);
        Assert.Contains(error.Failures, f => f.Contains("MaxObjectBytes", StringComparison.Ordinal));
    }
}
