namespace HybridLogging.Tests.Kit;

/// <summary>A sink whose every write throws.</summary>
internal sealed class ThrowingSink : ILogSink
{
    private int _calls;

    /// <summary>Write attempts (first tries and retries).</summary>
    public int Calls => Volatile.Read(ref _calls);

    public ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        throw new InvalidOperationException("sink is broken");
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("flush is broken");

    public ValueTask DisposeAsync() => throw new InvalidOperationException("dispose is broken");
}
