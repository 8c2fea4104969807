namespace HybridLogging;

/// <summary>Where a Kinesis record's partition key comes from (see <see cref="KinesisSinkOptions.PartitionKey"/>).</summary>
public enum KinesisPartitionKeySource
{
    /// <summary>
    /// The entry's correlation id, so the entries of one request land on one shard in order; entries without one get a
    /// random key.
    /// </summary>
    CorrelationId = 0,

    /// <summary>The entry's source (for example <c>HybridRouter</c>); entries with an empty source get a random key.</summary>
    Source = 1,

    /// <summary>A random key per record: spreads the load evenly over every shard, no ordering between records.</summary>
    Random = 2,

    /// <summary>
    /// The value of the field named by <see cref="KinesisSinkOptions.PartitionKeyProperty"/>: a top-level field of the JSON
    /// line (for example <c>userId</c>) or else a property of the entry; entries without it get a random key.
    /// </summary>
    Property = 3,
}
