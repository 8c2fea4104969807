using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace HybridLogging.Sinks.File.Internal;

/// <summary>
/// The single-writer guarantee of a log file: an exclusive lock file <c>{path}.lock</c> opened with
/// <see cref="FileShare.None"/> (an OS lock on Windows, <c>flock</c> on Unix, so it is released when the process dies),
/// plus a registry of the paths written in this process so that a conflict there names the other sink.
/// </summary>
/// <remarks>
/// <para>A clean release removes the lock file and its owner record, so a log folder holds only log files (shippers
/// tailing <c>*.json*</c> meet no stray file); a crash leaves them, and the next writer simply takes the lock (the OS
/// lock died with the process).</para>
/// <para>Removing it must not let two writers in: a process that opened the file just before the holder deleted it and
/// locked it just after would hold a lock on an unlinked file while a third process creates and locks a new one. So a
/// taker checks, after locking, that its handle is still the file at the path, and starts again if it is not. On Linux
/// that check reads <c>/proc/self/fd</c>; on Windows no check is needed (the holder opened the file without sharing, so
/// no one else has it open, and it is deleted on close). Where the check is not possible (macOS, or no <c>/proc</c>)
/// the lock file is left in place on release.</para>
/// <para>The holder is recorded beside it, in <c>{path}.lock.owner</c> (process id and name, host, sink, since when): no
/// other process can read the lock file itself while it is held, so a refused sink reads the record to name the holder.
/// The record is replaced atomically (written aside, then renamed), so it is never read half-written; a holder that has
/// locked but not yet written it leaves the previous record, which its "since" tells apart.</para>
/// </remarks>
internal sealed class FileLock : IDisposable
{
    // Windows: sharing violation (32) and lock violation (33). Unix: .NET reports a held flock as the raw errno
    // EWOULDBLOCK (11 on Linux, 35 on macOS and the BSDs), with the sharing-violation message.
    private const int SharingViolation = 32;
    private const int LockViolation = 33;
    private const int WouldBlockLinux = 11;
    private const int WouldBlockBsd = 35;

    /// <summary>Suffix of the holder's record, beside the lock file.</summary>
    internal const string OwnerSuffix = ".owner";

    // A record is one short line; a longer one was not written by this class and is cut.
    private const int MaxOwnerLength = 512;

    private static readonly ConcurrentDictionary<string, string> Holders = new(
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    // Attempts to take a lock file that its holder deleted while this process was opening it.
    private const int MaxAttempts = 5;

    private readonly FileStream _stream;
    private readonly string _path;
    private readonly string _sinkName;
    private readonly bool _removeOnRelease;
    private int _disposed;

    private FileLock(FileStream stream, string path, string sinkName, bool removeOnRelease)
    {
        _stream = stream;
        _path = path;
        _sinkName = sinkName;
        _removeOnRelease = removeOnRelease;
    }

    public string LockPath => _stream.Name;

    /// <summary>Takes the lock for <paramref name="activePath"/> or throws an <see cref="IOException"/> naming the holder.</summary>
    public static FileLock Acquire(string activePath, string sinkName)
    {
        var lockPath = activePath + ".lock";
        if (!Holders.TryAdd(activePath, sinkName))
        {
            var holder = Holders.TryGetValue(activePath, out var name) ? name : "?";
            throw new IOException(
                $"File sink '{sinkName}' cannot write '{activePath}': file sink '{holder}' in this process (process {Environment.ProcessId}) " +
                "already writes it. Two writers on one file would interleave and corrupt lines; give each sink its own Path.");
        }

        try
        {
            var (stream, removeOnRelease) = OpenLocked(lockPath);
            WriteOwner(lockPath + OwnerSuffix, sinkName);
            return new FileLock(stream, activePath, sinkName, removeOnRelease);
        }
        catch (IOException ex) when (IsHeldByAnother(ex))
        {
            Holders.TryRemove(KeyValuePair.Create(activePath, sinkName));
            throw new IOException(
                $"File sink '{sinkName}' cannot write '{activePath}': another process holds its lock file '{lockPath}' and writes it " +
                $"({ReadOwner(lockPath + OwnerSuffix)}). " +
                "Two writers on one file would interleave and corrupt lines; give each process its own Path (for example include the process id or instance name).",
                ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Holders.TryRemove(KeyValuePair.Create(activePath, sinkName));
            throw new IOException($"File sink '{sinkName}' cannot create its lock file '{lockPath}': {ex.Message}", ex);
        }
    }

    private static bool IsHeldByAnother(IOException ex) => (ex.HResult & 0xFFFF) switch
    {
        SharingViolation or LockViolation => OperatingSystem.IsWindows(),
        WouldBlockLinux => OperatingSystem.IsLinux(),
        WouldBlockBsd => OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD(),
        _ => false,
    };

    private static void WriteOwner(string ownerPath, string sinkName)
    {
        var owner = string.Create(
            CultureInfo.InvariantCulture,
            $"pid={Environment.ProcessId} process={System.IO.Path.GetFileName(Environment.ProcessPath)} host={Environment.MachineName} sink={sinkName} since={DateTimeOffset.UtcNow:O}");
        var aside = string.Create(CultureInfo.InvariantCulture, $"{ownerPath}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            System.IO.File.WriteAllText(aside, owner + "\n"); // UTF-8 without a byte order mark
            System.IO.File.Move(aside, ownerPath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Informational only: the lock is what keeps the file to one writer, not this record.
            try
            {
                System.IO.File.Delete(aside);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Nothing more to do: a stray record costs a few bytes.
            }
        }
    }

    /// <summary>The recorded holder, for an error message; never throws.</summary>
    private static string ReadOwner(string ownerPath)
    {
        try
        {
            var text = System.IO.File.ReadAllText(ownerPath, Encoding.UTF8).Trim();
            if (text.Length > MaxOwnerLength)
            {
                text = text[..MaxOwnerLength] + "…";
            }

            return text.Length == 0 ? $"its owner record '{ownerPath}' is empty" : $"holder {text}, as recorded in '{ownerPath}'";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"holder unknown: its owner record '{ownerPath}' cannot be read: {ex.Message}";
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_removeOnRelease && !OperatingSystem.IsWindows())
        {
            // Unlinked while still locked: a process that opened it meanwhile sees, once it gets the lock, that its
            // handle is no longer the file at the path, and starts again (see OpenLocked).
            try
            {
                System.IO.File.Delete(LockPath + OwnerSuffix);
                System.IO.File.Delete(LockPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                HybridSelfLog.Report($"File sink '{_sinkName}': removing its lock file '{LockPath}' failed: {ex.Message}");
            }
        }

        _stream.Dispose();
        Holders.TryRemove(KeyValuePair.Create(_path, _sinkName));
    }

    /// <summary>
    /// Opens and locks the lock file, starting again while the handle locked turns out to be a file its holder deleted
    /// meanwhile. Throws the <see cref="IOException"/> of a sharing violation when another process holds it.
    /// </summary>
    private static (FileStream Stream, bool RemoveOnRelease) OpenLocked(string lockPath)
    {
        for (var attempt = 1; ; attempt++)
        {
            // Windows: deleted by the OS when the handle closes, which no other handle can race (FileShare.None).
            var options = OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None;
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, options);
            if (OperatingSystem.IsWindows())
            {
                return (stream, true);
            }

            switch (IsUnlinked(stream))
            {
                case false:
                    return (stream, true);
                case null:
                    // Cannot tell: keep the file on release, so no taker can ever lock an unlinked one.
                    return (stream, false);
                default:
                    stream.Dispose();
                    if (attempt == MaxAttempts)
                    {
                        throw new IOException($"The lock file '{lockPath}' was removed {MaxAttempts} times while being taken.");
                    }

                    break;
            }
        }
    }

    /// <summary>Whether the file behind <paramref name="stream"/> no longer has a name (Linux), or null when unknown.</summary>
    internal static bool? IsUnlinked(FileStream stream)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            // The kernel names an open file's path in /proc/self/fd/N, with " (deleted)" once it is unlinked.
            var fd = stream.SafeFileHandle.DangerousGetHandle().ToInt64().ToString(CultureInfo.InvariantCulture);
            var target = new FileInfo("/proc/self/fd/" + fd).LinkTarget;
            return target is null ? null : target.EndsWith(" (deleted)", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
