using Amazon.Runtime;
using Amazon.S3;
using HybridLogging.Formatting;
using HybridLogging.Sinks.S3.Internal.Objects;
using HybridLogging.Sinks.S3.Internal.Upload;

namespace HybridLogging.Sinks.S3.Internal.Sink;

/// <summary>
/// Archives JSON lines to S3 in objects that span the destination's batches. Records are compressed into the open
/// object as they arrive (its compressed bytes are uploaded part by part, so the sink holds at most about one part), and
/// the object is closed and stored when it reaches <see cref="S3SinkOptions.MaxObjectBytes"/>, when it is
/// <see cref="S3SinkOptions.MaxObjectAge"/> old (checked on every batch and by a timer of the sink's
/// <see cref="TimeProvider"/>), when the hour of the entries changes, and on flush and shutdown.
/// </summary>
/// <remarks>
/// A record counts as written only once its object is stored: records still in the open object when a call returns are
/// deferred (<see cref="LogRecordBatch.Defer"/>) and their deferral is completed, or failed, when the object is stored or
/// given up. S3 calls are retried with the object's key and token (<see cref="ObjectUploader"/>); an object that cannot be
/// stored fails its records, and the records of the batch not yet compressed go back to the pipeline for retry.
/// Writes, flushes and the age timer take turns through one gate.
/// </remarks>
internal sealed class S3Sink : IFormattedLogSink, IReportsBytes
{
    private readonly string _name;
    private readonly S3SinkOptions _options;
    private readonly IAmazonS3 _client;
    private readonly bool _ownsClient;
    private readonly S3ObjectStore _store;
    private readonly ObjectKeyTemplate _keys;
    private readonly ObjectUploader _uploader;
    private readonly SinkCounters _counters = new();
    private readonly RateLimitedReport _report;
    private readonly TimeProvider _time;
    private ITimer? _ageTimer;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private OpenObject? _open;
    private long _sequence;
    private long _bytesWritten;
    private long _entriesFailed;
    private long _maxBufferedBytes;
    private int _disposed;

    public S3Sink(string name, S3SinkOptions options, IAmazonS3? client, TimeProvider? timeProvider)
    {
        _name = name;
        _options = options.Clone();
        _time = timeProvider ?? TimeProvider.System;
        _ownsClient = client is null;
        _client = client ?? S3ClientFactory.Create(_options);
        _store = new S3ObjectStore(_client, _options);
        _keys = new ObjectKeyTemplate(_options, _time.GetUtcNow());
        _uploader = new ObjectUploader(_store, _options, NewAttempt, _counters);
        _report = new RateLimitedReport(_time, TimeSpan.FromSeconds(30));
    }

    public LogEntryFormatter Formatter => JsonLogFormatter.Instance;

    /// <summary>Compressed bytes of the objects stored.</summary>
    public long BytesWritten => Volatile.Read(ref _bytesWritten);

    /// <summary>The settings in use (a copy).</summary>
    internal S3SinkOptions Options => _options;

    /// <summary>Objects stored.</summary>
    internal long ObjectsStored => _counters.Objects;

    /// <summary>Objects stored with a multipart upload.</summary>
    internal long MultipartObjectsStored => _counters.MultipartObjects;

    /// <summary>Entries counted failed because their object could not be stored.</summary>
    internal long EntriesFailed => Volatile.Read(ref _entriesFailed);

    /// <summary>Records in the open object (0 when none is open).</summary>
    internal int OpenRecords => _open?.RecordCount ?? 0;

    /// <summary>
    /// The most compressed bytes the sink ever held at once (the open object's part buffer): at most
    /// <see cref="S3SinkOptions.PartSizeBytes"/> plus what one record (or the compressor's trailer) adds.
    /// </summary>
    internal long MaxBufferedBytes => Volatile.Read(ref _maxBufferedBytes);

    public async ValueTask WriteAsync(LogRecordBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteLockedAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Also after an unexpected exception: records compressed into the open object must not be retried as well.
            DeferOpenRecords(batch);
            _counters.SetConflictRetries(_store.Conflicts);
            _counters.ReportTo(batch);
            _gate.Release();
        }
    }

    /// <summary>Stores the open object, which settles every record it holds (the destination's flush and shutdown).</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_open is not null)
            {
                await CloseAsync(null, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_ageTimer is not null)
        {
            await _ageTimer.DisposeAsync().ConfigureAwait(false);
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);

        // The pipeline flushes before it disposes; an object still open here could not be stored in time.
        if (await _gate.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false) && _open is { } left)
        {
            _open = null;
            await _uploader.AbortAsync(left).ConfigureAwait(false);
            left.Deferral?.Fail("disposed");
            Interlocked.Add(ref _entriesFailed, left.RecordCount);
            left.Dispose();
        }

        var failed = EntriesFailed;
        var aborted = _counters.AbortedUploads;
        if (failed > 0 || aborted > 0)
        {
            // Not rate-limited: this is the one summary of the sink's life.
            HybridSelfLog.Report(
                $"S3 sink '{_name}' closed: {ObjectsStored} objects stored ({BytesWritten} bytes); {failed} entries failed because " +
                $"their object could not be stored; {aborted} multipart uploads aborted.");
        }

        if (_ownsClient)
        {
            _client.Dispose();
        }

        _lifetime.Dispose();
    }

    private async Task WriteLockedAsync(LogRecordBatch batch, CancellationToken cancellationToken)
    {
        var groups = RecordGroups.ByHour(batch);
        if (_open is { } aged && IsExpired(aged) && await CloseAsync(batch, cancellationToken).ConfigureAwait(false) is { } agedFailure)
        {
            RetryFrom(batch, groups, 0, 0, agedFailure);
            return;
        }

        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            for (var k = 0; k < group.Indices.Count; k++)
            {
                if (_open is { } current && current.Hour != group.Hour &&
                    await CloseAsync(batch, cancellationToken).ConfigureAwait(false) is { } hourFailure)
                {
                    RetryFrom(batch, groups, g, k, hourFailure);
                    return;
                }

                var index = group.Indices[k];
                var o = _open ??= Open(group.Hour);
                o.Encoder.Append(batch[index].Bytes.Span);
                o.CallRecords.Add(index);
                o.RecordCount++;
                NoteBuffered(o);

                var failure = o.Encoder.BufferedBytes >= _options.PartSizeBytes
                    ? await UploadPartAsync(batch, cancellationToken).ConfigureAwait(false)
                    : null;
                if (failure is null && _open is not null && o.Encoder.CompressedBytes >= _options.MaxObjectBytes)
                {
                    failure = await CloseAsync(batch, cancellationToken).ConfigureAwait(false);
                }

                if (failure is not null)
                {
                    RetryFrom(batch, groups, g, k + 1, failure);
                    return;
                }
            }
        }

        // What this call left in the open object is deferred by WriteAsync when the call ends.
    }

    private OpenObject Open(long hour)
    {
        var o = new OpenObject(hour, NewAttempt(hour), _options.Compression, _time.GetTimestamp());
        if (Volatile.Read(ref _disposed) == 0)
        {
            // Created on the first write, not in the constructor: the timer captures the execution context of the
            // destination's loop, whose logging suppression then covers the uploads it starts (the AWS SDK logs through
            // ILogger, which must not loop back into the pipeline).
            _ageTimer ??= _time.CreateTimer(static state => ((S3Sink)state!).OnAgeTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _ageTimer.Change(_options.MaxObjectAge, Timeout.InfiniteTimeSpan);
        }

        return o;
    }

    /// <summary>Uploads the open object's full part; on failure gives the object up. Returns the failure reason, or null.</summary>
    private async Task<string?> UploadPartAsync(LogRecordBatch batch, CancellationToken cancellationToken)
    {
        var o = _open!;
        try
        {
            await _uploader.UploadPartAsync(o, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex)
        {
            _open = null;
            var reason = ReasonFor(ex, cancellationToken);
            await FailAsync(o, batch, reason, ex).ConfigureAwait(false);
            return reason;
        }
    }

    /// <summary>Closes and stores the open object and settles its records. Returns the failure reason, or null when stored.</summary>
    private async Task<string?> CloseAsync(LogRecordBatch? batch, CancellationToken cancellationToken)
    {
        var o = _open!;
        _open = null;
        try
        {
            var result = await _uploader.StoreAsync(o, cancellationToken).ConfigureAwait(false);
            NoteBuffered(o);
            if (result == StoreResult.Stored)
            {
                _counters.AddObject();
                if (o.Parts.Count > 0)
                {
                    _counters.AddMultipartObject();
                }

                Interlocked.Add(ref _bytesWritten, o.Encoder.CompressedBytes);
            }
            else
            {
                _counters.AddAlreadyStored();
            }

            // This call's records stay unmarked: written with the batch. Earlier calls' records are settled here.
            o.Deferral?.Complete();
            o.Dispose();
            return null;
        }
        catch (Exception ex)
        {
            var reason = ReasonFor(ex, cancellationToken);
            await FailAsync(o, batch, reason, ex).ConfigureAwait(false);
            return reason;
        }
    }

    /// <summary>Gives an object up: aborts its upload and counts its records as failed.</summary>
    private async Task FailAsync(OpenObject o, LogRecordBatch? batch, string reason, Exception ex)
    {
        if (!await _uploader.AbortAsync(o).ConfigureAwait(false))
        {
            Report($"aborting the multipart upload of '{o.Attempt.Key}' failed; its parts stay until the bucket's lifecycle rule removes them");
        }

        o.Deferral?.Fail(reason);
        if (batch is not null)
        {
            foreach (var index in o.CallRecords)
            {
                batch.Fail(index, reason);
            }
        }

        Interlocked.Add(ref _entriesFailed, o.RecordCount);
        Report($"storing '{o.Attempt.Key}' failed, its {o.RecordCount} entries are counted as failed ({reason}): {Describe(ex)}");
        o.Dispose();
    }

    /// <summary>Hands the records this call added to the still open object over to its deferral.</summary>
    private void DeferOpenRecords(LogRecordBatch batch)
    {
        if (_open is not { CallRecords.Count: > 0 } o)
        {
            return;
        }

        try
        {
            o.Deferral ??= batch.CreateDeferral();
            foreach (var index in o.CallRecords)
            {
                batch.Defer(index, o.Deferral);
            }
        }
        catch (InvalidOperationException ex)
        {
            // The destination abandoned this call (it timed out) and already counted its records.
            Report($"records could not be deferred: {ex.Message}");
        }

        o.CallRecords.Clear();
    }

    private void OnAgeTimer() => _ = RollIfDueAsync();

    private async Task RollIfDueAsync()
    {
        try
        {
            await _gate.WaitAsync(_lifetime.Token).ConfigureAwait(false);
            try
            {
                if (_open is { } o && Volatile.Read(ref _disposed) == 0)
                {
                    var left = _options.MaxObjectAge - _time.GetElapsedTime(o.OpenedTimestamp);
                    if (left <= TimeSpan.Zero)
                    {
                        await CloseAsync(null, _lifetime.Token).ConfigureAwait(false);
                    }
                    else
                    {
                        _ageTimer?.Change(left, Timeout.InfiniteTimeSpan);
                    }
                }
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Disposed meanwhile.
        }
    }

    private bool IsExpired(OpenObject o) => _time.GetElapsedTime(o.OpenedTimestamp) >= _options.MaxObjectAge;

    private void NoteBuffered(OpenObject o)
    {
        long buffered = o.Encoder.BufferedBytes;
        if (buffered > Volatile.Read(ref _maxBufferedBytes))
        {
            Volatile.Write(ref _maxBufferedBytes, buffered);
        }
    }

    private ObjectAttempt NewAttempt(long hour) =>
        new(_keys.Render(new DateTime(hour * TimeSpan.TicksPerHour, DateTimeKind.Utc), Interlocked.Increment(ref _sequence)), Guid.NewGuid().ToString("N"));

    /// <summary>Hands the records not compressed yet back to the pipeline, which retries them after its backoff.</summary>
    private static void RetryFrom(LogRecordBatch batch, List<HourGroup> groups, int firstGroup, int start, string reason)
    {
        for (var g = firstGroup; g < groups.Count; g++)
        {
            var indices = groups[g].Indices;
            for (var k = g == firstGroup ? start : 0; k < indices.Count; k++)
            {
                batch.Retry(indices[k], reason);
            }
        }
    }

    private static string ReasonFor(Exception ex, CancellationToken cancellationToken) =>
        ex is OperationCanceledException && cancellationToken.IsCancellationRequested ? "cancelled" : ObjectUploader.ReasonFor(ex) ?? "error";

    // Messages name the bucket and key only: credentials never appear (the SDK's messages do not carry them either).
    private static string Describe(Exception ex) => ex is AmazonServiceException service
        ? $"{(int)service.StatusCode} {service.ErrorCode}: {service.Message}"
        : $"{ex.GetType().Name}: {ex.Message}";

    private void Report(string what) => _report.Report($"S3 sink '{_name}' (bucket '{_options.BucketName}'): {what}.");
}
