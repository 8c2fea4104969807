using System.Diagnostics;
using System.Text.Json;
using HybridLogging.Sinks.Kinesis.Tests.Kit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.Kinesis.Tests;

/// <summary>ILogger → pipeline → sink → kinesalite over HTTP → GetShardIterator/GetRecords, as a consumer reads it.</summary>
public sealed class KinesisRoundTripTests(KinesaliteFixture kinesalite, ITestOutputHelper output)
{
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hundred_thousand_entries_logged_through_ILogger_arrive_exactly_once_with_their_fields()
    {
        const int count = 100_000;
        var stream = KinesaliteFixture.NewStreamName("roundtrip");
        await kinesalite.Client.CreateStreamAsync(stream, shards: 4, Ct);
        var options = new HybridLoggingOptions { QueueCapacity = 1 << 17, FullMode = QueueFullMode.Block, BlockTimeout = TimeSpan.FromSeconds(30) };
        options.AddKinesis("kinesis", k =>
        {
            k.StreamName = stream;
            k.Region = KinesaliteFixture.Region;
            k.ServiceUrl = kinesalite.ServiceUrl;
        }, d =>
        {
            d.BatchSize = 2_000;
            d.FlushInterval = TimeSpan.FromMilliseconds(200);
            d.QueueCapacity = 200_000;
            d.FullMode = QueueFullMode.Block;
            d.MaxRetries = 5;
        });
        var clock = Stopwatch.StartNew();
        await using (var provider = new HybridLoggerProvider(options))
        {
            var logger = provider.CreateLogger("Shop.Orders.OrderService");
            for (var block = 0; block < count / 1_000; block++)
            {
                using (CorrelationContext.Begin(correlationId: $"corr-{block}", userId: $"user-{block % 7}"))
                {
                    for (var i = block * 1_000; i < (block + 1) * 1_000; i++)
                    {
                        logger.LogInformation("Order {Index} placed for {Amount} EUR", i, i * 0.5);
                    }
                }
            }

            await provider.FlushAsync(Ct);
            var stats = Assert.Single(provider.GetStats().Sinks);
            Assert.Equal(count, stats.Written);
            Assert.Equal(0, stats.Failed + stats.Dropped);
        }

        var written = clock.Elapsed;
        var records = await kinesalite.Client.ReadAllAsync(stream, Ct);
        output.WriteLine($"{count} entries written in {written.TotalSeconds:0.0} s, read back in {(clock.Elapsed - written).TotalSeconds:0.0} s");

        Assert.Equal(count, records.Count);
        var seen = new bool[count];
        foreach (var record in records)
        {
            var line = Assert.Single(record.Lines());
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var index = root.GetProperty("properties").GetProperty("Index").GetInt32();
            Assert.False(seen[index], $"entry {index} arrived twice");
            seen[index] = true;
            Assert.Equal($"Order {index} placed for {index * 0.5} EUR", root.GetProperty("message").GetString());
            Assert.Equal("INFO", root.GetProperty("level").GetString());
            Assert.Equal("OrderService", root.GetProperty("source").GetString());
            Assert.Equal("Shop.Orders.OrderService", root.GetProperty("category").GetString());
            Assert.Equal($"corr-{index / 1_000}", root.GetProperty("correlationId").GetString());
            Assert.Equal($"user-{index / 1_000 % 7}", root.GetProperty("userId").GetString());
            Assert.Equal(index * 0.5, root.GetProperty("properties").GetProperty("Amount").GetDouble());
            Assert.Equal($"corr-{index / 1_000}", record.PartitionKey);
        }

        Assert.All(seen, Assert.True);
    }

    [Fact]
    public async Task Entries_logged_through_ILogger_arrive_exactly_once_despite_throttled_records_and_failed_requests()
    {
        const int count = 20_000;
        var stream = KinesaliteFixture.NewStreamName("faults");
        await kinesalite.Client.CreateStreamAsync(stream, shards: 2, Ct);
        // Every 4th record of a request is throttled once, every 9th fails internally once; requests 3, 4 and 10 fail whole.
        var transport = new FaultInjector
        {
            RecordFault = static (index, _) => index % 4 == 1 ? "ProvisionedThroughputExceededException" : index % 9 == 2 ? "InternalFailure" : null,
            RequestFault = static n => n is 3 or 10 ? (System.Net.HttpStatusCode.InternalServerError, "InternalFailure")
                : n == 4 ? (System.Net.HttpStatusCode.BadRequest, "ProvisionedThroughputExceededException") : null,
        };
        var options = new HybridLoggingOptions { QueueCapacity = 1 << 15, FullMode = QueueFullMode.Block, BlockTimeout = TimeSpan.FromSeconds(30) };
        options.AddSink("kinesis", _ => TestSinks.Kinesis(kinesalite, stream, o => o.MaxRecordsPerRequest = 250, transport), d =>
        {
            d.BatchSize = 1_000;
            d.FlushInterval = TimeSpan.FromMilliseconds(100);
            d.QueueCapacity = 40_000;
            d.FullMode = QueueFullMode.Block;
            d.MaxRetries = 8;
            d.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        });
        await using (var provider = new HybridLoggerProvider(options))
        {
            var logger = provider.CreateLogger("Shop.Payments");
            for (var i = 0; i < count; i++)
            {
                logger.LogInformation("Payment {Index} settled", i);
            }

            await provider.FlushAsync(Ct);
            var stats = Assert.Single(provider.GetStats().Sinks);
            Assert.Equal(count, stats.Written);
            Assert.Equal(0, stats.Failed + stats.Dropped);
            Assert.True(stats.Counters.GetValueOrDefault("throttled") > 0, string.Join(", ", stats.Counters));
            Assert.True(stats.Counters.GetValueOrDefault("internalFailure") > 0, string.Join(", ", stats.Counters));
            Assert.Equal(3, stats.Counters.GetValueOrDefault("requestFailed"));
            Assert.Equal(stats.Counters["records"], stats.Written);
        }

        Assert.True(transport.FaultedRecords > count / 5, $"{transport.FaultedRecords} records faulted");
        var indices = (await kinesalite.Client.ReadAllAsync(stream, Ct)).Select(r => Some.IndexOf(Assert.Single(r.Lines()))).Order();
        Assert.Equal(Enumerable.Range(0, count), indices);
    }

    [Fact]
    public async Task Destination_declared_in_configuration_writes_to_the_stream_without_registration_code()
    {
        var stream = KinesaliteFixture.NewStreamName("config");
        await kinesalite.Client.CreateStreamAsync(stream, shards: 1, Ct);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:HybridLogging:Sinks:stream:Type"] = "Kinesis",
            ["Logging:HybridLogging:Sinks:stream:StreamName"] = stream,
            ["Logging:HybridLogging:Sinks:stream:Region"] = KinesaliteFixture.Region,
            ["Logging:HybridLogging:Sinks:stream:ServiceUrl"] = kinesalite.ServiceUrl,
            ["Logging:HybridLogging:Sinks:stream:PartitionKey"] = "Source",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            logging.AddHybridLogging();
        });
        await using (var container = services.BuildServiceProvider())
        {
            container.GetRequiredService<ILogger<KinesisRoundTripTests>>().LogWarning("Configured {Index}", 42);
            await container.GetRequiredService<HybridLoggerProvider>().FlushAsync(Ct);
        }

        var record = Assert.Single(await kinesalite.Client.ReadAllAsync(stream, Ct));
        Assert.Equal("KinesisRoundTripTests", record.PartitionKey);
        Assert.Equal(42, Some.IndexOf(Assert.Single(record.Lines())));
    }
}
