using System.Text.Json;
using Amazon.S3;
using HybridLogging.Sinks.S3.Tests.Kit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace HybridLogging.Sinks.S3.Tests;

/// <summary>
/// The open object's life across batches: its entries are pending (deferred) until it is stored, and it is stored when
/// it grows past its size, ages past its age (a fake clock, with no new entries), the hour of the entries changes, or the
/// pipeline flushes; its compressed bytes stay within one part.
/// </summary>
public sealed class S3SinkLifecycleTests(S3rverFixture s3)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Object_spans_batches_and_its_entries_stay_pending_until_it_is_stored()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var client = s3.Client();
        await using var sink = TestSinks.Create(client, bucket);

        var batches = Enumerable.Range(0, 3).Select(b => Some.Batch(b * 100, 100)).ToList();
        foreach (var batch in batches)
        {
            await sink.WriteAsync(batch, Ct);
        }

        Assert.Equal(300, sink.OpenRecords);
        Assert.All(batches, b => Assert.Equal(LogRecordOutcome.Deferred, b.GetOutcome(99)));
        Assert.Empty(await Archive.ReadAsync(client, bucket, Ct));

        await sink.FlushAsync(Ct);

        var stored = Assert.Single(await Archive.ReadAsync(client, bucket, Ct));
        Assert.Equal(Enumerable.Range(0, 300), stored.Entries.Select(Index));
        Assert.All(batches, b => Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(LogRecordOutcome.Written, b.GetOutcome(i))));
        Assert.Equal(0, sink.OpenRecords);
    }

    [Fact]
    public async Task Change_of_hour_stores_the_open_object_and_settles_the_earlier_batches_entries_as_written()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var client = s3.Client();
        await using var sink = TestSinks.Create(client, bucket);
        var first = Some.Batch(Enumerable.Range(0, 50).Select(i => Some.LogEntry(i)));
        var second = Some.Batch(Enumerable.Range(50, 50).Select(i => Some.LogEntry(i, Some.Time.AddHours(1).AddMilliseconds(i))), 50);

        await sink.WriteAsync(first, Ct);
        await sink.WriteAsync(second, Ct);
        await sink.UploadsSettledAsync(Ct);

        // The hour-21 object was closed when the first hour-22 entry arrived and stored in the background; the hour-22
        // one is still open.
        var stored = Assert.Single(await Archive.ReadAsync(client, bucket, Ct));
        Assert.Equal(TestSinks.Key(Some.Time, 1), stored.Key);
        Assert.Equal(LogRecordOutcome.Written, first.GetOutcome(49));
        Assert.Equal(LogRecordOutcome.Deferred, second.GetOutcome(0));
        Assert.Equal(50, sink.OpenRecords);
    }

    [Fact]
    public async Task Age_limit_driven_by_the_time_provider_stores_an_idle_object_and_its_pending_entries_become_written()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var client = s3.Client();
        var clock = new FakeTimeProvider(TestSinks.Started);
        var services = new ServiceCollection().AddSingleton<IAmazonS3>(client).AddSingleton<TimeProvider>(clock);
        services.AddLogging(logging => logging.AddHybridLogging(o => o.AddS3(
            "archive", TestSinks.Configure(bucket, x => x.MaxObjectAge = TimeSpan.FromMinutes(5)), d => d.FlushInterval = TimeSpan.FromMilliseconds(50))));
        await using var container = services.BuildServiceProvider();
        var provider = container.GetRequiredService<HybridLoggerProvider>();
        for (var i = 0; i < 100; i++)
        {
            provider.Write(Some.LogEntry(i));
        }

        // In the sink's open object: received, pending (deferred), not written, nothing in the bucket.
        await Poll.UntilAsync(() => Stats(provider).Deferred == 100, Ct);
        var before = Stats(provider);
        Assert.Equal((100, 0, 100), (before.Received, before.Written, before.Pending));
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Empty(await Archive.ReadAsync(client, bucket, Ct));
        Assert.Equal(100, Stats(provider).Deferred);

        // No new entry: the sink's timer (on the same clock) stores the object once it is five minutes old.
        clock.Advance(TimeSpan.FromMinutes(1));
        await Poll.UntilAsync(() => Stats(provider).Written == 100, Ct);

        var after = Stats(provider);
        Assert.Equal((0, 0, 0L), (after.Deferred, after.Pending, after.Failed));
        var stored = Assert.Single(await Archive.ReadAsync(client, bucket, Ct));
        Assert.Equal(Enumerable.Range(0, 100), stored.Entries.Select(Index));
    }

    [Fact]
    public async Task Compressed_bytes_held_never_exceed_the_pending_uploads_parts_and_one_more_plus_one_record_however_large_the_object()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var client = s3.Client();
        await using var sink = TestSinks.Create(client, bucket, o =>
        {
            o.Compression = S3Compression.None; // every byte counts: no compressor to hide data in
            o.MaxObjectBytes = 64L * 1024 * 1024;
        });
        const int perBatch = 1_000;
        const int batches = 24; // about 24 MiB: one object of five parts
        const long bound = (2 + 1) * (long)S3SinkOptions.MinPartSizeBytes; // MaxPendingUploads (2) parts uploading, one filling

        var largestRecord = 0;
        for (var b = 0; b < batches; b++)
        {
            var batch = Some.Batch(b * perBatch, perBatch, padding: 1000);
            largestRecord = Math.Max(largestRecord, Enumerable.Range(0, batch.Count).Max(i => batch[i].Bytes.Length));
            await sink.WriteAsync(batch, Ct);
            Assert.InRange(sink.MaxBufferedBytes, 1, bound + largestRecord);
        }

        await sink.FlushAsync(Ct);

        Assert.InRange(sink.MaxBufferedBytes, S3SinkOptions.MinPartSizeBytes, bound + largestRecord);
        var stored = Assert.Single(await Archive.ReadAsync(client, bucket, Ct));
        Assert.True(stored.Size > 4L * S3SinkOptions.MinPartSizeBytes, $"object of {stored.Size} bytes");
        Assert.Equal(batches * perBatch, stored.Lines.Count);
        Assert.Equal(1, sink.MultipartObjectsStored);
    }

    private static SinkStats Stats(HybridLoggerProvider provider) => Assert.Single(provider.GetStats().Sinks);

    private static int Index(JsonElement entry) => entry.GetProperty("properties").GetProperty("Index").GetInt32();
}
