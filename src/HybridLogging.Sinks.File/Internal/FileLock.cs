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
/// </remarks>
internal sealed class FileLock : IDisposable
{
    // Sharing violation (32) and lock violation (33), as mapped by .NET on every platform.
    private const int SharingViolation = 32;
    private const int LockViolation = 33;

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
            try
            {
                // For people looking at a stale lock file; the OS lock is what counts, not this text.
                var owner = string.Create(
                    CultureInfo.InvariantCulture,
                    $"pid={Environment.ProcessId} process={System.IO.Path.GetFileName(Environment.ProcessPath)} host={Environment.MachineName} sink={sinkName} since={DateTimeOffset.UtcNow:O}\n");
                stream.SetLength(0);
                stream.Write(Encoding.UTF8.GetBytes(owner));
            }
            catch (IOException)
            {
                // Informational only.
            }

            return new FileLock(stream, activePath, sinkName);
        }
        catch (IOException ex) when ((ex.HResult & 0xFFFF) is SharingViolation or LockViolation)
        {
            Holders.TryRemove(KeyValuePair.Create(activePath, sinkName));
            throw new IOException(
                $"File sink '{sinkName}' cannot write '{activePath}': another process holds its lock file '{lockPath}' and writes it. " +
                "Two writers on one file would interleave and corrupt lines; give each process its own Path (for example include the process id or instance name).",
                ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Holders.TryRemove(KeyValuePair.Create(activePath, sinkName));
            throw new IOException($"File sink '{sinkName}' cannot create its lock file '{lockPath}': {ex.Message}", ex);
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
