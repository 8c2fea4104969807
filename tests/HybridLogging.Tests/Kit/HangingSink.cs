namespace HybridLogging.Tests.Kit;

/// <summary>A sink whose writes never complete and ignore cancellation.</summary>
internal sealed class HangingSink : ILogSink
{
    private readonly TaskCompletionSource _never = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return new ValueTask(_never.Task);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => new(_never.Task);

    public ValueTask DisposeAsync() => new(_never.Task);

    /// <summary>Lets the hung calls finish (test cleanup only).</summary>
    public void Release() => _never.TrySetResult();
}
