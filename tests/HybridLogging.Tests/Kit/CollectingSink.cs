namespace HybridLogging.Tests.Kit;

/// <summary>Thread-safe sink that keeps every entry it is handed, in order.</summary>
internal sealed class CollectingSink : ILogSink
{
    private readonly List<LogEntry> _entries = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private int _flushes;
    private int _disposed;

    /// <summary>Called inside WriteBatchAsync, on the destination's own thread (for example to log from a sink).</summary>
    public Action<IReadOnlyList<LogEntry>>? OnWrite { get; init; }

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    public int Flushes => Volatile.Read(ref _flushes);

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Completes when at least <paramref name="count"/> entries have been written.</summary>
    public Task WaitForCountAsync(int count)
    {
        lock (_entries)
        {
            if (_entries.Count >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task;
        }
    }

    public ValueTask WriteBatchAsync(IReadOnlyList<LogEntry> batch, CancellationToken cancellationToken)
    {
        OnWrite?.Invoke(batch);
        lock (_entries)
        {
            _entries.AddRange(batch);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_entries.Count >= _waiters[i].Count)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _flushes);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        return ValueTask.CompletedTask;
    }
}
