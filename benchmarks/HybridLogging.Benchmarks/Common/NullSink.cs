namespace HybridLogging.Benchmarks.Common;

/// <summary>A sink that discards every batch (counts entries so the work is observable).</summary>
public sealed class NullSink : ILogSink
{
    private long _count;

    public long Count => Volatile.Read(ref _count);

    public ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _count, batch.Count);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
