namespace HybridLogging;

/// <summary>How the data of each Kinesis record is encoded (see <see cref="KinesisSinkOptions.Compression"/>).</summary>
public enum KinesisCompression
{
    /// <summary>Plain UTF-8 JSON lines.</summary>
    None = 0,

    /// <summary>
    /// Each record's data is one gzip member holding the JSON lines (it starts with the bytes <c>1f 8b</c>). Cuts cost
    /// and throughput use, most of all with <see cref="KinesisSinkOptions.AggregateEntries"/>.
    /// </summary>
    Gzip = 1,
}
