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
/// The lock file is left in place on release: deleting it would race with a process that has just opened it
/// (it would lock an unlinked file while a third process creates and locks a new one).
/// The holder is recorded beside it, in <c>{path}.lock.owner</c> (process id and name, host, sink, since when): no other
/// process can read the lock file itself while it is held (Windows refuses the open under <see cref="FileShare.None"/>,
/// and .NET on Unix takes a shared <c>flock</c> to read, which the holder's exclusive one refuses), so a refused sink
/// reads the record to name the holder. The record is replaced atomically (written aside, then renamed), so it is never
/// read half-written; a holder that has locked but not yet written it leaves the previous record, which its "since"
/// tells apart.
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

    private readonly FileStream _stream;
    private readonly string _path;
    private readonly string _sinkName;
    private int _disposed;

    private FileLock(FileStream stream, string path, string sinkName)
    {
        _stream = stream;
        _path = path;
        _sinkName = sinkName;
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
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
            WriteOwner(lockPath + OwnerSuffix, sinkName);
            return new FileLock(stream, activePath, sinkName);
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

        _stream.Dispose();
        Holders.TryRemove(KeyValuePair.Create(_path, _sinkName));
    }
}
