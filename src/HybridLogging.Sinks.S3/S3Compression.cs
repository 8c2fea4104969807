namespace HybridLogging;

/// <summary>How the S3 sink compresses its objects.</summary>
public enum S3Compression
{
    /// <summary>gzip (<c>.ndjson.gz</c>, <c>Content-Encoding: gzip</c>): read by Athena, Spark, Trino and most tools.</summary>
    Gzip = 0,

    /// <summary>Zstandard (<c>.ndjson.zst</c>, <c>Content-Encoding: zstd</c>): smaller and faster; Athena reads it.</summary>
    Zstd = 1,

    /// <summary>No compression (<c>.ndjson</c>).</summary>
    None = 2,
}
