using System.Diagnostics;
using HybridLogging.Tests.Kit;
using Microsoft.Extensions.Logging;

namespace HybridLogging.Tests;

/// <summary>
/// Records a sink defers (<see cref="LogRecordBatch.Defer"/>) are pending until it settles them: flush asks the sink to
/// settle and waits; shutdown waits within its timeout and counts what stays unsettled as failed.
/// </summary>
public sealed class DeferredOutcomeTests
{
    [Fact]
    public async Task Deferred_records_are_pending_until_the_sink_settles_them_then_written()
    {
        var sink = new DeferringSink { OnFlush = DeferringSink.Settle.Never };
        await using var provider = TestProvider.Create(sink, configureSink: s => s.FlushInterval = TimeSpan.FromMilliseconds(10));
        var logger = provider.CreateLogger("Tests.Deferred");
        for (var i = 0; i < 10; i++)
        {
            logger.LogInformation("Item {Index}", i);
        }

        await WaitForAsync(() => Stats(provider).Deferred == 10);
        var pending = Stats(provider);
        Assert.Equal((10L, 0L, 10L, 0L), (pending.Received, pending.Written, pending.Pending, pending.Failed));
        Assert.Equal(10, sink.Copied.Count);

        sink.Store();

        await WaitForAsync(() => Stats(provider).Written == 10);
        var written = Stats(provider);
        Assert.Equal((0L, 0L), (written.Deferred, written.Pending));
    }

    [Fact]
    public async Task Flush_asks_the_sink_to_settle_what_it_deferred_and_returns_once_it_is_written()
    {
        var sink = new DeferringSink();
        await using var provider = TestProvider.Create(sink, configureSink: s => s.BatchSize = 4);
        var logger = provider.CreateLogger("Tests.Deferred");
        for (var i = 0; i < 10; i++)
        {
            logger.LogInformation("Item {Index}", i);
        }

        await provider.FlushAsync(TestProvider.Token);

        var stats = Stats(provider);
        Assert.Equal((10L, 0L, 0L), (stats.Written, stats.Deferred, stats.Pending));
        Assert.True(sink.Flushes >= 1);
    }

    [Fact]
    public async Task Failed_deferral_counts_its_records_as_failed_under_its_reason()
    {
        var sink = new DeferringSink { OnFlush = DeferringSink.Settle.Fail };
        await using var provider = TestProvider.Create(sink);
        var logger = provider.CreateLogger("Tests.Deferred");
        for (var i = 0; i < 7; i++)
        {
            logger.LogInformation("Item {Index}", i);
        }

        await provider.FlushAsync(TestProvider.Token);

        var stats = Stats(provider);
        Assert.Equal((0L, 7L, 0L), (stats.Written, stats.Failed, stats.Pending));
        Assert.Equal(7, stats.FailedByReason["rejected"]);
    }

    [Fact]
    public async Task Shutdown_counts_records_the_sink_never_settles_as_failed_unsettled_reports_them_and_ignores_a_late_settlement()
    {
        var sink = new DeferringSink { OnFlush = DeferringSink.Settle.Never };
        var capture = new SelfLogCapture();
        var provider = TestProvider.Create(
            sink,
            o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(200),
            s => s.FlushInterval = TimeSpan.FromMilliseconds(10));
        var logger = provider.CreateLogger("Tests.Deferred");
        for (var i = 0; i < 5; i++)
        {
            logger.LogInformation("Item {Index}", i);
        }

        await WaitForAsync(() => Stats(provider).Deferred == 5);
        var stopwatch = Stopwatch.StartNew();
        using (capture.Start())
        {
            await provider.DisposeAsync();
        }

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"shutdown took {stopwatch.Elapsed}");
        Assert.True(sink.Flushes >= 1, "the sink was not asked to settle");
        var stats = Stats(provider);
        Assert.Equal((0L, 5L, 0L), (stats.Written, stats.Failed, stats.Pending));
        Assert.Equal(5, stats.FailedByReason["unsettled"]);
        Assert.Contains(capture.Messages, m => m.Contains("5 deferred entries were not settled", StringComparison.Ordinal));

        Assert.Equal(LogRecordOutcome.Failed, sink.Store()?.Outcome); // settled already: the late Complete does nothing
        Assert.Equal(0, Stats(provider).Written);
    }

    [Fact]
    public void Deferral_of_a_batch_outside_a_pipeline_reports_its_outcome_through_the_batch()
    {
        var records = new[] { new LogRecord("{}\n"u8.ToArray(), 1, DateTimeOffset.UnixEpoch, LogLevel.Information, "s", null) };
        var batch = LogRecordBatch.FromRecords(records);
        var deferral = batch.CreateDeferral();

        batch.Defer(0, deferral);

        Assert.Equal(LogRecordOutcome.Deferred, batch.GetOutcome(0));
        Assert.Throws<InvalidOperationException>(() => batch.Retry(0, "x"));
        deferral.Fail("rejected");
        deferral.Complete();
        Assert.Equal((LogRecordOutcome.Failed, "rejected", 1), (batch.GetOutcome(0), batch.GetReason(0), deferral.Count));
        Assert.Throws<InvalidOperationException>(() => LogRecordBatch.FromRecords(records).Defer(0, deferral));
    }

    private static SinkStats Stats(HybridLoggerProvider provider) => Assert.Single(provider.GetStats().Sinks);

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), "condition not reached in time");
            await Task.Delay(10, TestProvider.Token);
        }
    }
}
