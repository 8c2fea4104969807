using System.Text;
using Amazon.S3;
using HybridLogging.Sinks.S3.Internal.Sink;
using HybridLogging.Sinks.S3.Tests.Kit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.S3.Tests;

/// <summary>
/// Parts and closed objects upload in the background: the proxy in front of s3rver holds part uploads until the test
/// releases them, so what the sink does meanwhile is observed, not timed. Writes return while parts upload, wait only at
/// the bound of pending uploads, and every entry is still stored once, or failed with its object.
/// </summary>
public sealed class S3SinkBackgroundUploadTests(S3rverFixture s3) : IAsyncLifetime
{
    private const int PartSize = S3SinkOptions.MinPartSizeBytes;

    private readonly SemaphoreSlim _release = new(0);
    private S3Proxy _proxy = null!;
    private int _partsArrived;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _proxy = await S3Proxy.StartAsync(s3.BaseUri);

        // Every part upload waits for a permit (an abandoned request stops waiting).
        _proxy.Hold = async (r, ct) =>
        {
            if (r.IsPartUpload)
            {
                Interlocked.Increment(ref _partsArrived);
                await _release.WaitAsync(ct);
            }
        };
    }

    public async ValueTask DisposeAsync()
    {
        _release.Release(1_000);
        await _proxy.DisposeAsync();
        _release.Dispose();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Writes_return_while_parts_upload_keep_compressing_and_wait_only_when_the_bound_of_uploads_runs(int bound)
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        await using var sink = TestSinks.Create(viaProxy, bucket, o =>
        {
            MultipartObjects(o);
            o.MaxPendingUploads = bound;
        });
        var batches = new List<LogRecordBatch>();

        // Each write returns although its part is held, and the next batch is compressed meanwhile.
        await WriteUntilAsync(sink, batches, () => sink.PendingUploadCount == 1);
        await Poll.UntilAsync(() => Volatile.Read(ref _partsArrived) == 1, Ct);
        var openAtFirstPart = sink.OpenRecords;
        await WriteAsync(sink, batches);
        Assert.True(sink.OpenRecords > openAtFirstPart, "no entries were compressed while the first part uploaded");
        await WriteUntilAsync(sink, batches, () => sink.PendingUploadCount == bound);
        Assert.Equal(0, sink.UploadWaits);

        // The next full part finds the bound of uploads running: that write waits until one ends.
        var blocked = Task.Run(() => WriteUntilAsync(sink, batches, () => sink.PendingUploadCount == bound && sink.UploadWaits == 1), Ct);
        await Poll.UntilAsync(() => sink.UploadWaits == 1, Ct);
        Assert.False(blocked.IsCompleted, "the write at the bound did not wait");
        Assert.Empty(await Archive.ReadAsync(direct, bucket, Ct));
        _release.Release();
        await blocked.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        _release.Release(1_000);
        await sink.FlushAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var stored = Assert.Single(await Archive.ReadAsync(direct, bucket, Ct));
        Assert.Equal(batches.SelectMany(Lines), stored.Lines);
        Assert.All(batches, b => Assert.All(Enumerable.Range(0, b.Count), i => Assert.Equal(LogRecordOutcome.Written, b.GetOutcome(i))));
        Assert.Equal(1, sink.MultipartObjectsStored);
        Assert.Equal(0, sink.PendingUploadCount);

        // The bound's parts uploading, one more waiting for room, and less than a record filling the next.
        var largestRecord = batches.Max(b => Enumerable.Range(0, b.Count).Max(i => b[i].Bytes.Length));
        Assert.InRange(sink.MaxBufferedBytes, (bound + 1L) * PartSize, ((bound + 1L) * PartSize) + largestRecord);
    }

    [Fact]
    public async Task Failed_background_part_fails_every_entry_of_its_object_aborts_its_upload_and_later_objects_are_stored()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri, maxErrorRetry: 0);
        _proxy.Faults = r => r.IsPartUpload && r.Path.Contains("-000001.", StringComparison.Ordinal) ? ProxyFault.ServerError : ProxyFault.None;
        await using var sink = TestSinks.Create(viaProxy, bucket, o =>
        {
            MultipartObjects(o);
            o.UploadRetries = 1;
        });
        var first = new List<LogRecordBatch>();

        // The first object's part is held; two more batches go into the object after it was handed off.
        await WriteUntilAsync(sink, first, () => sink.PendingUploadCount == 1);
        await WriteAsync(sink, first);
        await WriteAsync(sink, first);
        var inFirstObject = sink.OpenRecords;
        Assert.Equal(first.Sum(b => b.Count), inFirstObject);

        // Released, the part is answered 500 until the sink's retries are spent: the object is given up at once.
        _release.Release(1_000);
        await Poll.UntilAsync(() => sink.EntriesFailed == inFirstObject, Ct);
        Assert.All(first, b => Assert.All(Enumerable.Range(0, b.Count), i => Assert.Equal(LogRecordOutcome.Failed, b.GetOutcome(i))));
        Assert.All(first, b => Assert.Equal("serverError", b.GetReason(b.Count - 1)));
        var abort = Assert.Single(_proxy.Requests, r => r.IsAbort);
        Assert.Contains("-000001.", abort.Path, StringComparison.Ordinal);
        Assert.Contains(_proxy.Requests, r => r.IsPartUpload && r.Query.Contains(UploadId(abort), StringComparison.Ordinal));

        var later = new List<LogRecordBatch>();
        await WriteUntilAsync(sink, later, () => sink.PendingUploadCount >= 1);
        await sink.FlushAsync(Ct);

        var stored = Assert.Single(await Archive.ReadAsync(direct, bucket, Ct));
        Assert.Contains("-000002.", stored.Key, StringComparison.Ordinal);
        Assert.Equal(later.SelectMany(Lines), stored.Lines);
        Assert.All(later, b => Assert.Equal(LogRecordOutcome.Written, b.GetOutcome(b.Count - 1)));
        Assert.Equal(inFirstObject, sink.EntriesFailed);
    }

    [Fact]
    public async Task Flush_with_uploads_in_flight_completes_only_after_they_are_stored()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        await using var sink = TestSinks.Create(viaProxy, bucket, MultipartObjects);
        var batches = new List<LogRecordBatch>();
        await WriteUntilAsync(sink, batches, () => sink.PendingUploadCount == 1);

        // The flush closes the object and hands its last part and completion off; it cannot end while a part is held.
        var flush = sink.FlushAsync(Ct).AsTask();
        await Poll.UntilAsync(() => sink.OpenRecords == 0, Ct);
        Assert.False(flush.IsCompleted, "the flush ended before the held part was stored");
        Assert.Empty(await Archive.ReadAsync(direct, bucket, Ct));

        _release.Release(1_000);
        await flush.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var stored = Assert.Single(await Archive.ReadAsync(direct, bucket, Ct));
        Assert.Equal(batches.SelectMany(Lines), stored.Lines);
        Assert.All(batches, b => Assert.Equal(LogRecordOutcome.Written, b.GetOutcome(b.Count - 1)));
        Assert.Equal(0, sink.PendingUploadCount);
    }

    [Fact]
    public async Task Shutdown_with_a_part_upload_that_never_ends_counts_every_entry_and_leaves_no_upload_behind()
    {
        const int count = 6_000; // about 6.6 MB: one full part, held, and the rest in the open object
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        var services = new ServiceCollection().AddSingleton<IAmazonS3>(viaProxy);
        services.AddLogging(logging => logging.AddHybridLogging(o =>
        {
            o.ShutdownTimeout = TimeSpan.FromSeconds(1);
            o.AddS3("archive", TestSinks.Configure(bucket, x => x.Compression = S3Compression.None), d => d.FlushInterval = TimeSpan.FromMilliseconds(50));
        }));
        HybridLoggerProvider provider;
        await using (var container = services.BuildServiceProvider())
        {
            provider = container.GetRequiredService<HybridLoggerProvider>();
            for (var i = 0; i < count; i++)
            {
                provider.Write(Some.LogEntry(i, padding: 1000));
            }

            await Poll.UntilAsync(() => Volatile.Read(ref _partsArrived) == 1 && Assert.Single(provider.GetStats().Sinks).Deferred == count, Ct);
        }

        // Received = written + dropped + failed: nothing left pending, whoever settled it (the sink or the pipeline).
        var stats = Assert.Single(provider.GetStats().Sinks);
        Assert.Equal((long)count, stats.Received);
        Assert.Equal(stats.Received, stats.Written + stats.Dropped + stats.Failed);
        Assert.Equal((0L, 0L), (stats.Pending, stats.Deferred));
        Assert.Equal((long)count, stats.Failed);
        Assert.All(stats.FailedByReason.Keys, reason => Assert.Contains(reason, new[] { "cancelled", "unsettled" }));

        // The held part was cancelled; the multipart upload is aborted once it ended, and nothing was stored.
        await Poll.UntilAsync(() => _proxy.Requests.Any(r => r.IsAbort), Ct, TimeSpan.FromSeconds(15));
        Assert.Empty(await Archive.ReadAsync(direct, bucket, Ct));
    }

    [Fact]
    public async Task Dispose_without_flush_waits_for_a_closed_objects_upload_and_gives_up_only_the_open_object()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        var putArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var putReleased = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _proxy.Hold = async (r, ct) =>
        {
            if (r.IsObjectWrite)
            {
                putArrived.TrySetResult();
                await putReleased.Task.WaitAsync(ct);
            }
        };
        var sink = TestSinks.Create(viaProxy, bucket);
        var first = Some.Batch(0, 50);
        var second = Some.Batch(Enumerable.Range(50, 50).Select(i => Some.LogEntry(i, Some.Time.AddHours(1).AddMilliseconds(i))), 50);

        // The change of hour closes the first object; its upload is held while the second object is open.
        await sink.WriteAsync(first, Ct);
        await sink.WriteAsync(second, Ct);
        await putArrived.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        var dispose = sink.DisposeAsync().AsTask();
        putReleased.SetResult();
        await dispose.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        // The upload in flight was waited for and settled its entries; the open one, never flushed, is given up.
        var stored = Assert.Single(await Archive.ReadAsync(direct, bucket, Ct));
        Assert.Equal(TestSinks.Key(Some.Time, 1), stored.Key);
        Assert.All(Enumerable.Range(0, 50), i => Assert.Equal(LogRecordOutcome.Written, first.GetOutcome(i)));
        Assert.All(Enumerable.Range(0, 50), i => Assert.Equal(LogRecordOutcome.Failed, second.GetOutcome(i)));
        Assert.Equal("disposed", second.GetReason(0));
        Assert.Equal(50, sink.EntriesFailed);
    }

    /// <summary>One object of many parts: no compression (every byte counts), 64 MiB objects.</summary>
    private static void MultipartObjects(S3SinkOptions o)
    {
        o.Compression = S3Compression.None;
        o.MaxObjectBytes = 64L * 1024 * 1024;
    }

    /// <summary>Writes batches of about 1.1 MB until <paramref name="done"/>; each write must return within seconds.</summary>
    private static async Task WriteUntilAsync(S3Sink sink, List<LogRecordBatch> batches, Func<bool> done)
    {
        for (var n = 0; !done(); n++)
        {
            Assert.True(n < 40, "the condition was not reached");
            await WriteAsync(sink, batches);
        }
    }

    private static async Task WriteAsync(S3Sink sink, List<LogRecordBatch> batches)
    {
        var from = batches.Sum(b => b.Count);
        var batch = Some.Batch(from, 1_000, padding: 1000);
        batches.Add(batch);
        await sink.WriteAsync(batch, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(15), Ct);
    }

    /// <summary>The JSON lines of a batch's records, as written (without their newline).</summary>
    private static IEnumerable<string> Lines(LogRecordBatch batch) =>
        Enumerable.Range(0, batch.Count).Select(i => Encoding.UTF8.GetString(batch[i].Bytes.Span).TrimEnd('\n'));

    private static string UploadId(ProxiedRequest request) =>
        request.Query.Split('&').Single(p => p.TrimStart('?').StartsWith("uploadId=", StringComparison.Ordinal)).TrimStart('?');
}
