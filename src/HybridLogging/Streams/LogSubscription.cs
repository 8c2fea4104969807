namespace HybridLogging;

/// <summary>
/// A live feed of entries as they are dispatched. Each subscription has its own bounded buffer: when the reader falls
/// behind, the oldest buffered entries are dropped and counted in <see cref="Missed"/>; the pipeline never waits for it.
/// Enumerate it once with <c>await foreach</c>; leaving the loop or disposing ends the subscription. The buffer holds
/// copies of the pipeline's view: each <see cref="LogEntry"/> is built on the enumerating thread as it is read.
/// </summary>
/// <remarks>
/// When the reader has caught up and waits, the subscription's own thread (named <c>HybridLogging subscriber</c>)
/// resumes it as entries arrive, so the loop body runs there (or on the reader's captured synchronization context)
/// until it awaits something else. Keep the body short or await slow work: a body that blocks holds up this
/// subscription, never the pipeline or other subscriptions. The thread ends with the subscription.
/// </remarks>
public sealed class LogSubscription : IAsyncEnumerable<LogEntry>, IAsyncDisposable
{
    private readonly Internal.SubscriberBuffer _buffer;
    private readonly Action<LogSubscription> _unsubscribe;
    private readonly Internal.FilterSet _filter;
    private int _disposed;

    internal LogSubscription(string? streamId, LogFilter? filter, int capacity, Action<LogSubscription> unsubscribe)
    {
        StreamId = streamId;
        Capacity = capacity;
        _filter = filter is null ? Internal.FilterSet.PassAll : Internal.FilterSet.Compile([filter]);
        _unsubscribe = unsubscribe;
        _buffer = new Internal.SubscriberBuffer(capacity);
    }

    /// <summary>The stream this subscription follows, or null for every dispatched entry.</summary>
    public string? StreamId { get; }

    /// <summary>Buffer capacity in entries.</summary>
    public int Capacity { get; }

    /// <summary>Entries dropped from this subscription's buffer because the reader was too slow.</summary>
    public long Missed => _buffer.Missed;

    /// <summary>Entries offered to this subscription (delivered to the buffer, including ones later missed).</summary>
    public long Offered => _buffer.Written;

    /// <summary>Whether this subscription's filter passes the entry (dispatcher thread).</summary>
    internal bool Accepts(LogEntryView entry) => _filter.Matches(entry);

    /// <summary>Buffers a copy of an entry its filter passed; the entry object is built when it is read (dispatcher thread).</summary>
    internal void Offer(LogEntryView entry) => _buffer.Write(entry);

    /// <summary>Wakes the reader for what was offered this round (dispatcher thread, at the end of each round).</summary>
    internal void Signal() => _buffer.Signal();

    /// <inheritdoc />
    public async IAsyncEnumerator<LogEntry> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        try
        {
            while (await _buffer.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (_buffer.TryRead(out var entry))
                {
                    yield return entry;
                }
            }
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Ends the subscription; a pending enumeration completes after the buffered entries.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _unsubscribe(this);
            _buffer.Complete();
        }

        return ValueTask.CompletedTask;
    }

    internal void Complete() => _buffer.Complete();
}
