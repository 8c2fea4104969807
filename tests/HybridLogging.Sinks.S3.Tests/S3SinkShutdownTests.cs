using System.Collections.Concurrent;
using System.Diagnostics;
using Amazon.S3;
using HybridLogging.Sinks.S3.Tests.Kit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Sinks.S3.Tests;

/// <summary>Shutdown when S3 does not answer: bounded by the shutdown timeout, and nothing vanishes from the accounting.</summary>
[Collection(SelfLogCollection.Name)]
public sealed class S3SinkShutdownTests(S3rverFixture s3) : IAsyncLifetime
{
    private S3Proxy _proxy = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _proxy = await S3Proxy.StartAsync(s3.BaseUri);

    public async ValueTask DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task Shutdown_that_cannot_store_the_open_object_in_time_counts_its_entries_failed_and_reports_them()
    {
        var bucket = await s3.CreateBucketAsync(Ct);
        using var direct = s3.Client();
        using var viaProxy = S3rverFixture.Client(_proxy.BaseUri);
        _proxy.Faults = r => r.IsObjectWrite ? ProxyFault.Hang : ProxyFault.None;
        var services = new ServiceCollection().AddSingleton<IAmazonS3>(viaProxy);
        services.AddLogging(logging => logging.AddHybridLogging(o =>
        {
            o.ShutdownTimeout = TimeSpan.FromSeconds(1);
            o.AddS3("archive", TestSinks.Configure(bucket), d => d.FlushInterval = TimeSpan.FromMilliseconds(50));
        }));
        var messages = new ConcurrentQueue<string>();
        HybridSelfLog.Enable(messages.Enqueue);
        HybridLoggerProvider provider;
        var stopwatch = new Stopwatch();
        try
        {
            await using (var container = services.BuildServiceProvider())
            {
                provider = container.GetRequiredService<HybridLoggerProvider>();
                for (var i = 0; i < 200; i++)
                {
                    provider.Write(Some.LogEntry(i));
                }

                await Poll.UntilAsync(() => Assert.Single(provider.GetStats().Sinks).Deferred == 200, Ct);
                stopwatch.Start();
            }

            stopwatch.Stop();
        }
        finally
        {
            HybridSelfLog.Disable();
        }

        // The upload hangs: shutdown gives up after its timeout (at least a second per destination) and cancels it.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {stopwatch.Elapsed}");
        var stats = Assert.Single(provider.GetStats().Sinks);
        Assert.Equal((200L, 0L, 200L, 0L), (stats.Received, stats.Written, stats.Failed, stats.Pending));
        var reason = Assert.Single(stats.FailedByReason);
        Assert.Contains(reason.Key, new[] { "unsettled", "cancelled" });
        Assert.Contains(messages, m => m.Contains("archive", StringComparison.Ordinal) &&
            (m.Contains("200 deferred entries were not settled", StringComparison.Ordinal) || m.Contains("200 entries failed", StringComparison.Ordinal)));
        Assert.Empty(await Archive.ReadAsync(direct, bucket, Ct));
    }
}
