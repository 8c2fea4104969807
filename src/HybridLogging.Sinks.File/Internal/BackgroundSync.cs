using Microsoft.Win32.SafeHandles;

namespace HybridLogging.Sinks.File.Internal;

/// <summary>
/// Syncs a busy file's data to disk (fsync) on a thread of its own while the sink goes on writing, so the
/// sink's own flushes to disk (the periodic one, <c>FlushAsync</c>, a roll, shutdown) find little left to wait for.
/// </summary>
/// <remarks>
/// <para>
/// Why: starting writeback early (<see cref="EarlyWriteback"/>) puts the bytes on their way to the device, but on the
/// benchmarks' virtual disk the fsync after them still waited about 170 ms for the device to persist the 350 MB of a
/// 1,000,000-entry run: the same with writeback started every 1, 4, 16 or 64 MiB, and even when every range had been
/// waited for. That wait was most of the time from the last log call to the end of shutdown. Syncing every
/// <see cref="EarlyWriteback.SyncThreshold"/> in the background left the final fsync 7-17 ms in a probe writing at the
/// sink's pace. The data is written and persisted once either way: the wait moves off the sink's thread and out of
/// shutdown.
/// </para>
/// <para>
/// The sync is <see cref="RandomAccess.FlushToDisk"/> on the sink's handle (fsync; it ignores, as
/// <c>FileStream.Flush(true)</c> does, files that cannot be synced at all, such as special files). A failed background
/// sync is kept and thrown by the next flush to disk on the sink's thread (<see cref="ThrowIfFailed"/>): Linux reports
/// a writeback error once per open file, so the background call would otherwise take the error from the flush that
/// must report it.
/// </para>
/// <para>
/// Requests while a sync runs collapse into one: the next sync covers everything written before it starts. Requests
/// come every <see cref="EarlyWriteback.SyncThreshold"/> committed and from the periodic flush. The thread starts with
/// the first request, so a sink that has written nothing has none, and ends at <see cref="Stop"/>.
/// </para>
/// </remarks>
internal sealed class BackgroundSync
{
    private readonly string _threadName;
    private readonly Action<SafeFileHandle> _sync;
    private readonly object _gate = new();
    private SafeFileHandle? _pending;
    private Thread? _thread;
    private bool _stopped;
    private string? _failure;
    private long _completed;

    /// <param name="sinkName">The sink's name, for the thread's name.</param>
    /// <param name="sync">Test seam: syncs the handle's file, throwing <see cref="IOException"/> when that fails.</param>
    public BackgroundSync(string? sinkName = null, Action<SafeFileHandle>? sync = null)
    {
        _threadName = sinkName is null ? "HybridLogging file sync" : $"HybridLogging file sync {sinkName}";
        _sync = sync ?? RandomAccess.FlushToDisk;
    }

    /// <summary>Background syncs that completed.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Whether a request waits for the thread to take it (for tests).</summary>
    internal bool Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending is not null;
            }
        }
    }

    /// <summary>Asks for the file behind <paramref name="handle"/> to be synced soon; never waits.</summary>
    public void Request(SafeFileHandle handle)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _pending = handle;
            if (_thread is null)
            {
                // No execution context: the app's async-locals have nothing to do with this thread.
                _thread = new Thread(Run) { IsBackground = true, Name = _threadName };
                _thread.UnsafeStart();
            }

            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Ends the thread after the sync it is running, if any; requests after this are ignored.</summary>
    public void Stop()
    {
        Thread? thread;
        lock (_gate)
        {
            _stopped = true;
            _pending = null;
            thread = _thread;
            Monitor.Pulse(_gate);
        }

        thread?.Join();
    }

    /// <summary>Throws once for a background sync that failed since the last call.</summary>
    public void ThrowIfFailed()
    {
        if (Interlocked.Exchange(ref _failure, null) is { } failure)
        {
            throw new IOException($"Flushing the log file to disk in the background failed: {failure}");
        }
    }

    private void Run()
    {
        while (true)
        {
            SafeFileHandle handle;
            lock (_gate)
            {
                while (_pending is null && !_stopped)
                {
                    Monitor.Wait(_gate);
                }

                if (_stopped)
                {
                    return;
                }

                handle = _pending!;
                _pending = null;
            }

            Sync(handle);
        }
    }

    private void Sync(SafeFileHandle handle)
    {
        var added = false;
        try
        {
            // The sink may close the file meanwhile (a roll): the descriptor stays open, and not reused, until released.
            handle.DangerousAddRef(ref added);
            _sync(handle);
            Interlocked.Increment(ref _completed);
        }
        catch (ObjectDisposedException)
        {
            // Closed before the sync began: the sink flushed it to disk before closing it, or abandoned it after a failure.
        }
        catch (IOException ex)
        {
            Interlocked.CompareExchange(ref _failure, ex.Message, null);
        }
        catch (Exception ex)
        {
            // Never let a background thread take the process down; the sink's own flushes still make the data durable.
            HybridSelfLog.Report("file-sync", $"File sink: a background flush to disk failed: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }
}
