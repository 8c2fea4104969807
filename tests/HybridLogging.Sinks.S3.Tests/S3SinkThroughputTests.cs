using System.Diagnostics;
using System.Text.Json;
using Amazon.S3;
using HybridLogging.Sinks.S3.Tests.Kit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.S3.Tests;

/// <summary>
/// A measurement, not a timed assertion: entries per second that reach S3 when every object write and part upload takes
/// 200 ms (the proxy holds each one), and with no delay for reference, printed to the test output. It asserts only that
/// every entry is stored once.
/// </summary>
public sealed class S3SinkThroughputTests(S3rverFixture s3, ITestOutputHelper output) : IAsyncLifetime
{
    private S3Proxy _proxy = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _proxy = await S3Proxy.StartAsync(s3.BaseUri);

    public async ValueTask DisposeAsync() => await _proxy.DisposeAsync();

    [Theory]
    [InlineData(0, 2)]
    [InlineData(200, 2)]
    [InlineData(200, 4)]
    public async Task Entries_reach_S3_exactly_once_when_every_upload_takes_a_while_and_the_rate_is_printed(int uploadMilliseconds, int maxPendingUploads)
    {
        const int count = 25_000; // about 27 MB uncompressed: several objects of a 5 MiB part and a rest
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        _proxy.Hold = (r, ct) => uploadMilliseconds > 0 && (r.IsPartUpload || r.IsObjectWrite) ? Task.Delay(uploadMilliseconds, ct) : Task.CompletedTask;
        var services = new ServiceCollection().AddSingleton<IAmazonS3>(viaProxy);
        services.AddLogging(logging => logging.AddHybridLogging(o =>
        {
            o.QueueCapacity = 1 << 16;
            o.AddS3("archive", TestSinks.Configure(bucket, x =>
            {
                x.Compression = S3Compression.None;
                x.MaxPendingUploads = maxPendingUploads;
            }), d => d.FullMode = QueueFullMode.Block);
        }));
        SinkStats stats;
        TimeSpan elapsed;
        await using (var container = services.BuildServiceProvider())
        {
            var provider = container.GetRequiredService<HybridLoggerProvider>();
            var stopwatch = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                provider.Write(Some.LogEntry(i, padding: 1000));
            }

            await provider.FlushAsync(Ct);
            elapsed = stopwatch.Elapsed;
            stats = Assert.Single(provider.GetStats().Sinks);
        }

        var uploads = _proxy.Requests.Count(r => r.IsPartUpload || r.IsObjectWrite);
        output.WriteLine(
            $"{count} entries ({stats.BytesWritten} bytes, {uploads} uploads of {uploadMilliseconds} ms, {maxPendingUploads} at once) stored in {elapsed.TotalMilliseconds:F0} ms: " +
            $"{count / elapsed.TotalSeconds:F0} entries/s");
        Assert.Equal((long)count, stats.Written);
        var objects = await Archive.ReadAsync(direct, bucket, Ct);
        Assert.Equal(Enumerable.Range(0, count), objects.SelectMany(o => o.Entries).Select(Index).Order());
    }

    private static int Index(JsonElement entry) => entry.GetProperty("properties").GetProperty("Index").GetInt32();
}
