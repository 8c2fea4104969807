namespace HybridLogging.Benchmarks.Common;

/// <summary>
/// A sink that discards what it gets (counts entries so the work is observable). It takes JSON records, like the file
/// sink, so the pipeline formats each entry as it would for a file.
/// </summary>
public sealed class NullSink : IFormattedLogSink
{
    private long _count;
    private long _bytes;

    public long Count => Volatile.Read(ref _count);

    public long Bytes => Volatile.Read(ref _bytes);

    public HybridLogging.Formatting.LogEntryFormatter Formatter => HybridLogging.Formatting.JsonLogFormatter.Instance;

    public ValueTask WriteAsync(LogRecordBatch batch, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _count, batch.Count);
        Interlocked.Add(ref _bytes, batch.TotalBytes);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
