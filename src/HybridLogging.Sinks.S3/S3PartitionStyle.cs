namespace HybridLogging;

/// <summary>How the time partition of an object key is written (when <see cref="S3SinkOptions.KeyTemplate"/> is not set).</summary>
public enum S3PartitionStyle
{
    /// <summary><c>{prefix}/2026/11/30/21/...</c>: short keys; query engines need partition projection or explicit partitions.</summary>
    Path = 0,

    /// <summary><c>{prefix}/year=2026/month=11/day=30/hour=21/...</c>: Hive style, discovered by <c>MSCK REPAIR TABLE</c> and Glue crawlers.</summary>
    Hive = 1,
}
