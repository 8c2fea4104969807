using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Polly;
using Polly.Retry;

namespace HybridLogging.Sinks.S3.Internal.Upload;

/// <summary>What a conditional write found.</summary>
internal enum StoreResult
{
    /// <summary>The object was created.</summary>
    Stored,

    /// <summary>The key holds an object written by an earlier attempt of this same object (a lost response): nothing to do.</summary>
    AlreadyStored,

    /// <summary>The key holds someone else's object: take the next sequence number.</summary>
    KeyTaken,
}

/// <summary>
/// The S3 calls of the sink: conditional PutObject, multipart upload (initiate, parts, conditional complete, abort)
/// and the ownership check after a 412. Each object carries a random token in its metadata, so after a 412 one HEAD
/// tells "our own earlier attempt landed" (a response lost to a reset; the SDK retried) from "someone else's object".
/// </summary>
internal sealed class S3ObjectStore
{
    /// <summary>User metadata key of the attempt token (sent as <c>x-amz-meta-hl-token</c>).</summary>
    public const string TokenMetadata = "hl-token";

    private readonly IAmazonS3 _client;
    private readonly ResiliencePipeline _conflicts;
    private readonly S3SinkOptions _options;
    private readonly string? _contentEncoding;
    private long _conflictCount;

    public S3ObjectStore(IAmazonS3 client, S3SinkOptions options)
    {
        _client = client;
        _options = options;
        _contentEncoding = options.Compression switch
        {
            S3Compression.Gzip => "gzip",
            S3Compression.Zstd => "zstd",
            _ => null,
        };

        // 409 ConditionalRequestConflict: a concurrent conditional write on the same key was in flight; S3 asks to
        // retry the request. A short, jittered retry here (the pipeline's backoff is for whole batches).
        _conflicts = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<AmazonS3Exception>(IsConflict),
                MaxRetryAttempts = 5,
                Delay = TimeSpan.FromMilliseconds(50),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = _ =>
                {
                    Interlocked.Increment(ref _conflictCount);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>409 conflicts retried so far (a counter for the sink's statistics).</summary>
    public long Conflicts => Interlocked.Read(ref _conflictCount);

    public async Task<StoreResult> PutAsync(string key, string token, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        try
        {
            await _conflicts.ExecuteAsync(
                async ct =>
                {
                    var request = new PutObjectRequest
                    {
                        BucketName = _options.BucketName,
                        Key = key,
                        InputStream = AsStream(body),
                        ContentType = _options.ContentType,
                        UseChunkEncoding = _options.UseChunkEncoding,
                        IfNoneMatch = _options.UseConditionalWrites ? "*" : null,
                        TagSet = Tags(),
                    };
                    Describe(request.Headers, request.Metadata, token);
                    ApplyEncryption(request);
                    await _client.PutObjectAsync(request, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            return StoreResult.Stored;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            return await OwnerAsync(key, token, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<string> InitiateAsync(string key, string token, CancellationToken cancellationToken)
    {
        var request = new InitiateMultipartUploadRequest
        {
            BucketName = _options.BucketName,
            Key = key,
            ContentType = _options.ContentType,
        };
        Describe(request.Headers, request.Metadata, token);
        request.TagSet = Tags();
        if (_options.ServerSideEncryption != S3ServerSideEncryption.None)
        {
            request.ServerSideEncryptionMethod = Method();
            request.ServerSideEncryptionKeyManagementServiceKeyId = _options.KmsKeyId;
        }

        var response = await _client.InitiateMultipartUploadAsync(request, cancellationToken).ConfigureAwait(false);
        return response.UploadId;
    }

    public async Task<PartETag> UploadPartAsync(string key, string uploadId, int partNumber, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var response = await _client.UploadPartAsync(
            new UploadPartRequest
            {
                BucketName = _options.BucketName,
                Key = key,
                UploadId = uploadId,
                PartNumber = partNumber,
                InputStream = AsStream(body),
                PartSize = body.Length,
                UseChunkEncoding = _options.UseChunkEncoding,
            },
            cancellationToken).ConfigureAwait(false);
        return new PartETag(partNumber, response.ETag);
    }

    public async Task<StoreResult> CompleteAsync(string key, string token, string uploadId, List<PartETag> parts, CancellationToken cancellationToken)
    {
        try
        {
            await _conflicts.ExecuteAsync(
                async ct => await _client.CompleteMultipartUploadAsync(
                    new CompleteMultipartUploadRequest
                    {
                        BucketName = _options.BucketName,
                        Key = key,
                        UploadId = uploadId,
                        PartETags = parts,
                        IfNoneMatch = _options.UseConditionalWrites ? "*" : null,
                    },
                    ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            return StoreResult.Stored;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.PreconditionFailed ||
                                           (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode == "NoSuchUpload"))
        {
            // 412: the key exists. NoSuchUpload: an earlier try of this very call completed the upload and its
            // response was lost. Either way the object's token says whose it is.
            var owner = await OwnerAsync(key, token, cancellationToken).ConfigureAwait(false);
            if (owner == StoreResult.KeyTaken)
            {
                await AbortAsync(key, uploadId).ConfigureAwait(false);
            }

            return owner;
        }
    }

    /// <summary>Aborts a multipart upload so no parts are left behind; best effort, bounded, never throws.</summary>
    public async Task<bool> AbortAsync(string key, string uploadId)
    {
        try
        {
            // Not the caller's token: an abort must still run when the write was cancelled (shutdown, timeout).
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = _options.BucketName, Key = key, UploadId = uploadId },
                timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is AmazonServiceException or Amazon.Runtime.AmazonClientException or OperationCanceledException or HttpRequestException or IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether an object exists under <paramref name="key"/>: checked before a multipart upload starts, because a 412 at
    /// its completion would leave no way to store the parts under another key (the sink no longer holds them).
    /// </summary>
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await _client.GetObjectMetadataAsync(
                new GetObjectMetadataRequest { BucketName = _options.BucketName, Key = key }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private async Task<StoreResult> OwnerAsync(string key, string token, CancellationToken cancellationToken)
    {
        var metadata = await _client.GetObjectMetadataAsync(
            new GetObjectMetadataRequest { BucketName = _options.BucketName, Key = key }, cancellationToken).ConfigureAwait(false);
        return string.Equals(metadata.Metadata[TokenMetadata], token, StringComparison.Ordinal)
            ? StoreResult.AlreadyStored
            : StoreResult.KeyTaken;
    }

    private void Describe(HeadersCollection headers, MetadataCollection metadata, string token)
    {
        if (_contentEncoding is not null)
        {
            headers.ContentEncoding = _contentEncoding;
        }

        metadata.Add(TokenMetadata, token);
    }

    private List<Tag>? Tags() =>
        _options.Tags.Count == 0 ? null : [.. _options.Tags.Select(t => new Tag { Key = t.Key, Value = t.Value ?? string.Empty })];

    private void ApplyEncryption(PutObjectRequest request)
    {
        if (_options.ServerSideEncryption != S3ServerSideEncryption.None)
        {
            request.ServerSideEncryptionMethod = Method();
            request.ServerSideEncryptionKeyManagementServiceKeyId = _options.KmsKeyId;
        }
    }

    private ServerSideEncryptionMethod Method() =>
        _options.ServerSideEncryption == S3ServerSideEncryption.Kms ? ServerSideEncryptionMethod.AWSKMS : ServerSideEncryptionMethod.AES256;

    private static bool IsConflict(AmazonS3Exception ex) =>
        ex.StatusCode == HttpStatusCode.Conflict && ex.ErrorCode == "ConditionalRequestConflict";

    private static MemoryStream AsStream(ReadOnlyMemory<byte> body) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(body, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
}
