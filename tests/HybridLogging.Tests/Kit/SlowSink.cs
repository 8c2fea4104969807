namespace HybridLogging.Tests.Kit;

/// <summary>A sink whose writes wait until the test opens its gate.</summary>
internal sealed class SlowSink : ILogSink
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _written;

    /// <summary>Entries handed to the sink whose write completed.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Completes when the first write has started (and is waiting on the gate).</summary>
    public Task FirstWriteStarted => _firstWrite.Task;

    public bool IsOpen => _gate.Task.IsCompleted;

    public void Open() => _gate.TrySetResult();

    public async ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
    {
        _firstWrite.TrySetResult();
        await _gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _written, batch.Count);
    }

    public ValueTask DisposeAsync()
    {
        Open();
        return ValueTask.CompletedTask;
    }
}
