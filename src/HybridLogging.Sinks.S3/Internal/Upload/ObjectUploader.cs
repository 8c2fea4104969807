using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using HybridLogging.Sinks.S3.Internal.Sink;
using Polly;
using Polly.Retry;

namespace HybridLogging.Sinks.S3.Internal.Upload;

/// <summary>
/// Stores an <see cref="OpenObject"/>: its parts as they fill, then the object itself (<c>PutObject</c>, or the last
/// part and <c>CompleteMultipartUpload</c>); the sink makes these calls in the background (<see cref="ObjectStorer"/>).
/// Every call is retried after throttling, server and network errors (<see cref="S3SinkOptions.UploadRetries"/>,
/// Polly.Core) with the object's same key and token, which makes a retry after a lost response meet its own object
/// (412, token ours) rather than store a copy. Throws when it gives up.
/// </summary>
internal sealed class ObjectUploader
{
    private const int MaxKeyTries = 16;

    private readonly S3ObjectStore _store;
    private readonly Func<long, ObjectAttempt> _newAttempt;
    private readonly SinkCounters _counters;
    private readonly ResiliencePipeline _retry;

    public ObjectUploader(S3ObjectStore store, S3SinkOptions options, Func<long, ObjectAttempt> newAttempt, SinkCounters counters)
    {
        _store = store;
        _newAttempt = newAttempt;
        _counters = counters;
        // Real time, not the sink's TimeProvider: backoff is about the service recovering, not about object age.
        var builder = new ResiliencePipelineBuilder();
        if (options.UploadRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.UploadRetries,
                Delay = options.UploadRetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ReasonFor(ex) is "throttled" or "serverError" or "network" or "timeout"),
                OnRetry = _ =>
                {
                    counters.AddUploadRetry();
                    return ValueTask.CompletedTask;
                },
            });
        }

        _retry = builder.Build();
    }

    /// <summary>A short, fixed reason for a failed object, or null for exceptions that are bugs.</summary>
    public static string? ReasonFor(Exception ex) => ex switch
    {
        KeyTakenException => "keyTaken",
        AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.ServiceUnavailable or System.Net.HttpStatusCode.TooManyRequests } => "throttled",
        AmazonServiceException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError } => "serverError",
        AmazonServiceException => "rejected",
        AmazonClientException or HttpRequestException or IOException => "network",
        OperationCanceledException => "timeout", // the SDK's own request timeout; the caller tells cancellation apart
        _ => null,
    };

    /// <summary>
    /// Checks the object's key and starts its multipart upload: run by its first part's upload, before the part is sent.
    /// </summary>
    public async Task StartMultipartAsync(OpenObject o, CancellationToken cancellationToken)
    {
        // A 412 at completion could not move the parts to another key, so the key is checked before they are sent.
        for (var tries = 0; await Retry(ct => _store.ExistsAsync(o.Attempt.Key, ct), cancellationToken).ConfigureAwait(false); tries++)
        {
            _counters.AddKeyTaken();
            if (tries >= MaxKeyTries)
            {
                throw new KeyTakenException(o.Attempt.Key);
            }

            o.Attempt = _newAttempt(o.Hour);
        }

        var (key, token) = o.Attempt;
        o.UploadId = await Retry(ct => _store.InitiateAsync(key, token, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Uploads one part of a started multipart upload (<see cref="StartMultipartAsync"/>).</summary>
    public async Task<PartETag> UploadPartAsync(OpenObject o, int partNumber, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var uploadId = o.UploadId ?? throw new InvalidOperationException("The multipart upload is not started.");
        var objectKey = o.Attempt.Key;
        return await Retry(ct => _store.UploadPartAsync(objectKey, uploadId, partNumber, body, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores the object from its last compressed bytes (<paramref name="body"/>, after the encoder finished): one
    /// <c>PutObject</c>, or for a multipart object (whose earlier parts all succeeded) the last part and
    /// <c>CompleteMultipartUpload</c>. Returns whether it was stored now or already.
    /// </summary>
    public async Task<StoreResult> StoreAsync(OpenObject o, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (o.PartCount == 0)
        {
            for (var tries = 0; ; tries++)
            {
                var (key, token) = o.Attempt;
                var result = await Retry(ct => _store.PutAsync(key, token, body, ct), cancellationToken).ConfigureAwait(false);
                if (result != StoreResult.KeyTaken)
                {
                    return result;
                }

                // Someone else's object holds the key: never overwrite it, take the next sequence number.
                _counters.AddKeyTaken();
                if (tries >= MaxKeyTries)
                {
                    throw new KeyTakenException(key);
                }

                o.Attempt = _newAttempt(o.Hour);
            }
        }

        var parts = o.StoredParts();
        if (body.Length > 0)
        {
            parts.Add(await UploadPartAsync(o, o.PartCount + 1, body, cancellationToken).ConfigureAwait(false));
        }

        var (objectKey, objectToken) = o.Attempt;
        var uploadId = o.UploadId ?? throw new InvalidOperationException("The multipart upload is not started.");
        var completed = await Retry(ct => _store.CompleteAsync(objectKey, objectToken, uploadId, parts, ct), cancellationToken).ConfigureAwait(false);
        o.UploadId = null; // completed, or aborted by CompleteAsync when the key was taken
        if (completed == StoreResult.KeyTaken)
        {
            // Taken between the check and the completion (another writer with the same machine name and start time).
            _counters.AddKeyTaken();
            _counters.AddAbortedUpload();
            throw new KeyTakenException(objectKey);
        }

        return completed;
    }

    /// <summary>Aborts the object's multipart upload, if any, so no parts are left behind. Never throws.</summary>
    public async Task<bool> AbortAsync(OpenObject o)
    {
        if (o.UploadId is not { } uploadId)
        {
            return true;
        }

        o.UploadId = null;
        var aborted = await _store.AbortAsync(o.Attempt.Key, uploadId).ConfigureAwait(false);
        if (aborted)
        {
            _counters.AddAbortedUpload();
        }

        return aborted;
    }

    private ValueTask<T> Retry<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(static async (call, ct) => await call(ct).ConfigureAwait(false), call, cancellationToken);
}

/// <summary>Every key tried for an object belonged to someone else.</summary>
internal sealed class KeyTakenException(string key) : Exception($"the key '{key}' and the following ones were already taken");
