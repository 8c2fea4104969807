using System.Diagnostics;

namespace HybridLogging.Internal;

/// <summary>
/// A destination's bounded queue of entries and record chunks, with its full mode: the capacity counts entries (a chunk
/// counts as its records), and whatever cannot be queued is counted as dropped, never lost silently. One producer (the
/// dispatcher), one consumer (the destination's loop).
/// </summary>
internal sealed class DestinationQueue(SinkOptions options, HybridLoggingOptions defaults, DestinationCounters counters)
{
    private readonly BoundedRing<object> _ring = new(options.QueueCapacity);
    private readonly QueueFullMode _fullMode = options.FullMode;
    private readonly long _blockTimeoutTicks = (long)(defaults.BlockTimeout.TotalSeconds * Stopwatch.Frequency);
    private readonly WakeSignal _room = new();
    private long _queuedEntries;
    private int _posterWaiting;

    public int Capacity => _ring.Capacity;

    /// <summary>Queued entries (a chunk of records counts as its records).</summary>
    public int Length => (int)Math.Min(int.MaxValue, Math.Max(0, Volatile.Read(ref _queuedEntries)));

    /// <summary>
    /// Queues an item, making room as the full mode says. <paramref name="wake"/> nudges the consumer while a Block-mode
    /// producer waits; <paramref name="closed"/> stops the wait when the destination closes.
    /// </summary>
    public void Offer(object item, int count, Action wake, Func<bool> closed)
    {
        if (TryEnqueue(item, count))
        {
            return;
        }

        switch (_fullMode)
        {
            case QueueFullMode.Block:
                if (!WaitForRoom(item, count, wake, closed))
                {
                    Drop(item, count);
                }

                return;
            case QueueFullMode.DropOldest:
                // Make room by dropping the oldest items, as many as it takes (a chunk may need several).
                while (TryDequeue(out var oldest, out var oldestCount))
                {
                    Drop(oldest, oldestCount);
                    if (TryEnqueue(item, count))
                    {
                        return;
                    }
                }

                Drop(item, count);
                return;
            default:
                Drop(item, count);
                return;
        }
    }

    public bool TryDequeue([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out object? item, out int count)
    {
        if (!_ring.TryDequeue(out item))
        {
            count = 0;
            return false;
        }

        count = item is Utf8Chunk chunk ? chunk.Count : 1;
        Interlocked.Add(ref _queuedEntries, -count);
        return true;
    }

    /// <summary>Counts an item as dropped and releases its chunk.</summary>
    public void Drop(object item, int count)
    {
        Interlocked.Add(ref counters.Dropped, count);
        (item as Utf8Chunk)?.Release();
    }

    /// <summary>Called by the consumer after it took items: lets a Block-mode producer retry.</summary>
    public void ReleaseWaitingProducer()
    {
        if (Volatile.Read(ref _posterWaiting) != 0 && !_room.IsSet)
        {
            _room.Set();
        }
    }

    /// <summary>
    /// Queues within the capacity, which counts entries. The dispatcher is the only producer, so the count can only
    /// fall between the check and the add. An item larger than the whole capacity is still taken by an empty queue.
    /// </summary>
    private bool TryEnqueue(object item, int count)
    {
        var queued = Volatile.Read(ref _queuedEntries);
        if (queued > 0 && queued + count > _ring.Capacity)
        {
            return false;
        }

        Interlocked.Add(ref _queuedEntries, count);
        if (_ring.TryEnqueue(item))
        {
            return true;
        }

        Interlocked.Add(ref _queuedEntries, -count);
        return false;
    }

    /// <summary>
    /// <see cref="QueueFullMode.Block"/>: the dispatcher waits (at most the pipeline's BlockTimeout) until the consumer
    /// takes a batch. The backlog then stays in the pipeline queue as pooled holders instead of piling up here.
    /// </summary>
    private bool WaitForRoom(object item, int count, Action wake, Func<bool> closed)
    {
        var deadline = Stopwatch.GetTimestamp() + _blockTimeoutTicks;
        Volatile.Write(ref _posterWaiting, 1);
        try
        {
            while (!closed())
            {
                wake();
                if (TryEnqueue(item, count))
                {
                    return true;
                }

                if (!BlockingWait.Step(_room, deadline))
                {
                    return false;
                }
            }

            return false;
        }
        finally
        {
            Volatile.Write(ref _posterWaiting, 0);
        }
    }
}
