using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace HybridLogging.Sinks.File.Internal;

/// <summary>
/// Starts the operating system's writeback of committed bytes while the sink goes on writing, so the fsync of the
/// periodic flush, a roll or shutdown finds little left to do. Without it a busy file collects hundreds of megabytes of
/// dirty page cache (writeback starts only at a share of memory) and the flush at shutdown waits for all of it: 130 ms
/// of a 0.6 s, 1,000,000-entry run on the benchmarks' VM. The same technique as PostgreSQL's
/// <c>backend_flush_after</c>.
/// </summary>
/// <remarks>
/// Linux only: <c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c> queues the range for writeback without waiting for the
/// device. .NET has no API for it, hence the P/Invoke. Elsewhere (and on a file system that refuses it) this does
/// nothing and the fsyncs do all the work. Durability does not depend on it: only an fsync makes data durable. Every
/// <see cref="SyncThreshold"/> it also has the file synced in the background, which is what keeps those fsyncs short.
/// </remarks>
internal sealed class EarlyWriteback
{
    /// <summary>Committed bytes collected before their writeback is started.</summary>
    public const long Threshold = 4 * 1024 * 1024;

    /// <summary>Committed bytes after which the file is also synced to disk in the background (see <see cref="BackgroundSync"/>).</summary>
    public const long SyncThreshold = 32 * 1024 * 1024;

    private const uint SyncFileRangeWrite = 2;

    private static bool s_unsupported = !OperatingSystem.IsLinux();

    private readonly BackgroundSync _sync;
    private SafeFileHandle? _handle;
    private long _started;
    private long _from;
    private long _syncedFrom;

    /// <param name="sync">Test seam: the background sync.</param>
    public EarlyWriteback(BackgroundSync? sync = null)
    {
        _sync = sync ?? new BackgroundSync();
    }

    /// <summary>Whether this process starts writeback early (false off Linux, or once the call was refused).</summary>
    public static bool Supported => !s_unsupported;

    /// <summary>Ranges whose writeback was started (for tests and diagnostics).</summary>
    public long Started => _started;

    /// <summary>Follows a newly opened file from <paramref name="length"/> on (the handle is taken once: FileStream
    /// re-synchronises its position each time its handle is read).</summary>
    public void Reset(SafeFileHandle handle, long length)
    {
        _handle = handle;
        _from = length;
        _syncedFrom = length;
    }

    /// <summary>Background syncs that completed (for tests and diagnostics).</summary>
    public long BackgroundSyncs => _sync.Completed;

    /// <summary>Whether the file can be synced on the background thread now (Linux, an open file).</summary>
    public bool CanSyncInBackground => !s_unsupported && _handle is { IsClosed: false };

    /// <summary>
    /// Has the file synced on the background thread up to <paramref name="committed"/> (the periodic flush, after a
    /// commit); only when <see cref="CanSyncInBackground"/>.
    /// </summary>
    public void RequestSync(long committed)
    {
        _syncedFrom = committed;
        _sync.Request(_handle!);
    }

    /// <summary>Ends background syncing (at shutdown, before the last flush to disk).</summary>
    public void Stop() => _sync.Stop();

    /// <summary>Throws once for a background sync that failed since the last call (the sink's flush to disk calls it).</summary>
    public void ThrowIfSyncFailed() => _sync.ThrowIfFailed();

    /// <summary>Starts writeback of [last start, <paramref name="committed"/>) once it is at least <see cref="Threshold"/> bytes.</summary>
    public void Committed(long committed)
    {
        if (s_unsupported || _handle is not { IsClosed: false } handle || committed - _from < Threshold)
        {
            return;
        }

        var from = _from;
        _from = committed;
        try
        {
            if (SyncFileRange((int)handle.DangerousGetHandle(), from, committed - from, SyncFileRangeWrite) != 0)
            {
                // ENOSYS, or a file system without support (some FUSE and network mounts): stop trying for this process.
                Unavailable($"sync_file_range failed with errno {Marshal.GetLastPInvokeError()}");
            }
            else
            {
                _started++;
                if (committed - _syncedFrom >= SyncThreshold)
                {
                    _syncedFrom = committed;
                    _sync.Request(handle);
                }
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            Unavailable(ex.GetType().Name); // a libc without it (glibc and musl have it)
        }
    }

    private static void Unavailable(string why)
    {
        s_unsupported = true;
        HybridSelfLog.Report("file-writeback", $"File sink: starting writeback early is not available here ({why}); the flushes to disk do all the writing, as on other systems.");
    }

#pragma warning disable SYSLIB1054 // a DllImport of blittable arguments needs no generated marshalling nor unsafe code
    [DllImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static extern int SyncFileRange(int fd, long offset, long nbytes, uint flags);
#pragma warning restore SYSLIB1054
}
