using System.Text.Json;
using Amazon.S3;
using HybridLogging.Sinks.S3.Tests.Kit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.S3.Tests;

/// <summary>
/// Failures between the sink and S3, injected by a proxy in front of s3rver that also answers 412 to conditional
/// writes on existing keys (s3rver ignores If-None-Match): nothing is lost, nothing is stored twice, no existing object
/// is overwritten.
/// </summary>
public sealed class S3SinkFaultTests(S3rverFixture s3) : IAsyncLifetime
{
    private S3Proxy _proxy = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _proxy = await S3Proxy.StartAsync(s3.BaseUri);

    public async ValueTask DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task Injected_server_errors_and_connection_resets_lose_no_entry_and_store_no_object_twice()
    {
        const int count = 3_000;
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        var writes = 0;
        // Per cycle of ten object writes: three failures in a row (the SDK's three attempts give up, the sink hands the
        // records back, the pipeline retries them), then a failure, a store whose response is lost (the SDK's retry
        // gets 412 and the token proves the object is ours), and clean writes.
        _proxy.Faults = request => !request.IsObjectWrite ? ProxyFault.None : (Interlocked.Increment(ref writes) % 10) switch
        {
            1 => ProxyFault.ServerError,
            2 => ProxyFault.ResetBeforeForward,
            3 => ProxyFault.SlowDown,
            4 => ProxyFault.ServerError,
            5 => ProxyFault.ResetAfterForward,
            _ => ProxyFault.None,
        };
        var services = new ServiceCollection().AddSingleton<IAmazonS3>(viaProxy);
        services.AddLogging(logging => logging.AddHybridLogging(o => o.AddS3(
            "archive",
            TestSinks.Configure(bucket),
            d =>
            {
                d.BatchSize = 100; // many objects, so many faults
                d.FlushInterval = TimeSpan.FromMilliseconds(50);
                d.MaxRetries = 10;
                d.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
                d.FullMode = QueueFullMode.Block;
            })));
        await using (var container = services.BuildServiceProvider())
        {
            var provider = container.GetRequiredService<HybridLoggerProvider>();
            for (var i = 0; i < count; i++)
            {
                provider.Write(Some.LogEntry(i));
            }

            await provider.FlushAsync(Ct);
            var stats = Assert.Single(provider.GetStats().Sinks);
            Assert.Equal(count, stats.Written);
            Assert.Equal(0, stats.Failed + stats.Dropped);
            Assert.True(stats.Retried > 0, "the pipeline retried nothing");
        }

        // Two cycles or more (the pipeline's batches hold whole dispatcher chunks, so there are fewer objects than count / 100).
        Assert.True(writes >= 20, $"only {writes} object writes were made");
        var objects = await Archive.ReadAsync(direct, bucket, Ct);
        var indices = objects.SelectMany(o => o.Entries).Select(Index).ToList();
        Assert.Equal(count, indices.Count); // a duplicate object would add entries
        Assert.Equal(Enumerable.Range(0, count), indices.Order());
    }

    [Fact]
    public async Task Existing_key_is_never_overwritten_and_the_sink_moves_to_the_next_sequence_number()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        var taken = TestSinks.Key(Some.Time, 1);
        await direct.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = taken, ContentBody = "someone else's", UseChunkEncoding = false }, Ct);
        await using var sink = TestSinks.Create(viaProxy, bucket);

        var batch = Some.Batch(0, 10);
        await sink.WriteAsync(batch, Ct);

        var objects = (await Archive.ReadAsync(direct, bucket, Ct)).ToDictionary(o => o.Key);
        Assert.Equal(["someone else's"], objects[taken].Lines);
        Assert.Equal(Enumerable.Range(0, 10), objects[TestSinks.Key(Some.Time, 2)].Entries.Select(Index));
        Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(0));
        Assert.Contains(_proxy.Requests, r => r.IsObjectWrite && r.Headers.GetValueOrDefault("If-None-Match") == "*");
    }

    [Fact]
    public async Task Response_lost_after_the_object_was_stored_is_recognised_by_its_token_and_not_stored_again()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        var writes = 0;
        _proxy.Faults = r => r.IsObjectWrite && Interlocked.Increment(ref writes) == 1 ? ProxyFault.ResetAfterForward : ProxyFault.None;
        await using var sink = TestSinks.Create(viaProxy, bucket);

        var batch = Some.Batch(0, 10);
        await sink.WriteAsync(batch, Ct);

        // The SDK retried the PUT, S3 answered 412, and the token in the stored object's metadata is ours.
        var stored = Assert.Single(await Archive.ReadAsync(direct, bucket, Ct));
        Assert.Equal(TestSinks.Key(Some.Time, 1), stored.Key);
        Assert.Equal(Enumerable.Range(0, 10), stored.Entries.Select(Index));
        Assert.Equal(2, writes);
        Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(9));
    }

    [Fact]
    public async Task Records_handed_back_after_an_unknown_outcome_reuse_the_key_and_are_not_stored_twice()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        var failing = true;
        // Every try of the first write is stored and then reset, so the SDK gives up and the sink hands the records back.
        _proxy.Faults = r => r.IsObjectWrite && Volatile.Read(ref failing) ? ProxyFault.ResetAfterForward : ProxyFault.None;
        _proxy.EnforceIfNoneMatch = false;
        await using var sink = TestSinks.Create(viaProxy, bucket);

        var first = Some.Batch(0, 10);
        await sink.WriteAsync(first, Ct);
        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal(LogRecordOutcome.Retry, first.GetOutcome(i)));
        Assert.Equal("network", first.GetReason(0));

        Volatile.Write(ref failing, false);
        _proxy.EnforceIfNoneMatch = true;
        var retry = Some.Batch(0, 10); // the pipeline's retry: the same records
        await sink.WriteAsync(retry, Ct);

        var stored = Assert.Single(await Archive.ReadAsync(direct, bucket, Ct));
        Assert.Equal(TestSinks.Key(Some.Time, 1), stored.Key);
        Assert.Equal(Enumerable.Range(0, 10), stored.Entries.Select(Index));
        Assert.Equal(LogRecordOutcome.Written, retry.GetOutcome(0));
    }

    [Fact]
    public async Task Conditional_request_conflict_409_is_retried_on_the_same_key()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        var writes = 0;
        _proxy.Faults = r => r.IsObjectWrite && Interlocked.Increment(ref writes) <= 2 ? ProxyFault.Conflict : ProxyFault.None;
        await using var sink = TestSinks.Create(viaProxy, bucket);

        var batch = Some.Batch(0, 3);
        await sink.WriteAsync(batch, Ct);

        var stored = Assert.Single(await Archive.ReadAsync(direct, bucket, Ct));
        Assert.Equal(TestSinks.Key(Some.Time, 1), stored.Key);
        Assert.Equal(3, writes);
        Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(0));
    }

    [Fact]
    public async Task Records_of_stored_objects_count_as_written_and_the_rest_of_the_batch_is_handed_back_for_retry()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        var writes = 0;
        _proxy.Faults = r => r.IsObjectWrite && Interlocked.Increment(ref writes) > 1 ? ProxyFault.AccessDenied : ProxyFault.None;
        await using var sink = TestSinks.Create(viaProxy, bucket, o =>
        {
            o.Compression = S3Compression.None;
            o.MaxObjectBytes = 4096;
        });

        var batch = Some.Batch(0, 200, padding: 40);
        await sink.WriteAsync(batch, Ct);

        var stored = Assert.Single(await Archive.ReadAsync(direct, bucket, Ct));
        var storedIndices = stored.Entries.Select(Index).ToList();
        Assert.Equal(Enumerable.Range(0, storedIndices.Count), storedIndices);
        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(i < storedIndices.Count ? LogRecordOutcome.Written : LogRecordOutcome.Retry, batch.GetOutcome(i));
        }

        Assert.Equal("rejected", batch.GetReason(199));
        Assert.Equal(200 - storedIndices.Count, sink.EntriesNotStored);
    }

    [Fact]
    public async Task Failed_multipart_upload_is_aborted_so_no_parts_are_left_behind()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        _proxy.Faults = r => r.IsComplete ? ProxyFault.AccessDenied : ProxyFault.None;
        await using var sink = TestSinks.Create(viaProxy, bucket, o => o.Compression = S3Compression.None);

        var batch = Some.Batch(0, 6_000, padding: 1000);
        await sink.WriteAsync(batch, Ct);

        var requests = _proxy.Requests.ToList();
        Assert.Contains(requests, r => r.IsInitiate);
        Assert.Contains(requests, r => r.IsPartUpload);
        var abort = Assert.Single(requests, r => r.IsAbort);
        var complete = requests.First(r => r.IsComplete);
        Assert.Equal(complete.Query, abort.Query);
        Assert.Equal(LogRecordOutcome.Retry, batch.GetOutcome(0));
    }

    [Fact]
    public async Task Multipart_object_whose_key_is_taken_at_completion_is_aborted_and_written_under_the_next_key()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        var taken = TestSinks.Key(Some.Time, 1).Replace(".gz", string.Empty, StringComparison.Ordinal);
        await direct.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = taken, ContentBody = "theirs", UseChunkEncoding = false }, Ct);
        await using var sink = TestSinks.Create(viaProxy, bucket, o => o.Compression = S3Compression.None);

        var batch = Some.Batch(0, 6_000, padding: 1000);
        await sink.WriteAsync(batch, Ct);

        var objects = (await Archive.ReadAsync(direct, bucket, Ct)).ToDictionary(o => o.Key);
        Assert.Equal(["theirs"], objects[taken].Lines);
        Assert.Equal(Enumerable.Range(0, 6_000), objects[taken.Replace("000001", "000002", StringComparison.Ordinal)].Entries.Select(Index));
        Assert.Single(_proxy.Requests, r => r.IsAbort);
        Assert.Equal(2, _proxy.Requests.Count(r => r.IsComplete));
        Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(5_999));
        Assert.Equal(1, sink.MultipartObjectsStored);
    }

    [Fact]
    public async Task Multipart_completion_whose_response_is_lost_is_recognised_as_stored()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        var completes = 0;
        _proxy.Faults = r => r.IsComplete && Interlocked.Increment(ref completes) == 1 ? ProxyFault.ResetAfterForward : ProxyFault.None;
        await using var sink = TestSinks.Create(viaProxy, bucket, o => o.Compression = S3Compression.None);

        var batch = Some.Batch(0, 6_000, padding: 1000);
        await sink.WriteAsync(batch, Ct);

        var stored = Assert.Single(await Archive.ReadAsync(direct, bucket, Ct));
        Assert.Equal(Enumerable.Range(0, 6_000), stored.Entries.Select(Index));
        Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(0));
        Assert.DoesNotContain(_proxy.Requests, r => r.IsAbort);
        var parts = _proxy.Requests.Where(r => r.IsPartUpload).ToList();
        Assert.Equal(2, parts.Count); // about 6.2 MiB: one full part and the rest
        Assert.True(parts[0].Body.Length >= S3SinkOptions.MinPartSizeBytes, $"first part of {parts[0].Body.Length} bytes");
    }

    [Fact]
    public async Task Write_cancelled_during_a_multipart_upload_returns_promptly_aborts_it_and_hands_the_records_back()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _proxy.Faults = r =>
        {
            if (!r.IsPartUpload)
            {
                return ProxyFault.None;
            }

            stalled.TrySetResult();
            return ProxyFault.Hang;
        };
        await using var sink = TestSinks.Create(viaProxy, bucket, o => o.Compression = S3Compression.None);
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var batch = Some.Batch(0, 6_000, padding: 1000);
        var write = sink.WriteAsync(batch, shutdown.Token).AsTask();
        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await shutdown.CancelAsync();
        await write.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        Assert.All(Enumerable.Range(0, 6_000), i => Assert.Equal(LogRecordOutcome.Retry, batch.GetOutcome(i)));
        Assert.Equal("cancelled", batch.GetReason(0));
        Assert.Single(_proxy.Requests, r => r.IsAbort);
        Assert.Empty(await Archive.ReadAsync(direct, bucket, Ct));
        Assert.Equal(6_000, sink.EntriesNotStored);
    }

    private static int Index(JsonElement entry) => entry.GetProperty("properties").GetProperty("Index").GetInt32();
}
