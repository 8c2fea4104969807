namespace HybridLogging.Benchmarks.Common;

/// <summary>
/// A sink that discards what it gets (counts entries so the work is observable). It takes JSON lines by default, like
/// the file sink, so the pipeline formats each entry as it would for a file; with <c>acceptsLines: false</c> it gets
/// built entries and formats nothing.
/// </summary>
public sealed class NullSink(bool acceptsLines = true) : IJsonLinesSink
{
    private long _count;
    private long _bytes;

    public long Count => Volatile.Read(ref _count);

    public long Bytes => Volatile.Read(ref _bytes);

    public bool AcceptsJsonLines => acceptsLines;

    public ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _count, batch.Count);
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteJsonLinesAsync(ReadOnlyMemory<byte> lines, int entryCount, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _count, entryCount);
        Interlocked.Add(ref _bytes, lines.Length);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
