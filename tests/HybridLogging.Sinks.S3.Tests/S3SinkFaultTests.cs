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
        // Per cycle of ten object writes: three failures in a row (the SDK's three attempts give up, the sink retries the
        // object under the same key), then a failure, a store whose response is lost (the SDK's retry gets 412 and the
        // token proves the object is ours), and clean writes.
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
            TestSinks.Configure(bucket, x =>
            {
                // Many small objects, so many faults.
                x.Compression = S3Compression.None;
                x.MaxObjectBytes = 8 * 1024;
            }),
            d =>
            {
                d.BatchSize = 100;
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
            Assert.True(stats.Counters.GetValueOrDefault("uploadRetries") > 0, "the sink retried no upload");
            Assert.Equal(0, stats.Deferred);
        }

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
        await sink.FlushAsync(Ct);

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
        await sink.FlushAsync(Ct);

        // The SDK retried the PUT, S3 answered 412, and the token in the stored object's metadata is ours.
        var stored = Assert.Single(await Archive.ReadAsync(direct, bucket, Ct));
        Assert.Equal(TestSinks.Key(Some.Time, 1), stored.Key);
        Assert.Equal(Enumerable.Range(0, 10), stored.Entries.Select(Index));
        Assert.Equal(2, writes);
        Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(9));
    }

    [Fact]
    public async Task Object_whose_upload_fails_after_an_unknown_outcome_is_retried_by_the_sink_under_the_same_key_and_stored_once()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        var writes = 0;
        // The first try is stored and its response lost, the SDK's two retries are reset before they arrive, so the SDK
        // gives up; the sink's own retry uses the same key and token, gets 412, and recognises its object.
        _proxy.Faults = r => !r.IsObjectWrite ? ProxyFault.None : Interlocked.Increment(ref writes) switch
        {
            1 => ProxyFault.ResetAfterForward,
            2 or 3 => ProxyFault.ResetBeforeForward,
            _ => ProxyFault.None,
        };
        await using var sink = TestSinks.Create(viaProxy, bucket);

        var batch = Some.Batch(0, 10);
        await sink.WriteAsync(batch, Ct);
        await sink.FlushAsync(Ct);

        var stored = Assert.Single(await Archive.ReadAsync(direct, bucket, Ct));
        Assert.Equal(TestSinks.Key(Some.Time, 1), stored.Key);
        Assert.Equal(Enumerable.Range(0, 10), stored.Entries.Select(Index));
        Assert.Equal(4, writes);
        Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(0));
        Assert.Equal(0, sink.EntriesFailed);
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
        await sink.FlushAsync(Ct);

        var stored = Assert.Single(await Archive.ReadAsync(direct, bucket, Ct));
        Assert.Equal(TestSinks.Key(Some.Time, 1), stored.Key);
        Assert.Equal(3, writes);
        Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(0));
    }

    [Fact]
    public async Task Rejected_object_fails_its_entries_while_stored_objects_stay_written_and_the_rest_of_the_batch_goes_back_for_retry()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        // Every object but the first is refused (by key: objects upload side by side, so arrival order is not theirs).
        _proxy.Faults = r => r.IsObjectWrite && !r.Path.Contains("-000001.", StringComparison.Ordinal) ? ProxyFault.AccessDenied : ProxyFault.None;
        await using var sink = TestSinks.Create(viaProxy, bucket, o =>
        {
            o.Compression = S3Compression.None;
            o.MaxObjectBytes = 4096;
        });

        var batch = Some.Batch(0, 200, padding: 40);
        await sink.WriteAsync(batch, Ct);
        await sink.FlushAsync(Ct); // settles the objects stored (or refused) in the background

        var stored = Assert.Single(await Archive.ReadAsync(direct, bucket, Ct));
        var storedCount = stored.Entries.Count();
        Assert.Equal(Enumerable.Range(0, storedCount), stored.Entries.Select(Index));
        var outcomes = Enumerable.Range(0, 200).Select(batch.GetOutcome).ToList();
        var failed = outcomes.Count(o => o == LogRecordOutcome.Failed);

        // Written (the stored object), failed (the rejected object: a 403 is not retried), then handed back (not compressed yet).
        Assert.Equal(
            Enumerable.Repeat(LogRecordOutcome.Written, storedCount)
                .Concat(Enumerable.Repeat(LogRecordOutcome.Failed, failed))
                .Concat(Enumerable.Repeat(LogRecordOutcome.Retry, 200 - storedCount - failed)),
            outcomes);
        Assert.True(failed > 0 && storedCount + failed < 200, $"{storedCount} stored, {failed} failed");
        Assert.Equal("rejected", batch.GetReason(storedCount));
        Assert.Equal("rejected", batch.GetReason(199));
        Assert.Equal(failed, sink.EntriesFailed);
        var writes = _proxy.Requests.Where(r => r.IsObjectWrite).ToList();
        Assert.Equal(writes.Count, writes.Select(r => r.Path).Distinct().Count()); // a rejection is final: no retry
        Assert.True(writes.Count >= 2, $"{writes.Count} object writes");
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
        await sink.FlushAsync(Ct);

        var requests = _proxy.Requests.ToList();
        Assert.Contains(requests, r => r.IsInitiate);
        Assert.Contains(requests, r => r.IsPartUpload);
        var abort = Assert.Single(requests, r => r.IsAbort);
        var complete = requests.First(r => r.IsComplete);
        Assert.Equal(complete.Query, abort.Query);
        Assert.Equal(LogRecordOutcome.Failed, batch.GetOutcome(0));
        Assert.Equal("rejected", batch.GetReason(5_999));
    }

    [Fact]
    public async Task Multipart_object_whose_key_is_taken_is_written_under_the_next_key_checked_before_its_parts_are_sent()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        var taken = TestSinks.Key(Some.Time, 1).Replace(".gz", string.Empty, StringComparison.Ordinal);
        await direct.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = taken, ContentBody = "theirs", UseChunkEncoding = false }, Ct);
        await using var sink = TestSinks.Create(viaProxy, bucket, o => o.Compression = S3Compression.None);

        var batch = Some.Batch(0, 6_000, padding: 1000);
        await sink.WriteAsync(batch, Ct);
        await sink.FlushAsync(Ct);

        var objects = (await Archive.ReadAsync(direct, bucket, Ct)).ToDictionary(o => o.Key);
        Assert.Equal(["theirs"], objects[taken].Lines);
        Assert.Equal(Enumerable.Range(0, 6_000), objects[taken.Replace("000001", "000002", StringComparison.Ordinal)].Entries.Select(Index));
        Assert.DoesNotContain(_proxy.Requests, r => r.IsAbort);
        Assert.Single(_proxy.Requests, r => r.IsInitiate);
        Assert.Single(_proxy.Requests, r => r.IsComplete);
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
        await sink.FlushAsync(Ct);

        var stored = Assert.Single(await Archive.ReadAsync(direct, bucket, Ct));
        Assert.Equal(Enumerable.Range(0, 6_000), stored.Entries.Select(Index));
        Assert.Equal(LogRecordOutcome.Written, batch.GetOutcome(0));
        Assert.DoesNotContain(_proxy.Requests, r => r.IsAbort);
        // By part number: the parts of an object upload side by side, so they may arrive in any order.
        var parts = _proxy.Requests.Where(r => r.IsPartUpload).OrderBy(PartNumber).ToList();
        Assert.Equal(2, parts.Count); // about 6.2 MiB: one full part and the rest
        Assert.True(parts[0].Body.Length >= S3SinkOptions.MinPartSizeBytes, $"first part of {parts[0].Body.Length} bytes");
    }

    [Fact]
    public async Task Shutdown_cancelling_a_background_part_upload_aborts_it_and_fails_every_entry_of_its_object()
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

        // The write hands its full part to the background and returns while S3 does not answer.
        var batch = Some.Batch(0, 6_000, padding: 1000);
        await sink.WriteAsync(batch, shutdown.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(15), Ct);
        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(LogRecordOutcome.Deferred, batch.GetOutcome(0));

        // The destination's shutdown gives up (the token of the call that handed the part off): the part is cancelled,
        // and the still open object is given up with it, its entries compressed after the part included.
        await shutdown.CancelAsync();
        await Poll.UntilAsync(() => sink.EntriesFailed == 6_000, Ct, TimeSpan.FromSeconds(15));

        Assert.All(Enumerable.Range(0, 6_000), i => Assert.Equal(LogRecordOutcome.Failed, batch.GetOutcome(i)));
        Assert.All(Enumerable.Range(0, 6_000), i => Assert.Equal("cancelled", batch.GetReason(i)));
        Assert.Single(_proxy.Requests, r => r.IsAbort);
        Assert.Empty(await Archive.ReadAsync(direct, bucket, Ct));
        Assert.Equal(0, sink.OpenRecords);
    }

    private static int PartNumber(ProxiedRequest request) => int.Parse(
        request.Query.TrimStart('?').Split('&').Single(p => p.StartsWith("partNumber=", StringComparison.Ordinal))["partNumber=".Length..],
        System.Globalization.CultureInfo.InvariantCulture);

    private static int Index(JsonElement entry) => entry.GetProperty("properties").GetProperty("Index").GetInt32();
}
