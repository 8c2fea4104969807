using HybridLogging.Sinks.S3.Internal.Objects;

namespace HybridLogging;

/// <summary>
/// Settings of an S3 archive destination: where objects go, how they are named, compressed, rolled and protected.
/// Credentials and (unless <see cref="Region"/> is set) the region come from the AWS SDK's default chain; no secret is
/// ever set here. The pipeline settings of the destination (batching, queue, retries) are the separate
/// <see cref="SinkOptions"/>. An object spans the destination's batches: it is compressed as entries arrive and closed
/// by <see cref="MaxObjectBytes"/>, <see cref="MaxObjectAge"/> or a change of hour, and its entries count as written once
/// it is stored (until then they are pending; see the README).
/// </summary>
public sealed class S3SinkOptions
{
    /// <summary>Smallest allowed <see cref="MaxObjectBytes"/> (1 KiB).</summary>
    public const long MinObjectBytes = 1024;

    /// <summary>Smallest allowed <see cref="PartSizeBytes"/>: S3's minimum part size, 5 MiB.</summary>
    public const int MinPartSizeBytes = 5 * 1024 * 1024;

    /// <summary>Name of the bucket. Required.</summary>
    public string BucketName { get; set; } = string.Empty;

    /// <summary>Key prefix, the <c>{prefix}</c> of the key template, without leading or trailing slash. Default <c>logs</c>.</summary>
    public string Prefix { get; set; } = "logs";

    /// <summary>
    /// Time partition layout of the default key template: <see cref="S3PartitionStyle.Path"/> (<c>2026/11/30/21</c>) or
    /// <see cref="S3PartitionStyle.Hive"/> (<c>year=2026/month=11/day=30/hour=21</c>). Ignored when
    /// <see cref="KeyTemplate"/> is set. Default Path.
    /// </summary>
    public S3PartitionStyle PartitionStyle { get; set; } = S3PartitionStyle.Path;

    /// <summary>
    /// Object key template. Tokens: <c>{prefix}</c>, <c>{yyyy}</c>, <c>{MM}</c>, <c>{dd}</c>, <c>{HH}</c> (the UTC hour of
    /// the object's entries, from their own timestamps), <c>{machine}</c>, <c>{utcStamp}</c> (when this sink started,
    /// <c>yyyyMMddTHHmmssfffZ</c>), <c>{sequence}</c> (per sink, six digits or more, required) and <c>{extension}</c>
    /// (<c>.ndjson.gz</c>, <c>.ndjson.zst</c> or <c>.ndjson</c>). Default null:
    /// <c>{prefix}/{yyyy}/{MM}/{dd}/{HH}/{machine}-{utcStamp}-{sequence}.ndjson.gz</c> (Path style, gzip), with the
    /// partition and extension following <see cref="PartitionStyle"/> and <see cref="Compression"/>.
    /// </summary>
    public string? KeyTemplate { get; set; }

    /// <summary>The <c>{machine}</c> of keys. Default null: <see cref="Environment.MachineName"/> (characters other than letters, digits, <c>-</c>, <c>_</c> and <c>.</c> become <c>-</c>).</summary>
    public string? MachineName { get; set; }

    /// <summary>Compression of objects: <see cref="S3Compression.Gzip"/>, <see cref="S3Compression.Zstd"/> or <see cref="S3Compression.None"/>. Default Gzip.</summary>
    public S3Compression Compression { get; set; } = S3Compression.Gzip;

    /// <summary>
    /// Compressed size at which an object is closed and the next one begins, in bytes (checked as entries are
    /// compressed, so an object may exceed it by about one compressor buffer). Between 1 KiB and 5 GiB. Default 8 MiB
    /// (8,388,608).
    /// </summary>
    public long MaxObjectBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>
    /// Age at which an open object is closed and stored even if it is not full, measured from its first entry with the
    /// sink's <see cref="TimeProvider"/> (checked on every batch and by a timer, so an idle sink still stores it). Also how
    /// long an entry may stay pending in the sink. Between 1 second and 1 day. Default 5 minutes.
    /// </summary>
    public TimeSpan MaxObjectAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many times the sink retries an S3 call of an object (a part upload, the final <c>PutObject</c> or
    /// <c>CompleteMultipartUpload</c>) after a throttling, server or network error, on top of the AWS SDK's own retries,
    /// with the same key and token, so a retry never stores a second copy. When they are spent the object's entries are
    /// counted as failed (the pipeline cannot resend them: the sink compressed them away). Between 0 and 10. Default 3.
    /// </summary>
    public int UploadRetries { get; set; } = 3;

    /// <summary>First delay between the retries of <see cref="UploadRetries"/>, doubled each time, with jitter. Default 1 second.</summary>
    public TimeSpan UploadRetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Part size of multipart uploads, in bytes: an object is sent with a single <c>PutObject</c> while it stays within
    /// one part, and as a multipart upload of parts of this size (the last one smaller) once it grows past it, so the
    /// sink holds at most <see cref="MaxPendingUploads"/> + 1 parts of compressed data. Between 5 MiB and 512 MiB.
    /// Default 5 MiB (5,242,880).
    /// </summary>
    public int PartSizeBytes { get; set; } = MinPartSizeBytes;

    /// <summary>
    /// How many uploads (parts, and the last upload of closed objects) may run in the background at once. A write hands
    /// a full part or a closed object to an upload and goes on compressing; it waits for S3 only when this many are
    /// running, until one ends. The sink holds at most this many parts plus one of compressed data (with the default
    /// part size, 15 MiB). Between 1 and 16. Default 2.
    /// </summary>
    public int MaxPendingUploads { get; set; } = 2;

    /// <summary>Region system name (for example <c>eu-west-1</c>). Default null: the SDK's region chain (AWS_REGION, profile, instance metadata).</summary>
    public string? Region { get; set; }

    /// <summary>Endpoint of an S3-compatible server (MinIO, Ceph, LocalStack, s3rver), for example <c>http://127.0.0.1:9000</c>. Default null: AWS.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Path-style addressing (<c>host/bucket/key</c>), which most S3-compatible servers need. Default false.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>
    /// Whether uploads use the SDK's default <c>aws-chunked</c> encoding (streamed signature and trailing checksum).
    /// Set false for S3-compatible servers that do not decode it (s3rver stores the chunk framing as data; older MinIO and
    /// Ceph versions reject it). Default true.
    /// </summary>
    public bool UseChunkEncoding { get; set; } = true;

    /// <summary>
    /// Whether <c>PutObject</c> and <c>CompleteMultipartUpload</c> send <c>If-None-Match: *</c>, so an existing object
    /// is never overwritten (a key taken by someone else moves the sink to its next sequence number). Turn off only for a
    /// server that rejects the header. Default true.
    /// </summary>
    public bool UseConditionalWrites { get; set; } = true;

    /// <summary><c>Content-Type</c> of objects. Default <c>application/x-ndjson</c>.</summary>
    public string ContentType { get; set; } = "application/x-ndjson";

    /// <summary>Object tags (at most 10; keys up to 128 and values up to 256 characters), for lifecycle rules and cost allocation. Default none.</summary>
    public Dictionary<string, string> Tags { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>Server-side encryption requested per object. Default <see cref="S3ServerSideEncryption.None"/> (the bucket's default).</summary>
    public S3ServerSideEncryption ServerSideEncryption { get; set; } = S3ServerSideEncryption.None;

    /// <summary>KMS key id or ARN for <see cref="S3ServerSideEncryption.Kms"/>. Default null (the AWS managed key <c>aws/s3</c>).</summary>
    public string? KmsKeyId { get; set; }

    /// <summary>Checks every setting and returns one clear message per problem (empty when valid).</summary>
    public IReadOnlyList<string> Validate(string sinkName)
    {
        var errors = new List<string>();
        void Add(string message) => errors.Add($"S3 sink '{sinkName}': {message}");

        if (string.IsNullOrWhiteSpace(BucketName))
        {
            Add("BucketName is required.");
        }
        else if (BucketName.Length is < 3 or > 63 || !BucketName.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-'))
        {
            Add($"BucketName must be 3 to 63 lowercase letters, digits, dots or hyphens (was '{BucketName}').");
        }

        if (Prefix is null || Prefix.StartsWith('/') || Prefix.EndsWith('/'))
        {
            Add($"Prefix must not be null nor start or end with '/' (was '{Prefix}').");
        }

        if (!Enum.IsDefined(PartitionStyle))
        {
            Add($"PartitionStyle must be Path or Hive (was {PartitionStyle}).");
        }

        if (!Enum.IsDefined(Compression))
        {
            Add($"Compression must be Gzip, Zstd or None (was {Compression}).");
        }

        if (KeyTemplate is not null && ObjectKeyTemplate.Check(KeyTemplate) is { } templateError)
        {
            Add($"KeyTemplate {templateError} (was '{KeyTemplate}').");
        }

        if (MaxObjectBytes is < MinObjectBytes or > 5L * 1024 * 1024 * 1024)
        {
            Add($"MaxObjectBytes must be between {MinObjectBytes} and 5368709120 (was {MaxObjectBytes}).");
        }

        if (PartSizeBytes is < MinPartSizeBytes or > 512 * 1024 * 1024)
        {
            Add($"PartSizeBytes must be between {MinPartSizeBytes} and 536870912 (was {PartSizeBytes}).");
        }

        if (MaxObjectAge < TimeSpan.FromSeconds(1) || MaxObjectAge > TimeSpan.FromDays(1))
        {
            Add($"MaxObjectAge must be between 00:00:01 and 1.00:00:00 (was {MaxObjectAge}).");
        }

        if (UploadRetries is < 0 or > 10)
        {
            Add($"UploadRetries must be between 0 and 10 (was {UploadRetries}).");
        }

        if (UploadRetryBaseDelay < TimeSpan.Zero || UploadRetryBaseDelay > TimeSpan.FromMinutes(1))
        {
            Add($"UploadRetryBaseDelay must be between 0 and 00:01:00 (was {UploadRetryBaseDelay}).");
        }

        if (MaxPendingUploads is < 1 or > 16)
        {
            Add($"MaxPendingUploads must be between 1 and 16 (was {MaxPendingUploads}).");
        }

        if (Region is not null && string.IsNullOrWhiteSpace(Region))
        {
            Add("Region must not be blank when set.");
        }

        if (ServiceUrl is not null && (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
        {
            Add($"ServiceUrl must be an absolute http or https URL (was '{ServiceUrl}').");
        }

        if (string.IsNullOrWhiteSpace(ContentType))
        {
            Add("ContentType is required.");
        }

        ValidateTags(Add);
        if (!Enum.IsDefined(ServerSideEncryption))
        {
            Add($"ServerSideEncryption must be None, S3 or Kms (was {ServerSideEncryption}).");
        }
        else if (KmsKeyId is not null && ServerSideEncryption != S3ServerSideEncryption.Kms)
        {
            Add("KmsKeyId is set but ServerSideEncryption is not Kms.");
        }

        return errors;
    }

    private void ValidateTags(Action<string> add)
    {
        if (Tags is null)
        {
            add("Tags must not be null.");
            return;
        }

        if (Tags.Count > 10)
        {
            add($"at most 10 Tags are allowed (was {Tags.Count}).");
        }

        foreach (var (key, value) in Tags)
        {
            if (string.IsNullOrEmpty(key) || key.Length > 128 || (value?.Length ?? 0) > 256)
            {
                add($"tag '{key}' must have a key of 1 to 128 characters and a value of at most 256.");
            }
        }
    }

    internal S3SinkOptions Clone()
    {
        var clone = (S3SinkOptions)MemberwiseClone();
        clone.Tags = new Dictionary<string, string>(Tags, StringComparer.Ordinal);
        return clone;
    }
}
