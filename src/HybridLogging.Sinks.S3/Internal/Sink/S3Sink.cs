using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using HybridLogging.Formatting;
using HybridLogging.Sinks.S3.Internal.Objects;
using HybridLogging.Sinks.S3.Internal.Upload;

namespace HybridLogging.Sinks.S3.Internal.Sink;

/// <summary>
/// Archives JSON lines to S3. Each batch is split by the UTC hour of its entries, each hour's records are compressed
/// as they are read into objects of at most <see cref="S3SinkOptions.MaxObjectBytes"/>, and every object is stored
/// before <see cref="WriteAsync"/> returns: a record counts as written only once the object holding it is in S3.
/// </summary>
/// <remarks>
/// Why no object spans two calls: an outcome is final when the call returns and calls never overlap, so an object
/// kept open across calls would have to report its earlier records as written before they were stored (breaking
/// written + dropped + failed = received when the upload later fails), or hold every call until it rolls (then it
/// could only ever hold one batch). Large objects come from large batches instead: the destination's batch size
/// and flush interval (AddS3 sets archive-sized defaults) are the object's size and age limits.
/// </remarks>
internal sealed class S3Sink : IFormattedLogSink, IReportsBytes
{
    private const int MaxKeyTries = 16;

    private readonly string _name;
    private readonly S3SinkOptions _options;
    private readonly IAmazonS3 _client;
    private readonly bool _ownsClient;
    private readonly S3ObjectStore _store;
    private readonly ObjectKeyTemplate _keys;
    private readonly AttemptCache _attempts = new(4096);
    private readonly RateLimitedReport _report;
    private long _sequence;
    private long _bytesWritten;
    private long _objects;
    private long _multipartObjects;
    private long _entriesNotStored;
    private long _abortedUploads;
    private int _disposed;

    public S3Sink(string name, S3SinkOptions options, IAmazonS3? client, TimeProvider? timeProvider)
    {
        _name = name;
        _options = options.Clone();
        var time = timeProvider ?? TimeProvider.System;
        _ownsClient = client is null;
        _client = client ?? S3ClientFactory.Create(_options);
        _store = new S3ObjectStore(_client, _options);
        _keys = new ObjectKeyTemplate(_options, time.GetUtcNow());
        _report = new RateLimitedReport(time, TimeSpan.FromSeconds(30));
    }

    public LogEntryFormatter Formatter => JsonLogFormatter.Instance;

    /// <summary>Compressed bytes of the objects stored.</summary>
    public long BytesWritten => Volatile.Read(ref _bytesWritten);

    /// <summary>The settings in use (a copy).</summary>
    internal S3SinkOptions Options => _options;

    /// <summary>Objects stored.</summary>
    internal long ObjectsStored => Volatile.Read(ref _objects);

    /// <summary>Objects stored with a multipart upload.</summary>
    internal long MultipartObjectsStored => Volatile.Read(ref _multipartObjects);

    /// <summary>Record writes handed back to the pipeline because their object could not be stored.</summary>
    internal long EntriesNotStored => Volatile.Read(ref _entriesNotStored);

    public async ValueTask WriteAsync(LogRecordBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var counts = new Counts(_store.Conflicts);
        var groups = RecordGroups.ByHour(batch);
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            var start = 0;
            while (start < group.Indices.Count)
            {
                var (end, failure) = await StoreNextObjectAsync(batch, group, start, counts, cancellationToken).ConfigureAwait(false);
                if (failure is not null)
                {
                    // This object and everything after it in the batch go back to the pipeline, which retries them
                    // after its backoff; the objects already stored stay written.
                    var notStored = MarkRetry(batch, groups, g, start, failure);
                    Interlocked.Add(ref _entriesNotStored, notStored);
                    counts.Apply(batch, _store);
                    return;
                }

                start = end;
            }
        }

        counts.Apply(batch, _store);
    }

    /// <summary>Every write stores its objects before it returns, so nothing is left open to flush.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        var notStored = Volatile.Read(ref _entriesNotStored);
        var aborted = Volatile.Read(ref _abortedUploads);
        if (notStored > 0 || aborted > 0)
        {
            // Not rate-limited: this is the one summary of the sink's life.
            HybridSelfLog.Report(
                $"S3 sink '{_name}' closed: {ObjectsStored} objects stored ({BytesWritten} bytes); {notStored} entry writes " +
                $"could not be stored and were handed back to the pipeline (retried or counted failed there); {aborted} multipart uploads aborted.");
        }

        if (_ownsClient)
        {
            _client.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Stores the next object of <paramref name="group"/> from record <paramref name="start"/>; returns where the next object starts, or why it failed.</summary>
    private async Task<(int End, string? Failure)> StoreNextObjectAsync(
        LogRecordBatch batch, HourGroup group, int start, Counts counts, CancellationToken cancellationToken)
    {
        var identity = AttemptCache.IdentityOf(batch[group.Indices[start]]);
        var attempt = _attempts.Find(identity);
        if (attempt is null)
        {
            attempt = NewAttempt(group);
            _attempts.Remember(identity, attempt);
        }

        try
        {
            for (var tries = 0; ; tries++)
            {
                var (end, result) = await EncodeAndStoreAsync(batch, group, start, attempt, counts, cancellationToken).ConfigureAwait(false);
                switch (result)
                {
                    case StoreResult.Stored:
                        Interlocked.Increment(ref _objects);
                        counts.Objects++;
                        return (end, null);
                    case StoreResult.AlreadyStored:
                        counts.AlreadyStored++;
                        return (end, null);
                }

                // 412 and the token is not ours: someone else's object holds this key. Never overwrite it.
                counts.KeyTaken++;
                if (tries >= MaxKeyTries)
                {
                    Report($"{MaxKeyTries + 1} keys in a row were already taken (last '{attempt.Key}')");
                    return (start, "keyTaken");
                }

                attempt = NewAttempt(group);
                _attempts.Remember(identity, attempt);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Report($"the upload of '{attempt.Key}' was cancelled (shutdown or write timeout)");
            return (start, "cancelled");
        }
        catch (Exception ex) when (Classify(ex) is { } reason)
        {
            Report($"storing '{attempt.Key}' failed: {Describe(ex)}");
            return (start, reason);
        }
    }

    private async Task<(int End, StoreResult Result)> EncodeAndStoreAsync(
        LogRecordBatch batch, HourGroup group, int start, ObjectAttempt attempt, Counts counts, CancellationToken cancellationToken)
    {
        using var encoder = new ObjectEncoder(_options.Compression);
        string? uploadId = null;
        List<PartETag>? parts = null;
        var i = start;
        try
        {
            // At least one record per object: a record larger than MaxObjectBytes gets an object of its own.
            do
            {
                encoder.Append(batch[group.Indices[i]].Bytes.Span);
                i++;
                if (encoder.BufferedBytes >= _options.PartSizeBytes)
                {
                    uploadId ??= await _store.InitiateAsync(attempt.Key, attempt.Token, cancellationToken).ConfigureAwait(false);
                    parts ??= [];
                    parts.Add(await _store.UploadPartAsync(attempt.Key, uploadId, parts.Count + 1, encoder.TakeBuffered(), cancellationToken).ConfigureAwait(false));
                }
            }
            while (i < group.Indices.Count && encoder.CompressedBytes < _options.MaxObjectBytes);

            encoder.Finish();
            StoreResult result;
            if (uploadId is null)
            {
                result = await _store.PutAsync(attempt.Key, attempt.Token, encoder.TakeBuffered(), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var last = encoder.TakeBuffered();
                if (last.Length > 0)
                {
                    parts!.Add(await _store.UploadPartAsync(attempt.Key, uploadId, parts.Count + 1, last, cancellationToken).ConfigureAwait(false));
                }

                result = await _store.CompleteAsync(attempt.Key, attempt.Token, uploadId, parts!, cancellationToken).ConfigureAwait(false);
                uploadId = null; // completed, or aborted by CompleteAsync when the key was taken
                if (result == StoreResult.Stored)
                {
                    counts.Multipart++;
                    Interlocked.Increment(ref _multipartObjects);
                }
            }

            if (result == StoreResult.Stored)
            {
                Interlocked.Add(ref _bytesWritten, encoder.CompressedBytes);
            }

            return (i, result);
        }
        finally
        {
            if (uploadId is not null)
            {
                // Failed or cancelled half way: leave no orphaned parts (the lifecycle rule in the README is the backstop).
                var aborted = await _store.AbortAsync(attempt.Key, uploadId).ConfigureAwait(false);
                Interlocked.Add(ref _abortedUploads, aborted ? 1 : 0);
                counts.Aborted += aborted ? 1 : 0;
                if (!aborted)
                {
                    Report($"aborting the multipart upload of '{attempt.Key}' failed; its parts stay until the bucket's lifecycle rule removes them");
                }
            }
        }
    }

    private ObjectAttempt NewAttempt(HourGroup group) =>
        new(_keys.Render(group.Start, Interlocked.Increment(ref _sequence)), Guid.NewGuid().ToString("N"));

    private static int MarkRetry(LogRecordBatch batch, List<HourGroup> groups, int firstGroup, int start, string reason)
    {
        var marked = 0;
        for (var g = firstGroup; g < groups.Count; g++)
        {
            var indices = groups[g].Indices;
            for (var k = g == firstGroup ? start : 0; k < indices.Count; k++)
            {
                batch.Retry(indices[k], reason);
                marked++;
            }
        }

        return marked;
    }

    /// <summary>A short, fixed reason for a failed object, or null for exceptions that are bugs and must surface.</summary>
    private static string? Classify(Exception ex) => ex switch
    {
        AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.ServiceUnavailable or System.Net.HttpStatusCode.TooManyRequests } => "throttled",
        AmazonServiceException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError } => "serverError",
        AmazonServiceException => "rejected",
        AmazonClientException or HttpRequestException or IOException => "network",
        OperationCanceledException => "timeout", // the SDK's own request timeout, not ours
        _ => null,
    };

    // Messages name the bucket and key only: credentials never appear (the SDK's messages do not carry them either).
    private static string Describe(Exception ex) => ex is AmazonServiceException service
        ? $"{(int)service.StatusCode} {service.ErrorCode}: {service.Message}"
        : $"{ex.GetType().Name}: {ex.Message}";

    private void Report(string what) => _report.Report($"S3 sink '{_name}' (bucket '{_options.BucketName}'): {what}.");

    /// <summary>Sink counters gathered during one call and added to the batch at its end.</summary>
    private sealed class Counts(long conflictsBefore)
    {
        public int Objects;
        public int Multipart;
        public int KeyTaken;
        public int AlreadyStored;
        public int Aborted;

        public void Apply(LogRecordBatch batch, S3ObjectStore store)
        {
            Add(batch, "objects", Objects);
            Add(batch, "multipartObjects", Multipart);
            Add(batch, "keyTaken", KeyTaken);
            Add(batch, "alreadyStored", AlreadyStored);
            Add(batch, "abortedUploads", Aborted);
            Add(batch, "conflictRetries", store.Conflicts - conflictsBefore);
        }

        private static void Add(LogRecordBatch batch, string name, long value)
        {
            if (value > 0)
            {
                batch.AddCount(name, value);
            }
        }
    }
}
