using System.Buffers;
using System.IO.Compression;
using HybridLogging.Formatting;
using Microsoft.Extensions.Options;

namespace HybridLogging.Sinks.File.Internal;

/// <summary>
/// Rolling file sink: formats a batch into one pooled UTF-8 buffer and writes it with one write per file segment,
/// rolling before an entry would take the file past its size limit (so an entry is never split across files) and at
/// UTC interval boundaries. Rolled files are renamed with a timestamp and sequence, optionally gzipped, and pruned to
/// the retained count in the background. One writer per path, enforced by <see cref="FileLock"/>. In JSON format it also
/// takes records the pipeline formatted already (<see cref="IFormattedLogSink"/>) and writes slices of them directly, with
/// the same rolling, accounting and retry rules.
/// </summary>
internal sealed class FileSink : IFormattedLogSink, IReportsBytes
{
    // A batch's formatted bytes are written in pieces of about this size, so a huge batch does not grow the buffer without bound.
    private const int WriteChunkBytes = 1024 * 1024;

    // After a failed rename (Windows: a reader without FileShare.Delete) the roll is retried after this pause, not per entry.
    private static readonly TimeSpan RollRetryDelay = TimeSpan.FromSeconds(30);

    // A buffer that grew beyond this for one unusual batch is dropped afterwards instead of being kept for the sink's lifetime.
    private const int KeptBufferBytes = 4 * 1024 * 1024;

    private static readonly byte[] Newline = "\n"u8.ToArray();

    private readonly string _name;
    private readonly FileSinkOptions _options;
    private readonly TimeProvider _time;
    private readonly RolledFileNames _names;
    private readonly LogEntryFormatter _formatter;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly FileLock _lock;
    private readonly ITimer? _flushTimer;
    private ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private FileStream? _stream;
    private long _fileSize;
    private DateTimeOffset _fileStart;
    private DateTimeOffset? _nextRollAt;
    private DateTimeOffset _rollSuspendedUntil;
    private long _bytesWritten;
    private volatile bool _dirty;
    private bool _disposed;
    private Task _housekeeping = Task.CompletedTask;
    private int _housekeepingQueued;

    // Progress of a batch whose write failed part-way: the pipeline retries with the same list (or the same lines
    // memory), and the entries that already reached the file must not be written twice. _partialDone counts entries
    // for a list and bytes (always at a line end) for lines.
    private IReadOnlyList<LogEntry>? _partialBatch;
    private LogEntry? _partialFirst;
    private ReadOnlyMemory<byte> _partialLines;
    private int _partialLinesHash;
    private int _partialCount;
    private int _partialDone;

    public FileSink(string name, FileSinkOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate(name);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(name, typeof(FileSinkOptions), errors);
        }

        _name = name;
        _options = options.Clone();
        _time = timeProvider ?? TimeProvider.System;
        _names = new RolledFileNames(System.IO.Path.GetFullPath(_options.Path));
        _formatter = _options.Format == LogFormat.Text ? new TextLogFormatter() : new JsonLogFormatter();
        System.IO.Directory.CreateDirectory(_names.Directory);
        _lock = FileLock.Acquire(_names.ActivePath, name);
        try
        {
            OpenActiveFile(_time.GetUtcNow(), existing: true);
        }
        catch
        {
            _lock.Dispose();
            throw;
        }

        // Background work must not capture the creator's ExecutionContext (its AsyncLocals, e.g. a correlation context).
        var restoreFlow = !ExecutionContext.IsFlowSuppressed() ? ExecutionContext.SuppressFlow() : default(AsyncFlowControl?);
        try
        {
            // A crash may have left uncompressed or surplus rolled files behind: tidy up once at start.
            ScheduleHousekeeping();
            if (_options.FlushToDiskInterval > TimeSpan.Zero)
            {
                _flushTimer = _time.CreateTimer(static state => ((FileSink)state!).FlushOnTimer(), this, _options.FlushToDiskInterval, _options.FlushToDiskInterval);
            }
        }
        finally
        {
            restoreFlow?.Undo();
        }
    }

    /// <summary>The validated settings in force (a copy).</summary>
    internal FileSinkOptions Options => _options;

    /// <summary>Full path of the active file.</summary>
    public string ActivePath => _names.ActivePath;

    /// <inheritdoc />
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>True for <see cref="LogFormat.Json"/>: the pipeline's lines are exactly what this sink would write itself.</summary>
    public bool AcceptsJsonLines => true;

    /// <inheritdoc />
    public LogEntryFormatter Formatter => _formatter;

    /// <inheritdoc />
    public async ValueTask WriteAsync(LogRecordBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        for (var i = 0; i < batch.SegmentCount; i++)
        {
            var segment = batch.GetSegment(i);
            await WriteJsonLinesAsync(segment.Bytes, segment.RecordCount, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var done = ResumeIndex(batch);
        try
        {
            var now = await BeginWriteAsync().ConfigureAwait(false);
            var buffer = _buffer;
            buffer.ResetWrittenCount();
            var segmentStart = 0;
            for (var i = done; i < batch.Count; i++)
            {
                var entryStart = buffer.WrittenCount;
                _formatter.Write(batch[i], buffer);
                var pending = entryStart - segmentStart;
                if (_fileSize + pending + (buffer.WrittenCount - entryStart) > _options.MaxFileSizeBytes && _fileSize + pending > 0)
                {
                    // Roll before this entry: what precedes it goes to the current file, the entry starts the next one.
                    await WriteAsync(buffer.WrittenMemory[segmentStart..entryStart]).ConfigureAwait(false);
                    done = i;
                    await RollAsync(now).ConfigureAwait(false);
                    segmentStart = entryStart;
                }

                if (buffer.WrittenCount >= WriteChunkBytes)
                {
                    await WriteAsync(buffer.WrittenMemory[segmentStart..]).ConfigureAwait(false);
                    done = i + 1;
                    buffer.ResetWrittenCount();
                    segmentStart = 0;
                }
            }

            await WriteAsync(buffer.WrittenMemory[segmentStart..]).ConfigureAwait(false);
            ForgetPartial();
            if (buffer.Capacity > KeptBufferBytes)
            {
                _buffer = new ArrayBufferWriter<byte>(64 * 1024);
            }
        }
        catch (Exception ex) when (ex is not ObjectDisposedException)
        {
            // Entries before `done` were handed to the file; a retry of this batch continues after them.
            _partialBatch = batch;
            _partialFirst = batch[0];
            FailedAfter(done, batch.Count);
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Writes JSON lines formatted by the pipeline, as <see cref="WriteBatchAsync"/> writes the lines it formats: whole
    /// lines only, rolling before a line that would take the file past its size limit, resuming a failed batch after
    /// its last line that reached the file.
    /// </summary>
    /// <exception cref="InvalidOperationException">The sink writes text (<see cref="AcceptsJsonLines"/> is false).</exception>
    public async ValueTask WriteJsonLinesAsync(ReadOnlyMemory<byte> lines, int entryCount, CancellationToken cancellationToken)
    {
        if (!AcceptsJsonLines)
        {
            throw new InvalidOperationException($"File sink '{_name}' writes {_options.Format} and does not take JSON lines (AcceptsJsonLines is false); hand it entries with WriteBatchAsync.");
        }

        if (lines.IsEmpty)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var done = ResumeOffset(lines, entryCount);
        try
        {
            var now = await BeginWriteAsync().ConfigureAwait(false);

            // While a roll is refused (suspended after a failed rename) the rest goes on into the current file.
            var canRoll = true;
            while (done < lines.Length)
            {
                var rest = lines.Span[done..];
                var room = canRoll ? _options.MaxFileSizeBytes - _fileSize : long.MaxValue;
                var take = WholeLinesWithin(rest, Math.Min(room, WriteChunkBytes));
                if (take == 0)
                {
                    // The next line is longer than the room left or than a write chunk.
                    var end = rest.IndexOf((byte)'\n');
                    take = end < 0 ? rest.Length : end + 1;
                    if (take > room && _fileSize > 0)
                    {
                        // It would take the file past its limit: it starts the next file.
                        canRoll = await RollAsync(now).ConfigureAwait(false);
                        continue;
                    }

                    // Written whole (never split), alone in a file when it is longer than the limit.
                }

                await WriteAsync(lines.Slice(done, take)).ConfigureAwait(false);
                done += take;
            }

            ForgetPartial();
        }
        catch (Exception ex) when (ex is not ObjectDisposedException)
        {
            // As for entries: the lines before `done` reached the file, and a retry with the same memory continues there.
            _partialLines = lines;
            _partialLinesHash = PrefixHash(lines.Span[..done]);
            FailedAfter(done, entryCount);
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Flushes buffered data to disk (fsync) and waits for pending compression and retention work.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        Task housekeeping;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stream is { } stream)
            {
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
                _dirty = false;
            }

            housekeeping = _housekeeping;
        }
        finally
        {
            _gate.Release();
        }

        await housekeeping.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Flushes and closes the file, finishes background work and releases the lock. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        Task housekeeping;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_flushTimer is not null)
            {
                await _flushTimer.DisposeAsync().ConfigureAwait(false);
            }

            if (_stream is { } stream)
            {
                try
                {
                    stream.Flush(flushToDisk: true);
                }
                catch (IOException ex)
                {
                    HybridSelfLog.Report($"File sink '{_name}': flushing '{_names.ActivePath}' at shutdown failed: {ex.Message}");
                }

                CloseStreamQuietly();
            }

            housekeeping = _housekeeping;
        }
        finally
        {
            _gate.Release();
        }

        // Housekeeping never throws (it reports), so this only waits.
        await housekeeping.ConfigureAwait(false);
        _lock.Dispose();
    }

    /// <summary>Test seam: runs before each write to the file stream (throw to simulate an I/O failure).</summary>
    internal Action? BeforeWrite { get; set; }

    /// <summary>Waits for queued compression and retention work (tests).</summary>
    internal Task WhenHousekeepingIdle() => Volatile.Read(ref _housekeeping);

    /// <summary>Under the gate, before writing a batch: reopens after a failure and rolls when an interval has ended.</summary>
    /// <returns>The time the batch is written at (one reading per batch).</returns>
    private async ValueTask<DateTimeOffset> BeginWriteAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var now = _time.GetUtcNow();
        if (_stream is null)
        {
            OpenActiveFile(now, existing: true);
        }

        if (_nextRollAt is { } rollAt && now >= rollAt)
        {
            await RollAsync(now).ConfigureAwait(false);
        }

        return now;
    }

    private int ResumeIndex(IReadOnlyList<LogEntry> batch)
    {
        if (_partialBatch is not null && ReferenceEquals(_partialBatch, batch) && _partialCount == batch.Count && ReferenceEquals(_partialFirst, batch[0]))
        {
            return _partialDone;
        }

        ForgetPartial();
        return 0;
    }

    private int ResumeOffset(ReadOnlyMemory<byte> lines, int entryCount)
    {
        // Equals: the same array (or memory manager), start and length. The pipeline reuses its buffers (pooled chunks,
        // one formatting buffer), so a later batch can have the same memory and count; the hash of the part already
        // written tells a retry from such a batch, as the first entry's identity does for lists.
        if (!_partialLines.IsEmpty && _partialLines.Equals(lines) && _partialCount == entryCount
            && PrefixHash(lines.Span[.._partialDone]) == _partialLinesHash)
        {
            return _partialDone;
        }

        ForgetPartial();
        return 0;
    }

    private void FailedAfter(int done, int count)
    {
        _partialCount = count;
        _partialDone = done;

        // Reopened on the next call, which also ends a line the failure may have cut.
        CloseStreamQuietly();
    }

    private void ForgetPartial()
    {
        _partialBatch = null;
        _partialFirst = null;
        _partialLines = default;
    }

    private static int PrefixHash(ReadOnlySpan<byte> written)
    {
        var hash = default(HashCode);
        hash.AddBytes(written);
        return hash.ToHashCode();
    }

    /// <summary>Length of the whole lines at the start of <paramref name="lines"/> that fit in <paramref name="limit"/> bytes (0 if none).</summary>
    private static int WholeLinesWithin(ReadOnlySpan<byte> lines, long limit)
    {
        if (lines.Length <= limit)
        {
            return lines.Length;
        }

        // One backwards search from the limit instead of one search per line: vectorized, and it stops at the first hit.
        return limit <= 0 ? 0 : lines[..(int)limit].LastIndexOf((byte)'\n') + 1;
    }

    private ValueTask WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        BeforeWrite?.Invoke();

        // Not cancellable once started: a write cut in the middle would leave half a line. Synchronous on purpose: the
        // stream is not opened for async I/O, so WriteAsync of a chunk larger than its buffer queued a thread-pool work
        // item per write; a buffered write to the page cache is cheaper done in place on the destination's own loop.
        _stream!.Write(bytes.Span);
        _fileSize += bytes.Length;
        Interlocked.Add(ref _bytesWritten, bytes.Length);
        _dirty = true;
        return ValueTask.CompletedTask;
    }

    private void OpenActiveFile(DateTimeOffset now, bool existing)
    {
        var path = _names.ActivePath;
        var needsNewline = false;
        var start = now;
        if (existing && System.IO.File.Exists(path))
        {
            // Appending to a file of an earlier run (or reopening after a failed write). A line cut by a crash or a failed
            // write is ended, so the next entry starts on its own line.
            using (var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0))
            {
                if (reader.Length > 0)
                {
                    reader.Seek(-1, SeekOrigin.End);
                    needsNewline = reader.ReadByte() != '\n';
                }
            }

            if (_fileStart != default)
            {
                // Reopening our own file (after a failed write or roll): it keeps its start.
                start = _fileStart;
            }
            else
            {
                var created = System.IO.File.GetCreationTimeUtc(path);
                var written = System.IO.File.GetLastWriteTimeUtc(path);
                start = new DateTimeOffset(created <= written ? created : written, TimeSpan.Zero);
            }
        }

        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,

            // Readers (tail, log shippers) may read, and rename/delete is allowed so they do not block a roll on Windows.
            Share = FileShare.Read | FileShare.Delete,
            BufferSize = _options.BufferSize,
            Options = FileOptions.SequentialScan,
        });
        _stream = stream;
        _fileSize = stream.Length;
        _fileStart = start;
        _nextRollAt = NextBoundary(start);
        if (needsNewline)
        {
            stream.Write(Newline);
            _fileSize += Newline.Length;
            Interlocked.Add(ref _bytesWritten, Newline.Length);
            _dirty = true;
        }
    }

    /// <returns>False when the file was not rolled (rolling is suspended after a failed rename): writing goes on into it.</returns>
    private async ValueTask<bool> RollAsync(DateTimeOffset now)
    {
        var stream = _stream!;
        if (now < _rollSuspendedUntil)
        {
            return false;
        }

        if (_fileSize == 0)
        {
            // Nothing to keep: the empty file simply becomes the file of the new period.
            _fileStart = now;
            _nextRollAt = NextBoundary(now);
            return true;
        }

        // Not cancellable: a roll stopped half-way would leave the files in a state no retry expects.
        await stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        stream.Flush(flushToDisk: true);
        _dirty = false;
        var rolledPath = _names.NextRolledPath(Truncate(_fileStart));
        CloseStreamQuietly();
        try
        {
            System.IO.File.Move(_names.ActivePath, rolledPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Keep logging into the oversized file rather than losing entries; the roll is tried again later.
            HybridSelfLog.Report($"File sink '{_name}': rolling '{_names.ActivePath}' to '{rolledPath}' failed, writing on and retrying in {RollRetryDelay.TotalSeconds:0} s: {ex.Message}");
            OpenActiveFile(now, existing: true);
            _rollSuspendedUntil = now + RollRetryDelay;
            return false;
        }

        OpenActiveFile(now, existing: false);
        ScheduleHousekeeping();
        return true;
    }

    private DateTimeOffset? NextBoundary(DateTimeOffset start) => _options.RollingInterval switch
    {
        FileRollingInterval.Hourly => Truncate(start).AddHours(1),
        FileRollingInterval.Daily => Truncate(start).AddDays(1),
        _ => null,
    };

    /// <summary>The start of the interval containing <paramref name="time"/> (whole seconds when rolling by size only).</summary>
    private DateTimeOffset Truncate(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return _options.RollingInterval switch
        {
            FileRollingInterval.Hourly => new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero),
            FileRollingInterval.Daily => new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero),
            _ => new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, utc.Second, TimeSpan.Zero),
        };
    }

    private void CloseStreamQuietly()
    {
        var stream = _stream;
        _stream = null;
        try
        {
            stream?.Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            HybridSelfLog.Report($"File sink '{_name}': closing '{_names.ActivePath}' failed: {ex.Message}");
        }
    }

    private void FlushOnTimer()
    {
        if (!_dirty || !_gate.Wait(0))
        {
            // Nothing new, or a write/flush is running (it will be flushed on a later tick).
            return;
        }

        try
        {
            if (_stream is { } stream && !_disposed)
            {
                stream.Flush(flushToDisk: true);
                _dirty = false;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            HybridSelfLog.Report($"File sink '{_name}': periodic flush of '{_names.ActivePath}' failed: {ex.Message}");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Queues one compression-and-retention pass (coalesced) after any running one. Called under the gate.</summary>
    private void ScheduleHousekeeping()
    {
        if (Interlocked.Exchange(ref _housekeepingQueued, 1) != 0)
        {
            return;
        }

        Volatile.Write(ref _housekeeping, _housekeeping.ContinueWith(
            static (_, state) => ((FileSink)state!).RunHousekeeping(),
            this,
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default));
    }

    private void RunHousekeeping()
    {
        Volatile.Write(ref _housekeepingQueued, 0);
        try
        {
            var files = _names.List();
            if (_options.CompressRolledFiles)
            {
                foreach (var file in files)
                {
                    if (!file.Compressed && !System.IO.File.Exists(RolledFileNames.CompressedPath(file.Path)))
                    {
                        Compress(file.Path);
                    }
                }

                files = _names.List();
            }

            ApplyRetention(files);
        }
        catch (Exception ex)
        {
            HybridSelfLog.Report($"File sink '{_name}': housekeeping in '{_names.Directory}' failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private void Compress(string path)
    {
        var target = RolledFileNames.CompressedPath(path);
        var temporary = target + ".tmp";
        try
        {
            using (var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan))
            using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
                {
                    input.CopyTo(gzip);
                }

                output.Flush(flushToDisk: true);
            }

            // Only a complete archive gets the final name; then the original goes.
            System.IO.File.Move(temporary, target, overwrite: true);
            System.IO.File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            HybridSelfLog.Report($"File sink '{_name}': compressing '{path}' failed, the file is kept uncompressed: {ex.Message}");
            TryDelete(temporary);
        }
    }

    /// <summary>Keeps the newest <c>RetainedFileCount - 1</c> rolled files (the active file is the last one counted).</summary>
    private void ApplyRetention(List<RolledFile> newestFirst)
    {
        var keep = _options.RetainedFileCount - 1;
        var seen = 0;
        (string Stamp, int Sequence) previous = default;
        foreach (var file in newestFirst)
        {
            // A file and its archive (only both present if compression was interrupted) count once.
            if (seen == 0 || (file.Stamp, file.Sequence) != previous)
            {
                seen++;
                previous = (file.Stamp, file.Sequence);
            }

            if (seen > keep)
            {
                TryDelete(file.Path);
            }
        }
    }

    private void TryDelete(string path)
    {
        try
        {
            System.IO.File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            HybridSelfLog.Report($"File sink '{_name}': deleting '{path}' failed (retried after the next roll): {ex.Message}");
        }
    }
}
