using System.Diagnostics;
using System.Text.Json;
using Amazon.S3;
using HybridLogging.Sinks.S3.Tests.Kit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.S3.Tests;

/// <summary>
/// Round trips against a real S3 server (s3rver): ILogger or the sink → S3 → ListObjectsV2/GetObject → decompress →
/// parse. Each test has its own bucket.
/// </summary>
public sealed class S3SinkRoundTripTests(S3rverFixture s3, ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hundred_thousand_entries_logged_through_ILogger_are_archived_exactly_once_in_objects_rolled_by_size_not_by_batch()
    {
        const int count = 100_000;
        const long maxObjectBytes = 128 * 1024;
        var bucket = await s3.CreateBucketAsync(Ct);
        using var client = s3.Client();
        var services = new ServiceCollection().AddSingleton<IAmazonS3>(client);
        services.AddLogging(logging => logging.AddHybridLogging(o =>
        {
            o.QueueCapacity = 1 << 18;
            o.AddS3(
                "archive",
                TestSinks.Configure(bucket, x =>
                {
                    x.Prefix = "svc";
                    x.MaxObjectBytes = maxObjectBytes;
                }),
                d =>
                {
                    d.FullMode = QueueFullMode.Block;
                    d.BatchSize = 2_000; // many batches, few objects
                });
        }));
        var stopwatch = Stopwatch.StartNew();
        SinkStats stats;
        await using (var container = services.BuildServiceProvider())
        {
            var logger = container.GetRequiredService<ILoggerFactory>().CreateLogger("Shop.Checkout.Payments");
            using (CorrelationContext.Begin(correlationId: "corr-42", requestId: "req-7"))
            {
                for (var i = 0; i < count; i++)
                {
                    logger.LogInformation("Charged {Index} for {Amount}", i, 12.5);
                }
            }

            var provider = container.GetRequiredService<HybridLoggerProvider>();
            await provider.FlushAsync(Ct);
            stats = Assert.Single(provider.GetStats().Sinks);
            Assert.Equal(count, stats.Received);
            Assert.Equal(count, stats.Written);
            Assert.Equal(0, stats.Dropped + stats.Failed + stats.Deferred);
            Assert.True(stats.BytesWritten > 0);
        }

        var written = stopwatch.Elapsed;
        var objects = await Archive.ReadAsync(client, bucket, Ct);
        output.WriteLine($"{count} entries: logged and stored in {written.TotalMilliseconds:F0} ms, {stats.Batches} batches, {objects.Count} objects, {objects.Sum(o => o.Size)} bytes gzip ({string.Join(", ", objects.Select(o => o.Size))}), read back in {(stopwatch.Elapsed - written).TotalMilliseconds:F0} ms");

        // Objects roll by compressed size (overshooting by at most a deflate block, tens of KiB), plus one at flush and possibly one
        // at an hour change: not one per batch.
        var total = objects.Sum(o => o.Size);
        Assert.InRange(objects.Count, total / (maxObjectBytes + (64 * 1024)), (total / maxObjectBytes) + 3);
        Assert.All(objects, o => Assert.InRange(o.Size, 1, maxObjectBytes + (64 * 1024)));
        Assert.True(stats.Batches >= 2 * objects.Count, $"{stats.Batches} batches for {objects.Count} objects");

        var indices = new int[count];
        foreach (var entry in objects.SelectMany(o => o.Entries))
        {
            var index = entry.GetProperty("properties").GetProperty("Index").GetInt32();
            indices[index]++;
            Assert.Equal($"Charged {index} for 12.5", entry.GetProperty("message").GetString());
            Assert.Equal("INFO", entry.GetProperty("level").GetString());
            Assert.Equal("Payments", entry.GetProperty("source").GetString());
            Assert.Equal("Shop.Checkout.Payments", entry.GetProperty("category").GetString());
            Assert.Equal("corr-42", entry.GetProperty("correlationId").GetString());
            Assert.Equal("req-7", entry.GetProperty("requestId").GetString());
            Assert.Equal(12.5, entry.GetProperty("properties").GetProperty("Amount").GetDouble());
        }

        Assert.All(indices, n => Assert.Equal(1, n));
        Assert.All(objects, o => Assert.StartsWith("svc/", o.Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Entries_from_three_hours_land_under_three_hour_partitions_taken_from_their_own_timestamps()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var client = s3.Client();
        var services = new ServiceCollection().AddSingleton<IAmazonS3>(client);
        services.AddLogging(logging => logging.AddHybridLogging(o => o.AddS3("archive", TestSinks.Configure(bucket))));
        var hours = new[] { Some.Time.AddHours(-1), Some.Time, Some.Time.AddHours(1) };
        await using (var container = services.BuildServiceProvider())
        {
            var provider = container.GetRequiredService<HybridLoggerProvider>();

            // Interleaved, so every batch mixes the three hours: the sink still never mixes them in one object.
            for (var i = 0; i < 300; i++)
            {
                provider.Write(Some.LogEntry(i, hours[i % 3].AddSeconds(i)));
            }

            await provider.FlushAsync(Ct);
        }

        var objects = await Archive.ReadAsync(client, bucket, Ct);
        var prefixes = objects.Select(o => o.Key[..o.Key.LastIndexOf('/')]).Distinct().Order().ToArray();
        Assert.Equal(["app/2026/11/30/20", "app/2026/11/30/21", "app/2026/11/30/22"], prefixes);
        foreach (var o in objects)
        {
            var hour = int.Parse(o.Key.Split('/')[4], System.Globalization.CultureInfo.InvariantCulture);
            Assert.All(o.Entries, e => Assert.Equal(hour, e.GetProperty("timestamp").GetDateTimeOffset().UtcDateTime.Hour));
        }

        Assert.Equal(Enumerable.Range(0, 300), objects.SelectMany(o => o.Entries).Select(Index).Order());
    }

    [Fact]
    public async Task Hive_style_partitions_are_key_value_folders()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var client = s3.Client();
        await using var sink = TestSinks.Create(client, bucket, o => o.PartitionStyle = S3PartitionStyle.Hive);

        await sink.WriteAsync(Some.Batch(0, 10), Ct);
        await sink.FlushAsync(Ct);

        var stored = Assert.Single(await Archive.ReadAsync(client, bucket, Ct));
        Assert.Equal("app/year=2026/month=11/day=30/hour=21/test-host-20261130T210000000Z-000001.ndjson.gz", stored.Key);
    }

    [Fact]
    public async Task Objects_carry_content_type_content_encoding_and_their_write_token()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var client = s3.Client();
        await using var sink = TestSinks.Create(client, bucket);

        var batch = Some.Batch(0, 5);
        await sink.WriteAsync(batch, Ct);
        Assert.Equal(LogRecordOutcome.Deferred, batch.GetOutcome(4)); // pending in the open object
        Assert.Empty(await Archive.ReadAsync(client, bucket, Ct));
        await sink.FlushAsync(Ct);

        var stored = Assert.Single(await Archive.ReadAsync(client, bucket, Ct));
        Assert.Equal(TestSinks.Key(Some.Time, 1), stored.Key);
        Assert.Equal("application/x-ndjson", stored.ContentType);
        Assert.Equal("gzip", stored.ContentEncoding);
        Assert.Equal(32, stored.Metadata["x-amz-meta-hl-token"].Length);
        Assert.Equal(Enumerable.Range(0, 5), stored.Entries.Select(Index));
        Assert.Equal(stored.Size, sink.BytesWritten);
        Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(4));
    }

    [Fact]
    public async Task Size_limit_rolls_to_new_objects_and_keeps_every_entry_exactly_once()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var client = s3.Client();
        await using var sink = TestSinks.Create(client, bucket, o =>
        {
            o.Compression = S3Compression.None;
            o.MaxObjectBytes = 16 * 1024;
        });

        await sink.WriteAsync(Some.Batch(0, 1000, padding: 50), Ct);
        await sink.FlushAsync(Ct);

        var objects = await Archive.ReadAsync(client, bucket, Ct);
        Assert.True(objects.Count >= 8, $"expected several objects, got {objects.Count}");
        Assert.All(objects, o => Assert.InRange(o.Size, 1, (16 * 1024) + 1024));
        Assert.Equal(Enumerable.Range(0, 1000), objects.OrderBy(o => o.Key, StringComparer.Ordinal).SelectMany(o => o.Entries).Select(Index));
        Assert.Equal(objects.Count, sink.ObjectsStored);
    }

    [Fact]
    public async Task Object_larger_than_a_part_is_uploaded_in_parts_and_reads_back_whole()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var client = s3.Client();
        await using var sink = TestSinks.Create(client, bucket, o =>
        {
            o.Compression = S3Compression.None; // 11 MiB of log lines gzip to under one part
            o.MaxObjectBytes = 64L * 1024 * 1024;
        });

        // Eleven batches into one object: it spans them, and its parts go up as they fill.
        var batches = Enumerable.Range(0, 11).Select(b => Some.Batch(b * 1000, 1000, padding: 1000)).ToList();
        foreach (var batch in batches)
        {
            await sink.WriteAsync(batch, Ct);
        }

        Assert.Equal(11_000, sink.OpenRecords);
        Assert.Equal(LogRecordOutcome.Deferred, batches[0].GetOutcome(0));
        await sink.FlushAsync(Ct);

        var stored = Assert.Single(await Archive.ReadAsync(client, bucket, Ct));
        Assert.True(stored.Size > 2L * S3SinkOptions.MinPartSizeBytes, $"object of {stored.Size} bytes");
        Assert.Equal(Enumerable.Range(0, 11_000), stored.Entries.Select(Index));
        Assert.Equal(1, sink.MultipartObjectsStored);
        Assert.All(batches, b => Assert.Equal(LogRecordOutcome.Written, b.GetOutcome(999)));
    }

    [Fact]
    public async Task Zstd_objects_decompress_to_the_same_lines()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var client = s3.Client();
        await using var sink = TestSinks.Create(client, bucket, o => o.Compression = S3Compression.Zstd);

        await sink.WriteAsync(Some.Batch(0, 200), Ct);
        await sink.FlushAsync(Ct);

        var stored = Assert.Single(await Archive.ReadAsync(client, bucket, Ct));
        Assert.EndsWith(".ndjson.zst", stored.Key, StringComparison.Ordinal);
        Assert.Equal("zstd", stored.ContentEncoding);
        Assert.Equal(Enumerable.Range(0, 200), stored.Entries.Select(Index));
    }

    [Fact]
    public async Task Disposing_the_provider_stores_the_open_object_holding_the_pending_entries()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var client = s3.Client();
        var services = new ServiceCollection().AddSingleton<IAmazonS3>(client);
        services.AddLogging(logging => logging.AddHybridLogging(o => o.AddS3("archive", TestSinks.Configure(bucket))));
        HybridLoggerProvider provider;
        await using (var container = services.BuildServiceProvider())
        {
            provider = container.GetRequiredService<HybridLoggerProvider>();
            for (var i = 0; i < 500; i++)
            {
                provider.Write(Some.LogEntry(i));
            }

            // No flush: the entries reach the sink's open object (pending, a 5-minute age) before the container is disposed.
            await Poll.UntilAsync(() => Assert.Single(provider.GetStats().Sinks).Deferred == 500, Ct);
            Assert.Empty(await Archive.ReadAsync(client, bucket, Ct));
        }

        var objects = await Archive.ReadAsync(client, bucket, Ct);
        Assert.Equal(Enumerable.Range(0, 500), objects.SelectMany(o => o.Entries).Select(Index).Order());
        var stats = Assert.Single(provider.GetStats().Sinks);
        Assert.Equal(500, stats.Written);
        Assert.Equal(0, stats.Deferred + stats.Failed + stats.Dropped);
    }

    private static int Index(JsonElement entry) => entry.GetProperty("properties").GetProperty("Index").GetInt32();
}
