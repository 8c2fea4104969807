using HybridLogging.Formatting;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;

namespace HybridLogging.Sinks.File.Internal;

/// <summary>
/// The rolling file sink as the pipeline sees it: takes batches of records formatted by <see cref="Formatter"/> (JSON
/// lines, or text) and writes them to the <see cref="ActiveFile"/> in few large writes (one per run of adjacent records
/// within the size limit), rolling before a record that would take the file past the limit (so a record is never split
/// across files; one larger than the limit is written alone into its own file) and at UTC interval boundaries. It owns
/// the per-batch outcome: a record counts as written only once the OS accepted it (<see cref="ActiveFile.Commit"/>), and
/// when a write fails after some records reached the file, the rest are marked for retry instead of the whole batch
/// being failed. Also owns the lock (<see cref="FileLock"/>, removed on a clean shutdown), the periodic flush to disk,
/// and scheduling <see cref="Housekeeping"/> after each roll.
/// </summary>
internal sealed class FileSink : IFormattedLogSink, IReportsBytes
{
    // A run of records is written (and committed) in pieces of about this size, so one huge batch is not one huge write.
    private const int WriteChunkBytes = 1024 * 1024;

    private readonly string _name;
    private readonly FileSinkOptions _options;
    private readonly TimeProvider _time;
    private readonly RolledFileNames _names;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly FileLock _lock;
    private readonly ActiveFile _file;
    private readonly Housekeeping _housekeeping;
    private readonly ITimer? _flushTimer;
    private bool _disposed;
    private int _failuresSinceReport;

    public FileSink(string name, FileSinkOptions options, TimeProvider? timeProvider = null)
        : this(name, options, timeProvider, wrapStream: null)
    {
    }

    /// <param name="name">The destination's name.</param>
    /// <param name="options">Settings; validated here.</param>
    /// <param name="timeProvider">Clock for interval rolling and the periodic flush.</param>
    /// <param name="wrapStream">Test seam: wraps each file stream the sink opens (a full disk, a failing device).</param>
    /// <param name="syncToDisk">Test seam: the background sync's call (a slow or failing disk).</param>
    internal FileSink(
        string name, FileSinkOptions options, TimeProvider? timeProvider, Func<FileStream, Stream>? wrapStream, Action<SafeFileHandle>? syncToDisk = null)
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
        Formatter = _options.Format == LogFormat.Text ? new TextLogFormatter() : JsonLogFormatter.Instance;
        _file = new ActiveFile(name, _options, _names, wrapStream, syncToDisk);
        _housekeeping = new Housekeeping(name, _options, _names);
        System.IO.Directory.CreateDirectory(_names.Directory);
        _lock = FileLock.Acquire(_names.ActivePath, name);
        try
        {
            _file.EnsureOpen(_time.GetUtcNow());
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
            _housekeeping.Schedule();
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

    /// <summary><see cref="JsonLogFormatter.Instance"/>, or a <see cref="TextLogFormatter"/> for <see cref="LogFormat.Text"/>.</summary>
    public LogEntryFormatter Formatter { get; }

    /// <summary>The validated settings in force (a copy).</summary>
    internal FileSinkOptions Options => _options;

    /// <summary>Full path of the active file.</summary>
    public string ActivePath => _names.ActivePath;

    /// <summary>Bytes the operating system accepted, across rolled files.</summary>
    public long BytesWritten => _file.BytesWritten;

    /// <summary>Test seam: runs before each write of a run of records (throw to simulate an I/O failure).</summary>
    internal Action? BeforeWrite { get; set; }

    /// <inheritdoc />
    /// <remarks>
    /// Records not marked count as written: they are in the file, committed to the OS. When a write fails after some
    /// records of the batch were committed, the file is cut back to the last committed record and the rest are marked
    /// for retry (<c>diskFull</c> or <c>ioError</c>), so none is written twice and none counts that is not in the file.
    /// When none was committed the exception is thrown (the whole batch is retried).
    /// </remarks>
    public async ValueTask WriteAsync(LogRecordBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var committed = 0;
        var now = default(DateTimeOffset);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            now = _time.GetUtcNow();
            if (_file.Prepare(now))
            {
                _housekeeping.Schedule();
            }

            // Not cancellable from here: a write stopped half-way would leave half a record.
            WriteRecords(batch, now, ref committed);
            if (_failuresSinceReport > 0)
            {
                HybridSelfLog.Report($"File sink '{_name}': writing '{_names.ActivePath}' works again after {_failuresSinceReport} failed batch(es).");
                _failuresSinceReport = 0;
            }
        }
        catch (Exception ex) when (ex is not ObjectDisposedException)
        {
            _file.Abandon(now == default ? _time.GetUtcNow() : now);
            if (_failuresSinceReport++ == 0)
            {
                // Once per run of failures: the pipeline reports failed batches itself, and a full disk fails every batch.
                HybridSelfLog.Report($"File sink '{_name}': writing '{_names.ActivePath}' failed after {committed} of {batch.Count} records; the file is cut back to its last whole record: {ex.Message}");
            }

            if (committed == 0)
            {
                throw;
            }

            var reason = IsDiskFull(ex) ? "diskFull" : "ioError";
            for (var i = committed; i < batch.Count; i++)
            {
                batch.Retry(i, reason);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Commits buffered data, flushes it to disk (fsync) and waits for pending compression and retention work.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _file.FlushToDisk();
        }
        finally
        {
            _gate.Release();
        }

        await _housekeeping.WhenIdle.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Flushes and closes the file, finishes background work and releases the lock, removing the lock file. Idempotent.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
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

            _file.Shutdown(_time.GetUtcNow());
        }
        finally
        {
            _gate.Release();
        }

        // Housekeeping never throws (it reports), so this only waits.
        await _housekeeping.WhenIdle.ConfigureAwait(false);
        _lock.Dispose();
    }

    /// <summary>Waits for queued compression and retention work (tests).</summary>
    internal Task WhenHousekeepingIdle() => _housekeeping.WhenIdle;

    /// <summary>Writes the batch's records in runs, committing each run; <paramref name="committed"/> counts the records committed.</summary>
    private void WriteRecords(LogRecordBatch batch, DateTimeOffset now, ref int committed)
    {
        // While a roll is refused (suspended after a failed rename) the rest goes on into the current file.
        var canRoll = true;
        var segmentCount = batch.SegmentCount;
        for (var s = 0; s < segmentCount; s++)
        {
            var segment = batch.GetSegment(s);
            var end = segment.FirstRecord + segment.RecordCount;
            var offset = 0;
            for (var first = segment.FirstRecord; first < end;)
            {
                var room = canRoll ? _options.MaxFileSizeBytes - _file.Size : long.MaxValue;
                var limit = Math.Min(room, WriteChunkBytes);
                long length = 0;
                var next = first;
                while (next < end && length + batch[next].Bytes.Length <= limit)
                {
                    length += batch[next].Bytes.Length;
                    next++;
                }

                if (next == first)
                {
                    // The next record is longer than the room left or than a write chunk.
                    length = batch[first].Bytes.Length;
                    if (length > room && _file.Size > 0)
                    {
                        // It would take the file past its limit: it starts the next file.
                        var rolled = _file.Roll(now);
                        canRoll = rolled != RollResult.Refused;
                        if (rolled == RollResult.Rolled)
                        {
                            _housekeeping.Schedule();
                        }

                        continue;
                    }

                    // Written whole (never split), alone in a file when it is longer than the limit.
                    next = first + 1;
                }

                BeforeWrite?.Invoke();
                _file.Write(segment.Bytes.Span.Slice(offset, (int)length));
                _file.Commit();
                committed = next;
                offset += (int)length;
                first = next;
            }
        }
    }

    private static bool IsDiskFull(Exception ex) =>

        // ENOSPC (28) and EDQUOT (122 on Linux) as .NET reports errno on Unix; ERROR_HANDLE_DISK_FULL (39) and
        // ERROR_DISK_FULL (112) in the low word of the HRESULT on Windows.
        ex is IOException && (OperatingSystem.IsWindows() ? (ex.HResult & 0xFFFF) is 39 or 112 : ex.HResult is 28 or 122);

    private void FlushOnTimer()
    {
        if (!_gate.Wait(0))
        {
            // A write or flush is running; a later tick flushes.
            return;
        }

        try
        {
            if (!_disposed)
            {
                _file.FlushToDiskIfDirty();
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
}
