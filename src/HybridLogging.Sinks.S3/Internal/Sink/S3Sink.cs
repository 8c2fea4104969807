using System.Diagnostics;
using Amazon.S3;
using HybridLogging.Formatting;
using HybridLogging.Sinks.S3.Internal.Objects;
using HybridLogging.Sinks.S3.Internal.Upload;

namespace HybridLogging.Sinks.S3.Internal.Sink;

/// <summary>
/// Archives JSON lines to S3 in objects that span the destination's batches. Records are compressed into the open
/// object as they arrive; its full parts, and the last upload of a closed object, go to background uploads
/// (<see cref="PendingUploads"/>), so a write waits for S3 only when <see cref="S3SinkOptions.MaxPendingUploads"/> of
/// them are running. The object is closed when it reaches <see cref="S3SinkOptions.MaxObjectBytes"/>, when it is
/// <see cref="S3SinkOptions.MaxObjectAge"/> old (checked on every batch and by a timer of the sink's
/// <see cref="TimeProvider"/>), when the hour of the entries changes, and on flush and shutdown.
/// </summary>
/// <remarks>
/// A record counts as written only once its object is stored: records whose object is not stored when a call returns
/// are deferred (<see cref="LogRecordBatch.Defer"/>) and their deferral is completed, or failed, when the object is
/// stored or given up. S3 calls are retried with the object's key and token (<see cref="ObjectUploader"/>); an object
/// that cannot be stored (or one of whose parts cannot) fails all its records and its multipart upload is aborted; a
/// failure noticed during a write hands the records of the batch not compressed yet back to the pipeline for retry.
/// Writes, flushes and the age timer take turns through one gate; the uploads run outside it.
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
    private readonly PendingUploads _pending;
    private readonly ObjectStorer _storer;
    private readonly SinkCounters _counters = new();
    private readonly RateLimitedReport _report;
    private readonly TimeProvider _time;
    private ITimer? _ageTimer;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private OpenObject? _open;
    private long _sequence;
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
        _pending = new PendingUploads(_options.MaxPendingUploads);
        _report = new RateLimitedReport(_time, TimeSpan.FromSeconds(30));
        _storer = new ObjectStorer(_uploader, _pending, _counters, Report, () => _ = RollIfDueAsync());
    }

    public LogEntryFormatter Formatter => JsonLogFormatter.Instance;

    /// <summary>Compressed bytes of the objects stored.</summary>
    public long BytesWritten => _storer.BytesWritten;

    /// <summary>The settings in use (a copy).</summary>
    internal S3SinkOptions Options => _options;

    /// <summary>Objects stored.</summary>
    internal long ObjectsStored => _counters.Objects;

    /// <summary>Objects stored with a multipart upload.</summary>
    internal long MultipartObjectsStored => _counters.MultipartObjects;

    /// <summary>Entries counted failed because their object could not be stored.</summary>
    internal long EntriesFailed => _storer.EntriesFailed;

    /// <summary>Records in the open object (0 when none is open).</summary>
    internal int OpenRecords => _open?.RecordCount ?? 0;

    /// <summary>
    /// The most compressed bytes the sink ever held at once (the open object's buffer and the uploads not finished): at
    /// most <see cref="S3SinkOptions.MaxPendingUploads"/> + 1 times <see cref="S3SinkOptions.PartSizeBytes"/>, plus what
    /// one record (or the compressor's trailer) adds.
    /// </summary>
    internal long MaxBufferedBytes => Volatile.Read(ref _maxBufferedBytes);

    /// <summary>Background uploads running.</summary>
    internal int PendingUploadCount => _pending.Count;

    /// <summary>Times a write (or flush, or the timer) found the bound of uploads running and waited for one to end.</summary>
    internal long UploadWaits => _pending.Waits;

    /// <summary>Completes when the uploads handed off so far have ended (the open object stays open).</summary>
    internal Task UploadsSettledAsync(CancellationToken cancellationToken) => _pending.WhenAllAsync(cancellationToken);

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
            if (_open is { } open)
            {
                open.DeferCallRecords(batch, Report);
            }

            _counters.SetConflictRetries(_store.Conflicts);
            _counters.ReportTo(batch);
            _gate.Release();
        }
    }

    /// <summary>
    /// Stores the open object and waits for every upload handed off, which settles every record the sink holds (the
    /// destination's flush and shutdown).
    /// </summary>
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

            await _pending.WhenAllAsync(cancellationToken).ConfigureAwait(false);
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

        // The pipeline flushes before it disposes: uploads still running, or an object still open, could not be stored
        // in time. They get the grace a write had before (10 s) to end, then are cancelled and settle as failed; the
        // open object is given up after its parts ended, so its abort comes last. The gate is kept: no more turns.
        var started = Stopwatch.GetTimestamp();
        var gated = await _gate.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        await _pending.DrainAsync(TimeSpan.FromSeconds(10) - Stopwatch.GetElapsedTime(started)).ConfigureAwait(false);
        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (gated && _open is { } left)
        {
            _open = null;
            await _storer.GiveUpAsync(left, null, new ObjectFailure("disposed", null)).ConfigureAwait(false);
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
        _pending.Dispose();
    }

    private async Task WriteLockedAsync(LogRecordBatch batch, CancellationToken cancellationToken)
    {
        // A failure noted before this call was of objects that settled their own records: not this batch's business.
        _pending.TakeFailure();
        var groups = RecordGroups.ByHour(batch);
        if (_open is { } first && (first.Failure is not null || IsExpired(first)) &&
            await CloseAsync(batch, cancellationToken).ConfigureAwait(false) is { } firstFailure)
        {
            RecordGroups.RetryFrom(batch, groups, 0, 0, firstFailure);
            return;
        }

        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            for (var k = 0; k < group.Indices.Count; k++)
            {
                // An upload failed while this call compresses (S3 is failing): the rest goes back for the pipeline's
                // backoff, as when the call uploaded inline, rather than into more objects that may fail too.
                if (_pending.TakeFailure() is { } uploadFailure)
                {
                    if (_open is { Failure: not null })
                    {
                        await CloseAsync(batch, cancellationToken).ConfigureAwait(false);
                    }

                    RecordGroups.RetryFrom(batch, groups, g, k, uploadFailure);
                    return;
                }

                if (_open is { } current && current.Hour != group.Hour &&
                    await CloseAsync(batch, cancellationToken).ConfigureAwait(false) is { } hourFailure)
                {
                    RecordGroups.RetryFrom(batch, groups, g, k, hourFailure);
                    return;
                }

                var index = group.Indices[k];
                var o = _open ??= Open(group.Hour);
                o.Encoder.Append(batch[index].Bytes.Span);
                o.CallRecords.Add(index);
                o.RecordCount++;
                NoteBuffered(o);

                var failure = o.Encoder.BufferedBytes >= _options.PartSizeBytes
                    ? await HandOffPartAsync(batch, cancellationToken).ConfigureAwait(false)
                    : null;
                if (failure is null && _open is not null && o.Encoder.CompressedBytes >= _options.MaxObjectBytes)
                {
                    failure = await CloseAsync(batch, cancellationToken).ConfigureAwait(false);
                }

                if (failure is not null)
                {
                    RecordGroups.RetryFrom(batch, groups, g, k + 1, failure);
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

    /// <summary>
    /// Hands the open object's full part to a background upload (waiting for room first). Returns null, or the failure
    /// reason when waiting was cancelled and the object given up.
    /// </summary>
    private async Task<string?> HandOffPartAsync(LogRecordBatch batch, CancellationToken cancellationToken)
    {
        var o = _open!;
        var number = ++o.PartCount;
        if (number == 1)
        {
            o.Initiated = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        var body = o.Encoder.TakePart(_options.PartSizeBytes);
        try
        {
            await _storer.StartPartAsync(o, number, body, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown gave up while the bound was reached: the part is not sent, and the object is given up as an
            // upload cancelled inline was.
            o.Initiated!.TrySetResult(false);
            _open = null;
            await _storer.GiveUpAsync(o, batch, new ObjectFailure("cancelled", ex)).ConfigureAwait(false);
            return "cancelled";
        }
    }

    /// <summary>
    /// Closes the open object and hands its last upload to the background, its records deferred until it is stored;
    /// or gives it up if one of its parts failed. Returns the failure reason, or null once handed off.
    /// </summary>
    private async Task<string?> CloseAsync(LogRecordBatch? batch, CancellationToken cancellationToken)
    {
        var o = _open!;
        _open = null;
        if (o.Failure is { } partFailure)
        {
            await _storer.GiveUpAsync(o, batch, partFailure).ConfigureAwait(false);
            return partFailure.Reason;
        }

        if (batch is not null)
        {
            o.DeferCallRecords(batch, Report);
        }

        o.Encoder.Finish();
        NoteBuffered(o);
        var body = o.Encoder.TakeRest();
        try
        {
            if (o.PartCount > 0 && body.Length > 0)
            {
                // A multipart object's last part uploads side by side with the others; its store only completes it.
                await _storer.StartPartAsync(o, ++o.PartCount, body, cancellationToken).ConfigureAwait(false);
                body = PartBody.Empty;
            }

            await _storer.StartStoreAsync(o, body, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            await _storer.GiveUpAsync(o, null, new ObjectFailure("cancelled", ex)).ConfigureAwait(false);
            return "cancelled";
        }
    }

    private void OnAgeTimer() => _ = RollIfDueAsync();

    /// <summary>The age timer's turn (also taken when a part fails): closes the open object when due, or gives it up.</summary>
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
                    if (left <= TimeSpan.Zero || o.Failure is not null)
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

    /// <summary>Records the bytes held now (they grow only here, as records are compressed): the open buffer and the uploads'.</summary>
    private void NoteBuffered(OpenObject o)
    {
        var held = o.Encoder.BufferedBytes + _pending.Bytes;
        if (held > Volatile.Read(ref _maxBufferedBytes))
        {
            Volatile.Write(ref _maxBufferedBytes, held);
        }
    }

    private ObjectAttempt NewAttempt(long hour) =>
        new(_keys.Render(new DateTime(hour * TimeSpan.TicksPerHour, DateTimeKind.Utc), Interlocked.Increment(ref _sequence)), Guid.NewGuid().ToString("N"));

    private void Report(string what) => _report.Report($"S3 sink '{_name}' (bucket '{_options.BucketName}'): {what}.");
}
