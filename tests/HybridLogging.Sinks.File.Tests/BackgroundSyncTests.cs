using HybridLogging.Sinks.File.Internal;
using HybridLogging.Sinks.File.Tests.Kit;
using Microsoft.Win32.SafeHandles;

namespace HybridLogging.Sinks.File.Tests;

/// <summary>A busy file is synced to disk on a thread of its own; a sync that fails there is reported by the sink's next flush.</summary>
public sealed class BackgroundSyncTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_busy_file_is_synced_in_the_background_once_it_has_committed_the_sync_threshold_on_linux_only()
    {
        using var file = new FileStream(_folder.Combine("log.json"), FileMode.Create, FileAccess.Write);
        var writeback = new EarlyWriteback();
        writeback.Reset(file.SafeFileHandle, 0);
        var block = new byte[1024 * 1024];
        Array.Fill(block, (byte)'x');
        var blocks = (int)(EarlyWriteback.SyncThreshold / block.Length);
        for (var i = 1; i < blocks; i++)
        {
            file.Write(block);
            file.Flush();
            writeback.Committed(file.Length);
        }

        Thread.Sleep(100);
        Assert.Equal(0, writeback.BackgroundSyncs); // not yet at the threshold

        file.Write(block);
        file.Flush();
        writeback.Committed(file.Length);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (writeback.BackgroundSyncs == 0 && OperatingSystem.IsLinux() && waited.Elapsed < Patience)
        {
            Thread.Sleep(10);
        }

        writeback.Stop();
        Assert.Equal(OperatingSystem.IsLinux() ? 1 : 0, writeback.BackgroundSyncs);
        writeback.ThrowIfSyncFailed();
    }

    [Fact]
    public void A_failed_background_sync_is_thrown_once_by_the_next_flush()
    {
        using var file = new FileStream(_folder.Combine("log.json"), FileMode.Create, FileAccess.Write);
        var calls = 0;
        var sync = new BackgroundSync(sync: _ =>
        {
            Interlocked.Increment(ref calls);
            throw new IOException("Input/output error");
        });

        sync.Request(file.SafeFileHandle);
        WaitFor(() => Volatile.Read(ref calls) == 1);
        sync.Stop();

        var error = Assert.Throws<IOException>(sync.ThrowIfFailed);
        Assert.Contains("Input/output error", error.Message, StringComparison.Ordinal);
        sync.ThrowIfFailed(); // reported once
        Assert.Equal(0, sync.Completed);
    }

    [Fact]
    public void A_special_file_that_cannot_be_synced_is_not_a_failure()
    {
        // /dev/null refuses fsync (EINVAL); like FileStream.Flush(true), the sync treats that as nothing to do.
        using var file = new FileStream(OperatingSystem.IsWindows() ? "NUL" : "/dev/null", FileMode.Open, FileAccess.Write);
        var sync = new BackgroundSync();

        sync.Request(file.SafeFileHandle);
        WaitFor(() => sync.Completed == 1);
        sync.Stop();

        sync.ThrowIfFailed();
    }

    [Fact]
    public void A_file_closed_while_its_sync_runs_keeps_its_descriptor_until_the_sync_ends()
    {
        var file = new FileStream(_folder.Combine("log.json"), FileMode.Create, FileAccess.Write);
        var handle = file.SafeFileHandle;
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var closedDuringSync = true;
        var sync = new BackgroundSync(sync: h =>
        {
            entered.Set();
            release.Wait(Patience);
            closedDuringSync = h.IsClosed;
        });

        sync.Request(handle);
        Assert.True(entered.Wait(Patience, TestContext.Current.CancellationToken));
        file.Dispose(); // the sink rolls the file meanwhile
        release.Set();
        sync.Stop();

        Assert.False(closedDuringSync);
        Assert.True(handle.IsClosed); // released by the sync, then closed
        Assert.Equal(1, sync.Completed);
    }

    [Fact]
    public void A_file_closed_before_its_sync_begins_is_not_synced()
    {
        var file = new FileStream(_folder.Combine("log.json"), FileMode.Create, FileAccess.Write);
        var closed = file.SafeFileHandle;
        file.Dispose();
        using var open = new FileStream(_folder.Combine("other.json"), FileMode.Create, FileAccess.Write);
        var synced = new List<SafeFileHandle>();
        var sync = new BackgroundSync(sync: h =>
        {
            lock (synced)
            {
                synced.Add(h);
            }
        });

        sync.Request(closed);
        WaitFor(() => !sync.Pending);
        sync.Request(open.SafeFileHandle); // requests are handled in order: once this one is synced, the first was seen
        WaitFor(() => sync.Completed == 1);
        sync.Stop();

        lock (synced)
        {
            Assert.Equal([open.SafeFileHandle], synced);
        }
    }

    [Fact]
    public void Syncs_run_on_the_sinks_own_background_thread_and_after_stop_requests_start_nothing()
    {
        using var file = new FileStream(_folder.Combine("log.json"), FileMode.Create, FileAccess.Write);
        var calls = 0;
        string? threadName = null;
        var background = false;
        var sync = new BackgroundSync("app", _ =>
        {
            threadName = Thread.CurrentThread.Name;
            background = Thread.CurrentThread.IsBackground;
            Interlocked.Increment(ref calls);
        });

        sync.Request(file.SafeFileHandle);
        WaitFor(() => sync.Completed == 1);
        sync.Stop();
        sync.Request(file.SafeFileHandle);
        Thread.Sleep(50);

        Assert.Equal(1, Volatile.Read(ref calls));
        Assert.Equal("HybridLogging file sync app", threadName); // the sink's own thread, never the app's or the pool's
        Assert.True(background);
    }


    private static void WaitFor(Func<bool> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < Patience, "timed out");
            Thread.Sleep(5);
        }
    }
}
