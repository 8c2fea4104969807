using HybridLogging.Sinks.File.Internal;
using HybridLogging.Sinks.File.Tests.Kit;

namespace HybridLogging.Sinks.File.Tests;

/// <summary>
/// The periodic flush where the sink syncs in the background (Linux): it commits, asks the sync thread to persist, and
/// returns, so a slow disk holds neither the sink nor the timer; a failed sync is reported by the next tick.
/// </summary>
[Collection(SelfLogCollection.Name)]
public sealed class FileSinkPeriodicSyncTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_periodic_flush_on_a_slow_disk_returns_at_once_and_writing_goes_on_while_the_disk_syncs()
    {
        using var syncing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var syncs = 0;
        var clock = new ManualTimeProvider(Some.Time);
        var sink = Sink(clock, _ =>
        {
            Interlocked.Increment(ref syncs);
            syncing.Set();
            release.Wait(Patience);
        });
        try
        {
            await sink.WriteEntriesAsync(Some.LogEntries(0, 20), Ct);

            var tick = System.Diagnostics.Stopwatch.StartNew();
            clock.FireTimers(); // the disk takes as long as the test holds `release`
            tick.Stop();

            Assert.Equal(Enumerable.Range(0, 20), LogFiles.ReadIndices(_folder.Combine("log.json"))); // committed
            if (!EarlyWriteback.Supported)
            {
                Assert.Equal(0, Volatile.Read(ref syncs)); // elsewhere the tick syncs the stream itself
                return;
            }

            Assert.True(syncing.Wait(Patience, Ct));
            Assert.True(tick.Elapsed < Patience / 2, $"the tick waited {tick.Elapsed} for the disk");
            await sink.WriteEntriesAsync(Some.LogEntries(20, 20), Ct); // not held by the sync in progress
            Assert.Equal(Enumerable.Range(0, 40), LogFiles.ReadIndices(_folder.Combine("log.json")));
        }
        finally
        {
            release.Set();
            await sink.DisposeAsync();
        }

        Assert.Equal(1, Volatile.Read(ref syncs));
    }

    [Fact]
    public async Task A_failed_background_sync_of_a_periodic_flush_is_reported_by_the_next_tick()
    {
        var reports = new List<string>();
        HybridSelfLog.Enable(message =>
        {
            lock (reports)
            {
                reports.Add(message);
            }
        });
        try
        {
            var syncs = 0;
            var clock = new ManualTimeProvider(Some.Time);
            await using var sink = Sink(clock, _ =>
            {
                Interlocked.Increment(ref syncs);
                throw new IOException("Input/output error");
            });
            await sink.WriteEntriesAsync(Some.LogEntries(0, 5), Ct);
            clock.FireTimers();

            // Later ticks find nothing new to write; the first one after the sync failed reports it, and only that one.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (EarlyWriteback.Supported && Failures(reports) == 0 && waited.Elapsed < Patience)
            {
                Thread.Sleep(5);
                clock.FireTimers();
            }

            clock.FireTimers();
            Assert.Equal(EarlyWriteback.Supported ? 1 : 0, Volatile.Read(ref syncs));
            lock (reports)
            {
                var failures = reports.Where(r => r.Contains("periodic flush", StringComparison.Ordinal)).ToList();
                Assert.Equal(EarlyWriteback.Supported ? 1 : 0, failures.Count);
                Assert.All(failures, r => Assert.Contains("Input/output error", r, StringComparison.Ordinal));
            }
        }
        finally
        {
            HybridSelfLog.Disable();
        }
    }

    private static int Failures(List<string> reports)
    {
        lock (reports)
        {
            return reports.Count(r => r.Contains("periodic flush", StringComparison.Ordinal));
        }
    }

    private FileSink Sink(ManualTimeProvider clock, Action<Microsoft.Win32.SafeHandles.SafeFileHandle> syncToDisk) =>
        new(
            "file",
            new FileSinkOptions { Path = _folder.Combine("log.json"), BufferSize = 1024 * 1024, FlushToDiskInterval = TimeSpan.FromSeconds(1) },
            clock,
            wrapStream: null,
            syncToDisk);
}
