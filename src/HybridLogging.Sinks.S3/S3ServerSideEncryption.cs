namespace HybridLogging;

/// <summary>Server-side encryption requested for each object.</summary>
public enum S3ServerSideEncryption
{
    /// <summary>No header: the bucket's default encryption applies (SSE-S3 on every bucket since January 2023).</summary>
    None = 0,

    /// <summary>SSE-S3 (<c>AES256</c>), keys managed by S3.</summary>
    S3 = 1,

    /// <summary>SSE-KMS (<c>aws:kms</c>) with <see cref="S3SinkOptions.KmsKeyId"/>, or the account's AWS managed key when it is not set.</summary>
    Kms = 2,
}
