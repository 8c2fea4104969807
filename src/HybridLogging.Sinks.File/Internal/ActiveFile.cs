using Microsoft.Win32.SafeHandles;

namespace HybridLogging.Sinks.File.Internal;

/// <summary>
/// The file a sink is writing now: its stream, its size, the length known to be in the operating system and to end on a
/// record boundary (<see cref="Commit"/>), the start of its period, and rolling it (flush, rename to the next rolled
/// name, open a new one). After a failed write it is abandoned and, when reopened, cut back to that committed length,
/// so a record the OS did not take whole leaves nothing behind. Not thread-safe: the sink calls it under its gate.
/// </summary>
internal sealed class ActiveFile
{
    // After a failed rename (Windows: a reader without FileShare.Delete) the roll is retried after this pause, not per record.
    private static readonly TimeSpan RollRetryDelay = TimeSpan.FromSeconds(30);

    private static readonly byte[] Newline = "\n"u8.ToArray();

    private readonly string _sinkName;
    private readonly FileSinkOptions _options;
    private readonly RolledFileNames _names;
    private readonly Func<FileStream, Stream>? _wrap;
    private FileStream? _file;
    private Stream? _writer;
    private long _committed;
    private readonly EarlyWriteback _writeback;
    private long? _truncateTo;
    private DateTimeOffset _start;
    private DateTimeOffset? _nextRollAt;
    private DateTimeOffset _rollSuspendedUntil;
    private long _bytesWritten;
    private volatile bool _dirty;

    /// <param name="sinkName">The sink's name, for diagnostics.</param>
    /// <param name="options">The sink's validated settings.</param>
    /// <param name="names">Names of the active and rolled files.</param>
    /// <param name="wrap">Test seam: wraps each opened file stream (a full disk, a failing device).</param>
    /// <param name="syncToDisk">Test seam: the background sync's call (see <see cref="BackgroundSync"/>).</param>
    public ActiveFile(string sinkName, FileSinkOptions options, RolledFileNames names, Func<FileStream, Stream>? wrap, Action<SafeFileHandle>? syncToDisk = null)
    {
        _sinkName = sinkName;
        _options = options;
        _names = names;
        _wrap = wrap;
        _writeback = new EarlyWriteback(new BackgroundSync(sinkName, syncToDisk));
    }

    /// <summary>Bytes handed to the current file, committed or not.</summary>
    public long Size { get; private set; }

    /// <summary>Whether a stream is open (false after a failure until <see cref="EnsureOpen"/> succeeds).</summary>
    public bool IsOpen => _writer is not null;

    /// <summary>Bytes the OS accepted across all files of this sink (committed writes and line repairs).</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Opens the file if it is closed (at start, or after a failure) and rolls it when its interval has ended.</summary>
    /// <returns>True when the file was rolled (housekeeping is due).</returns>
    public bool Prepare(DateTimeOffset now)
    {
        EnsureOpen(now);
        return _nextRollAt is { } rollAt && now >= rollAt && Roll(now) == RollResult.Rolled;
    }

    /// <summary>Opens the active file when no stream is open, appending to what is there.</summary>
    public void EnsureOpen(DateTimeOffset now)
    {
        if (_writer is null)
        {
            Open(now, existing: true);
        }
    }

    /// <summary>Hands bytes (whole records) to the stream. They count once <see cref="Commit"/> returns.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        // Synchronous on purpose: the stream is not opened for async I/O, so an async write of a large run queued a
        // thread-pool work item per call; a buffered write to the page cache is cheaper done in place.
        _writer!.Write(bytes);
        Size += bytes.Length;
        _dirty = true;
    }

    /// <summary>
    /// Flushes the stream's buffer to the operating system. When this returns, everything written so far is in the file
    /// (the page cache; <see cref="FlushToDisk"/> makes it durable) and counts as written.
    /// </summary>
    public void Commit()
    {
        _writer!.Flush();
        Interlocked.Add(ref _bytesWritten, Size - _committed);
        _committed = Size;
        _writeback.Committed(_committed);
    }

    /// <summary>Commits and asks the OS to put the file on disk (fsync).</summary>
    public void FlushToDisk()
    {
        if (_writer is null)
        {
            return;
        }

        Commit();
        _file!.Flush(flushToDisk: true);
        _dirty = false;
        _writeback.ThrowIfSyncFailed();
    }

    /// <summary>
    /// The periodic flush: when something was written since the last one, commits it and has it synced to disk. Where the
    /// sink syncs in the background (Linux) the sync is asked of that thread and this returns at once, so a slow disk
    /// holds neither the sink's gate (and, behind it, the pipeline) nor the timer's pool thread for the length of an
    /// fsync; the sync starts at once, so the interval bounds what a crash can lose as before, and its failure is thrown
    /// by this method's next call or the next flush. Elsewhere it is <see cref="FlushToDisk"/>.
    /// </summary>
    public void FlushToDiskIfDirty()
    {
        if (_dirty)
        {
            if (_writer is not null && _writeback.CanSyncInBackground)
            {
                Commit();
                _writeback.RequestSync(_committed);
                _dirty = false;
            }
            else
            {
                FlushToDisk();
                return;
            }
        }

        _writeback.ThrowIfSyncFailed();
    }

    /// <summary>
    /// After a failed write: drops the stream without trusting what it holds (its buffer may hold part of a record, the
    /// file may end inside one) and cuts the file back to the last committed record end, now if it can be reopened,
    /// else when it next is.
    /// </summary>
    public void Abandon(DateTimeOffset now)
    {
        _truncateTo = _committed;
        Close();
        try
        {
            Open(now, existing: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Still failing (the disk is full, the device gone): the next batch tries again.
        }
    }

    /// <summary>Commits, flushes to disk and closes the stream; a pending cut-back is applied first if possible.</summary>
    public void Shutdown(DateTimeOffset now)
    {
        if (_writer is null && _truncateTo is not null)
        {
            // A failure left the file closed: open it once so it is cut back to its last whole record.
            try
            {
                Open(now, existing: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                HybridSelfLog.Report($"File sink '{_sinkName}': cutting '{_names.ActivePath}' back to its last whole record at shutdown failed: {ex.Message}");
            }
        }

        _writeback.Stop(); // no background sync runs beside the last flush, which reports any that failed
        try
        {
            FlushToDisk();
        }
        catch (IOException ex)
        {
            // Committed bytes are already in the OS; what was not committed was not counted.
            HybridSelfLog.Report($"File sink '{_sinkName}': flushing '{_names.ActivePath}' at shutdown failed: {ex.Message}");
        }

        Close();
    }

    /// <summary>
    /// Renames the file to its rolled name and opens a new one. Not done while rolling is suspended after a failed rename
    /// (writing goes on into the current file), and an empty file simply becomes the file of the new period.
    /// </summary>
    public RollResult Roll(DateTimeOffset now)
    {
        if (now < _rollSuspendedUntil)
        {
            return RollResult.Refused;
        }

        if (Size == 0)
        {
            _start = now;
            _nextRollAt = RollingPeriod.NextBoundary(_options.RollingInterval, now);
            return RollResult.Restarted;
        }

        // The rolled file is complete and durable before it gets its final name.
        FlushToDisk();
        var rolledPath = _names.NextRolledPath(RollingPeriod.Truncate(_options.RollingInterval, _start));
        Close();
        try
        {
            System.IO.File.Move(_names.ActivePath, rolledPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Keep logging into the oversized file rather than losing records; the roll is tried again later.
            HybridSelfLog.Report($"File sink '{_sinkName}': rolling '{_names.ActivePath}' to '{rolledPath}' failed, writing on and retrying in {RollRetryDelay.TotalSeconds:0} s: {ex.Message}");
            _rollSuspendedUntil = now + RollRetryDelay;
            Open(now, existing: true);
            return RollResult.Refused;
        }

        // The new file starts empty: nothing of it is committed, and nothing left to cut back.
        _committed = 0;
        _truncateTo = null;
        Size = 0;
        Open(now, existing: false);
        return RollResult.Rolled;
    }

    private void Open(DateTimeOffset now, bool existing)
    {
        var path = _names.ActivePath;
        var start = now;
        var keepStart = _start != default;
        if (existing && System.IO.File.Exists(path))
        {
            start = keepStart ? _start : FileStart(path);
        }
        else
        {
            _truncateTo = null;
        }

        // OpenOrCreate rather than Append: after a failure the same stream may cut the file back (SetLength).
        var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.Write,

            // Readers (tail, log shippers) may read, and rename/delete is allowed so they do not block a roll on Windows.
            Share = FileShare.Read | FileShare.Delete,
            BufferSize = _options.BufferSize,
            Options = FileOptions.SequentialScan,
        });
        try
        {
            if (_truncateTo is { } length && file.Length > length)
            {
                // Bytes after the last committed record (a record the OS took in part, or a stale buffer flushed at close).
                file.SetLength(length);
            }

            _truncateTo = null;
            file.Seek(0, SeekOrigin.End);
            var needsNewline = file.Length > 0 && LastByte(path) != '\n';
            _file = file;
            _writer = _wrap?.Invoke(file) ?? file;
            Size = file.Length;
            _committed = Size;
            _writeback.Reset(file.SafeFileHandle, Size);
            _start = start;
            _nextRollAt = RollingPeriod.NextBoundary(_options.RollingInterval, start);
            if (needsNewline)
            {
                // A line cut by a crash (or by another writer before us) is ended, so the next record starts on its own line.
                Write(Newline);
                Commit();
            }
        }
        catch
        {
            Close();
            throw;
        }
    }

    private static DateTimeOffset FileStart(string path)
    {
        // A file of an earlier run: its period starts at the earlier of its creation and last write.
        var created = System.IO.File.GetCreationTimeUtc(path);
        var written = System.IO.File.GetLastWriteTimeUtc(path);
        return new DateTimeOffset(created <= written ? created : written, TimeSpan.Zero);
    }

    private static int LastByte(string path)
    {
        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        reader.Seek(-1, SeekOrigin.End);
        return reader.ReadByte();
    }

    private void Close()
    {
        var writer = _writer;
        var file = _file;
        _writer = null;
        _file = null;
        try
        {
            writer?.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Its buffer could not be flushed: uncommitted, so not counted, and cut back when the file is reopened.
            HybridSelfLog.Report($"File sink '{_sinkName}': closing '{_names.ActivePath}' failed: {ex.Message}");
        }
        finally
        {
            if (!ReferenceEquals(writer, file))
            {
                DisposeQuietly(file);
            }
        }
    }

    private void DisposeQuietly(FileStream? file)
    {
        try
        {
            file?.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            HybridSelfLog.Report($"File sink '{_sinkName}': closing '{_names.ActivePath}' failed: {ex.Message}");
        }
    }
}

/// <summary>What <see cref="ActiveFile.Roll"/> did.</summary>
internal enum RollResult
{
    /// <summary>The file was renamed and a new one opened (housekeeping is due).</summary>
    Rolled,

    /// <summary>The file was empty: it simply became the file of the new period.</summary>
    Restarted,

    /// <summary>Not rolled (suspended after a failed rename): writing goes on into the current file.</summary>
    Refused,
}
